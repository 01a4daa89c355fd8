/** rollback: the state machine's Catch — undo a failed deployment. */
import { step } from '../src/lambda/step.js';
import { rollback } from '../src/steps/rollback.js';

export const handler = step(rollback);
