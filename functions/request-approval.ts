/** requestApproval: the task token of a step waiting for a person goes to the ledger; "Approval Requested" goes out. */
import { step } from '../src/lambda/step.js';
import { requestApproval } from '../src/steps/request-approval.js';

export const handler = step(requestApproval);
