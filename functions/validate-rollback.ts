/** validateRollback: the manual rollback request and the cluster config, before ManualRollback changes anything. */
import { step } from '../src/lambda/step.js';
import { validateRollback } from '../src/steps/validate-rollback.js';

export const handler = step(validateRollback);
