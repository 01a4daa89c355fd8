/** Every Lambda function of serverless.yml by its key, for the in-process Lambda runtime. */
import type { LambdaHandler } from '../sim/lambda.js';
import { handler as bakeImage } from '../functions/bake-image.js';
import { handler as checkBake } from '../functions/check-bake.js';
import { handler as finalize } from '../functions/finalize.js';
import { handler as healthGate } from '../functions/health-gate.js';
import { handler as judgeCanary } from '../functions/judge-canary.js';
import { handler as requestApproval } from '../functions/request-approval.js';
import { handler as launchGroup } from '../functions/launch-group.js';
import { handler as manualRollback } from '../functions/manual-rollback.js';
import { handler as plan } from '../functions/plan.js';
import { handler as recover } from '../functions/recover.js';
import { handler as rollback } from '../functions/rollback.js';
import { handler as swapTargetGroup } from '../functions/swap-target-group.js';
import { handler as teardown } from '../functions/teardown.js';
import { handler as trigger } from '../functions/trigger.js';
import { handler as validate } from '../functions/validate.js';
import { handler as validateRollback } from '../functions/validate-rollback.js';
import { handler as verifyImage } from '../functions/verify-image.js';

export const FUNCTIONS: Record<string, LambdaHandler> = {
  trigger,
  validate,
  plan,
  verifyImage,
  bakeImage,
  checkBake,
  launchGroup,
  healthGate,
  swapTargetGroup,
  finalize,
  teardown,
  rollback,
  validateRollback,
  manualRollback,
  judgeCanary,
  requestApproval,
  recover,
};
