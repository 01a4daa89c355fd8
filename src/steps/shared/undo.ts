/**
 * Undoing a deployment that did not commit, shared by Rollback (the state machine's Catch) and
 * Recover (an execution stopped, timed out or failed without its Rollback): traffic first — the
 * listener put back exactly as Plan found it, guarded — then everything the deployment created
 * goes, found by name and tag, the live group is unpinned, the outcome recorded, the lock released.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { deleteGroup, describeGroup, groupTag, updateGroup } from '../../aws/autoscaling.js';
import { instanceIdsTagged, tagValues, terminateInstances } from '../../aws/ec2.js';
import { deleteTargetGroup, findTargetGroupByName, forwardTargets, readSwapPoint, type SwapPoint, writeSwapPoint } from '../../aws/elbv2.js';
import { endDeployment, releaseLock } from '../../aws/store.js';
import { TAG } from '../../aws/tags.js';
import { TrafficGuardViolation } from '../../domain/errors.js';
import { logger } from '../../lambda/logger.js';
import { count, METRIC } from '../../lambda/metrics.js';
import { deleteBaseline } from './baseline.js';
import { announce } from './observe.js';
import { unpin } from './pinning.js';
import { sameActions, undoOwnChanges } from './forward.js';
import type { DeploymentState } from './state.js';
import { guardTraffic, healthyTargets } from './traffic-guard.js';

export interface UndoResult {
  outcome: 'rolled-back';
  deployment: string;
  cluster: string;
  listenerRestored: boolean;
  deleted: string[];
  kept: string[];
  cause: string;
  /** A notification that failed: logged and counted, never a reason to fail the undo. */
  warnings?: string[];
}

/**
 * `liveHealthy`, `liveDesired` and `point`: the live group's healthy targets and desired capacity
 * and the listener, if the caller already read them. `recovered`: Recover's undo (said in the outcome event).
 */
export async function undoDeployment(
  state: DeploymentState,
  options: { liveHealthy?: number; liveDesired?: number; point?: SwapPoint; recovered?: boolean } = {},
): Promise<UndoResult> {
  const cause = describeCause(state.error);
  const deleted: string[] = [];
  const kept: string[] = [];
  const point = options.point ?? (await readSwapPoint(state.swap.arn));
  // Exactly as Plan found it, unless someone else changed it meanwhile: then only this deployment's part is undone.
  const restored = undoOwnChanges(point.actions, state.swap.before, [state.next.targetGroupName, ...(state.baseline ? [state.baseline.targetGroupName] : [])]);
  const listenerRestored = !sameActions(point.actions, restored);
  if (listenerRestored) {
    const regains = await guardRestore(state, point.actions, restored, options.liveHealthy, options.liveDesired);
    await writeSwapPoint({ ...point, actions: restored });
    // Off the critical path: the live group gets back any capacity it lost meanwhile.
    if (regains && state.live) await restoreCapacity(state.live);
  }

  // A fresh baseline has nothing to inspect (it runs the live image): it always goes.
  if (state.baseline) deleted.push(...(await deleteBaseline(state.baseline, state.deployment)));

  // By tags alone (DescribeTags). Builders first: they are few account-wide, where the
  // deployment's tag is also on every instance of its groups. A builder already terminated is
  // not reported as deleted.
  const builders = await instanceIdsTagged(TAG.role, 'builder');
  const deployments = await tagValues(builders, TAG.deployment);
  deleted.push(...(await terminateInstances(builders.filter((id) => deployments.get(id) === state.deployment))));

  const name = state.next.serverGroup;
  const group = await describeGroup(name);
  const ours = group && groupTag(group, TAG.deployment) === state.deployment;
  const tg = await findTargetGroupByName(state.next.targetGroupName);
  if (state.config.rollbackOnFailure) {
    if (ours) {
      await deleteGroup(name);
      deleted.push(name);
    }
    if (tg?.TargetGroupArn && (!group || ours)) {
      await deleteTargetGroup(tg.TargetGroupArn);
      deleted.push(state.next.targetGroupName);
    }
  } else if (ours) {
    // Kept for inspection, out of traffic; the daily sweep removes it later.
    kept.push(name);
  }

  if (state.live) await unpin(state.live.serverGroup, state.deployment);
  await endDeployment(state.cluster, state.deployment, 'ROLLED_BACK', Date.now(), cause);
  await releaseLock(state.cluster, state.deployment);
  const result: UndoResult = { outcome: 'rolled-back', deployment: state.deployment, cluster: state.cluster, listenerRestored, deleted, kept, cause };
  count(state.cluster, METRIC.rolledBack);
  count(state.cluster, METRIC.duration, Math.max(0, Math.round((Date.now() - state.startedAt) / 1000)));
  logger.info('rollback cleaned up', { deleted, kept, listenerRestored });
  // A notification that fails is logged and counted, never a reason to fail the undo.
  const warning = await announce('Deployment Rolled Back', { ...result, ...(options.recovered ? { recovered: true } : {}) });
  if (warning) result.warnings = [warning];
  return result;
}

/**
 * The traffic guard for the restore: the live group gets its share back only while it holds
 * enough healthy targets. A fault may have cost it instances (Auto Scaling replaces them) or
 * Finalize may have scaled it in: when it is short, its capacity is put back first and
 * TrafficGuardViolation makes the caller retry until the group has recovered.
 * True when the live group regains traffic (its capacity is then checked after the restore).
 */
async function guardRestore(state: DeploymentState, current: Action[], restored: Action[], healthyNow: number | undefined, desiredNow: number | undefined): Promise<boolean> {
  const live = state.live;
  if (!live) return false;
  const share = (actions: Action[]): number => {
    const targets = forwardTargets(actions);
    const total = targets.reduce((sum, t) => sum + t.weight, 0);
    const mine = targets.find((t) => t.targetGroupArn === live.targetGroupArn)?.weight ?? 0;
    return total === 0 ? 0 : mine / total;
  };
  if (share(restored) <= share(current)) return false;
  const [healthy, desired] = await Promise.all([
    healthyNow ?? healthyTargets(live.targetGroupArn),
    desiredNow ?? describeGroup(live.serverGroup).then((g) => g?.DesiredCapacity ?? 0),
  ]);
  if (desired < live.desired) {
    // Scaled in since Plan (Finalize's scaleDownOld, or by hand): its targets are about to drain,
    // so a healthy count now means nothing. Capacity first; the retry judges the group afresh.
    await restoreCapacity(live);
    throw new TrafficGuardViolation(live.serverGroup, healthy, live.desired, `its desired capacity was ${desired}, below the ${live.desired} it had when the deployment began; restored`);
  }
  try {
    // The group's capacity as Plan found it: a scale-in since then must not lower the bar.
    guardTraffic({ serverGroup: live.serverGroup, desired: live.desired, healthy, minHealthyPercent: state.config.healthGate.minHealthyPercent });
  } catch (err) {
    await restoreCapacity(live);
    throw err;
  }
  return true;
}

async function restoreCapacity(live: NonNullable<DeploymentState['live']>): Promise<void> {
  const group = await describeGroup(live.serverGroup);
  if (group && (group.DesiredCapacity ?? 0) < live.desired) {
    await updateGroup({ AutoScalingGroupName: live.serverGroup, MinSize: live.min, DesiredCapacity: live.desired });
  }
}

/** `Error: message` from the Catch output, whose Cause is a Lambda error payload when a function failed. */
export function describeCause(error: DeploymentState['error']): string {
  if (!error) return 'unknown';
  try {
    const payload = JSON.parse(error.Cause) as { errorMessage?: string };
    if (payload.errorMessage) return `${error.Error}: ${payload.errorMessage}`;
  } catch {
    // not JSON: a States.* error
  }
  return `${error.Error}: ${error.Cause}`;
}
