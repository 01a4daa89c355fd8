/** plan: validate, load the cluster config, find the live group, pick vNNN, take the lock. */
import { step } from '../src/lambda/step.js';
import { plan } from '../src/steps/plan.js';

export const handler = step(plan);
