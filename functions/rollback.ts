/** rollback: automatic rollback of a failed deployment, and on-demand rollback of the last one. */
import { step } from '../src/lambda/step.js';
import { rollbackEntry } from '../src/steps/rollback-entry.js';

export const handler = step(rollbackEntry);
