/**
 * The two ways a manual rollback ends, shared by the ManualRollback step and by Recover (for a
 * manual rollback whose execution was stopped): `finishRollback` once the listener serves the
 * group rolled back to (its teardown cancelled, the bad group's scheduled, the outcome recorded),
 * `abandonRollback` when it did not get there (the group it resized put back, nothing else changed).
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeGroup, updateGroup } from '../../aws/autoscaling.js';
import { forwardTargets, readSwapPoint, writeSwapPoint } from '../../aws/elbv2.js';
import { clearLastSuccess, endDeployment, releaseLock } from '../../aws/store.js';
import { count, METRIC } from '../../lambda/metrics.js';
import { sameActions } from './forward.js';
import { announce } from './observe.js';
import { cancelTeardown, scheduleTeardown } from './teardown-schedule.js';

/** What a manual rollback decided when it started; kept in its ledger record (`plan`). */
export interface RollbackPlan {
  cluster: string;
  deployment: string;
  /** The group serving when the rollback started (rolled back from). */
  from: string;
  fromTargetGroupArn: string;
  /** The group rolled back to. */
  to: string;
  toTargetGroupArn: string;
  swapArn: string;
  /** The listener's actions when the rollback started. */
  before: Action[];
  /**
   * `before` with `to`'s target group added at weight 0, when it was no longer in the forward
   * action: an ALB health-checks only target groups a listener uses. The flip happens only from
   * exactly these actions (or `before` when nothing had to be staged).
   */
  staged?: Action[];
  /** The capacity `to` had before the rollback scaled it back up, and the capacity it gets; absent when it was warm. */
  resizedFrom?: { min: number; desired: number };
  resizeTo?: { min: number; desired: number; max: number };
  retainMinutes: number;
  startedAt: number;
  reason?: string;
}

export interface ManualRollbackResult {
  outcome: 'rolled-back';
  cluster: string;
  deployment: string;
  from: string;
  to: string;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string };
  /** A notification that failed after the listener flip: logged and counted, nothing more. */
  warnings?: string[];
}

/** True when `actions` send all traffic to the plan's `to` group. */
export function servesTarget(plan: RollbackPlan, actions: Action[]): boolean {
  const serving = forwardTargets(actions).filter((t) => t.weight > 0);
  return serving.length === 1 && serving[0]?.targetGroupArn === plan.toTargetGroupArn;
}

export async function finishRollback(plan: RollbackPlan, recovered = false): Promise<ManualRollbackResult> {
  await cancelTeardown(plan.to);
  const at = await scheduleTeardown(plan.from, plan.deployment, plan.retainMinutes, Date.now());
  await endDeployment(plan.cluster, plan.deployment, 'ROLLED_BACK', Date.now(), plan.reason);
  await clearLastSuccess(plan.cluster);
  await releaseLock(plan.cluster, plan.deployment);
  const result: ManualRollbackResult = {
    outcome: 'rolled-back',
    cluster: plan.cluster,
    deployment: plan.deployment,
    from: plan.from,
    to: plan.to,
    traffic: { [plan.to]: 100, [plan.from]: 0 },
    teardown: { serverGroup: plan.from, at: at.toISOString() },
  };
  count(plan.cluster, METRIC.rolledBack);
  const warning = await announce('Deployment Rolled Back', { ...result, manual: true, ...(recovered ? { recovered: true } : {}) });
  if (warning) result.warnings = [warning];
  return result;
}

/** The listener was never flipped: its staging undone, the resized group back to what it was, the outcome recorded, the lock released. */
export async function abandonRollback(plan: RollbackPlan, cause: string): Promise<void> {
  if (plan.staged) {
    // Only our own weight-0 entry is taken out again; a listener someone else changed is left as it is.
    const point = await readSwapPoint(plan.swapArn);
    if (sameActions(point.actions, plan.staged)) await writeSwapPoint({ ...point, actions: plan.before });
  }
  if (plan.resizedFrom) {
    const group = await describeGroup(plan.to);
    if (group) await updateGroup({ AutoScalingGroupName: plan.to, MinSize: plan.resizedFrom.min, DesiredCapacity: plan.resizedFrom.desired });
  }
  await endDeployment(plan.cluster, plan.deployment, 'FAILED', Date.now(), cause);
  await releaseLock(plan.cluster, plan.deployment);
  const [error, ...message] = cause.split(': ');
  await announce('Deployment Failed', { cluster: plan.cluster, deployment: plan.deployment, error: error ?? cause, message: message.join(': ') || cause, phase: 'manual-rollback' });
}
