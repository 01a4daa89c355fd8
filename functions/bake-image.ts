/** bakeImage: launch the bake builder. */
import { step } from '../src/lambda/step.js';
import { bakeImage } from '../src/steps/bake-image.js';

export const handler = step(bakeImage);
