/**
 * Recover: "stop and roll back". EventBridge invokes it when a deploy state machine execution
 * ends ABORTED (StopExecution from the console, CLI or API), TIMED_OUT, or FAILED. It reads the
 * deployment's ledger record and does what the execution could not: for a deployment, what
 * Rollback does (the listener restored exactly as Plan found it, guarded; what it made deleted;
 * the live group unpinned; the lock released; the outcome recorded); for a manual rollback, its
 * end (finished if the listener was flipped, else the resized group put back). Idempotent: a
 * deployment that already ended (rolled back, committed, failed in Plan before changing anything)
 * is left alone, and a second delivery finds it ended. Until it finishes, the cluster's lock stays
 * held by the dead execution, so nothing starts on a half-way cluster; if the lock has passed to
 * another deployment (the lease ran out first), nothing is touched.
 */
import { acquireLock, type DeploymentRecord, getDeployment, releaseLock } from '../aws/store.js';
import { readSwapPoint } from '../aws/elbv2.js';
import { logger } from '../lambda/logger.js';
import { TrafficGuardViolation } from '../domain/errors.js';
import { isUnfinishedEnd, parseStatusChange, type StatusChange } from '../domain/status-change.js';
import { abandonRollback, finishRollback, type RollbackPlan, servesTarget } from './shared/manual-rollback-end.js';
import type { DeploymentState } from './shared/state.js';
import { undoDeployment } from './shared/undo.js';

/**
 * A Task of the stopped execution may still be running (StopExecution does not stop a Lambda
 * invocation): recovery acts only once every step function has surely ended — the longest
 * Lambda timeout of the state machine's Tasks (Rollback's, serverless.yml) past the stop.
 */
export const IN_FLIGHT_SECONDS = 240;
/** While the live group is short of healthy targets (Auto Scaling is replacing them), look again this often. */
export const GUARD_RETRY_SECONDS = 30;
export const GUARD_RETRIES = 20;

export interface RecoveryResult {
  outcome: 'ignored' | 'already-ended' | 'superseded' | 'rolled-back' | 'finished-rollback' | 'abandoned-rollback';
  deployment: string;
  cluster?: string;
  reason: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function recover(event: unknown): Promise<RecoveryResult> {
  const change = parseStatusChange(event);
  const { deployment, cluster } = change;
  if (!isUnfinishedEnd(change.status)) return { outcome: 'ignored', deployment, cluster, reason: `status ${change.status} needs no recovery` };
  const wait = change.stoppedAt + IN_FLIGHT_SECONDS * 1000 - Date.now();
  if (wait > 0) await sleep(wait);

  const record = await getDeployment(cluster, deployment);
  if (!record || record.status !== 'RUNNING' || !record.plan) {
    // Nothing recorded (refused before the lock, or by Plan), or it ended on its own: at most its lock is left.
    await releaseLock(cluster, deployment);
    const reason = record ? (record.plan ? `already ${record.status}` : 'recorded before recovery existed') : 'no deployment recorded: nothing was changed';
    return { outcome: 'already-ended', deployment, cluster, reason };
  }
  const lease = record.kind === 'rollback' ? 3600 : (JSON.parse(record.plan) as DeploymentState).leaseSeconds;
  const lock = await acquireLock(cluster, deployment, lease, Date.now());
  if (!lock.acquired) {
    logger.warn('recovery skipped: the cluster is held by another deployment', { cluster, deployment, holder: lock.holder.deployment });
    return { outcome: 'superseded', deployment, cluster, reason: `the cluster's lock is held by ${lock.holder.deployment}` };
  }
  return record.kind === 'rollback' ? recoverRollback(record, change) : recoverDeployment(record, change);
}

async function recoverDeployment(record: DeploymentRecord, change: StatusChange): Promise<RecoveryResult> {
  const state: DeploymentState = {
    ...(JSON.parse(record.plan as string) as DeploymentState),
    error: { Error: change.error ?? `States.${change.status === 'ABORTED' ? 'Aborted' : change.status === 'TIMED_OUT' ? 'Timeout' : 'Runtime'}`, Cause: change.cause ?? `the execution ended ${change.status}` },
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const undone = await undoDeployment(state, { recovered: true });
      return { outcome: 'rolled-back', deployment: record.deployment, cluster: record.cluster, reason: undone.cause };
    } catch (err) {
      // The live group is short (being replaced, or scaled in): its capacity is back; give it time.
      if (!(err instanceof TrafficGuardViolation) || attempt >= GUARD_RETRIES) throw err;
      await sleep(GUARD_RETRY_SECONDS * 1000);
    }
  }
}

async function recoverRollback(record: DeploymentRecord, change: StatusChange): Promise<RecoveryResult> {
  const plan = JSON.parse(record.plan as string) as RollbackPlan;
  const point = await readSwapPoint(plan.swapArn);
  if (servesTarget(plan, point.actions)) {
    await finishRollback(plan, true);
    return { outcome: 'finished-rollback', deployment: record.deployment, cluster: record.cluster, reason: `the listener already served ${plan.to}` };
  }
  const cause = `${change.error ?? change.status}: the rollback execution ended ${change.status} before the flip`;
  await abandonRollback(plan, cause);
  return { outcome: 'abandoned-rollback', deployment: record.deployment, cluster: record.cluster, reason: cause };
}
