/** healthGate: InService and ALB-healthy counts against the traffic guard; alarms; deadline. */
import { step } from '../src/lambda/step.js';
import { healthGate } from '../src/steps/health-gate.js';

export const handler = step(healthGate);
