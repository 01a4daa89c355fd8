/** verifyImage: a prebaked image must be ours and available. */
import { step } from '../src/lambda/step.js';
import { verifyImage } from '../src/steps/verify-image.js';

export const handler = step(verifyImage);
