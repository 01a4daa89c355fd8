/** trigger: S3 uploads and Deploy Requested events → deduplicated StartExecution. */
import { step } from '../src/lambda/step.js';
import { trigger } from '../src/steps/trigger.js';

export const handler = step(trigger);
