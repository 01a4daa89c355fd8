/** finalize: unpin, schedule teardown, release the lock, record and announce success. */
import { step } from '../src/lambda/step.js';
import { finalize } from '../src/steps/finalize.js';

export const handler = step(finalize);
