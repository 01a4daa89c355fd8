/** swapTargetGroup: one guarded traffic step on the listener or rule. */
import { step } from '../src/lambda/step.js';
import { swapTargetGroup } from '../src/steps/swap-target-group.js';

export const handler = step(swapTargetGroup);
