/** validate: the deploy input, the cluster config, and the artifact or image, before Plan takes the lock. */
import { step } from '../src/lambda/step.js';
import { validate } from '../src/steps/validate.js';

export const handler = step(validate);
