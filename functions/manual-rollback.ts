/** manualRollback: on-demand rollback of a cluster's last deployment, started as {"action": "rollback", "cluster": …}. */
import { step } from '../src/lambda/step.js';
import { manualRollback } from '../src/steps/manual-rollback.js';

export const handler = step(manualRollback);
