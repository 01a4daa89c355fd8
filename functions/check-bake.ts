/** checkBake: poll the bake, create the image, always terminate the builder. */
import { step } from '../src/lambda/step.js';
import { checkBake } from '../src/steps/check-bake.js';

export const handler = step(checkBake);
