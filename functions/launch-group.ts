/** launchGroup: clone target group, launch template version and Auto Scaling group; pin the live group. */
import { step } from '../src/lambda/step.js';
import { launchGroup } from '../src/steps/launch-group.js';

export const handler = step(launchGroup);
