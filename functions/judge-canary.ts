/** judgeCanary: the canary against its baseline between traffic steps; CanaryFailed names the metric. */
import { step } from '../src/lambda/step.js';
import { judgeCanary } from '../src/steps/judge-canary.js';

export const handler = step(judgeCanary);
