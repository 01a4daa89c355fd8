/** recover: an execution stopped, timed out or failed without its own Rollback → undo it (EventBridge rule). */
import { step } from '../src/lambda/step.js';
import { recover } from '../src/steps/recover.js';

export const handler = step(recover);
