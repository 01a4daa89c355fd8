/** teardown: one-shot group teardown and the daily sweep. */
import { step } from '../src/lambda/step.js';
import { teardown } from '../src/steps/teardown.js';

export const handler = step(teardown);
