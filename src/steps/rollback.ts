/**
 * Rollback of a failed deployment, from the state machine's Catch. Traffic first: the listener is
 * put back exactly as Plan found it. Then everything this deployment created goes — the new
 * group, its target group, any builder — found by name and tag, so a rollback works whatever
 * step failed and however much of the state it saw. The live group is unpinned, the lock released.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { deleteGroup, describeGroup, groupTag, updateGroup } from '../aws/autoscaling.js';
import { instancesTagged, terminateInstances } from '../aws/ec2.js';
import { deleteTargetGroup, findTargetGroupByName, forwardTargets, readSwapPoint, targetStates, writeSwapPoint } from '../aws/elbv2.js';
import { endDeployment, getDeployment, releaseLock } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import { logger } from '../lambda/logger.js';
import { TrafficGuardViolation } from '../domain/errors.js';
import { countHealthy, requiredHealthy } from '../domain/health.js';
import { count, METRIC } from '../lambda/metrics.js';
import { announce } from './shared/observe.js';
import { unpin } from './shared/pinning.js';
import { sameActions } from './shared/forward.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState } from './shared/state.js';

export interface RollbackResult {
  /** `committed`: Finalize had recorded the success before it failed; the deployment stands. */
  outcome: 'rolled-back' | 'committed';
  deployment: string;
  cluster: string;
  listenerRestored: boolean;
  deleted: string[];
  kept: string[];
  cause: string;
  /** A notification that failed: logged and counted, never a reason to fail the rollback. */
  warnings?: string[];
}

export async function rollback(state: DeploymentState): Promise<RollbackResult> {
  requireState(state, PLANNED);
  const cause = describeCause(state.error);
  const deleted: string[] = [];
  const kept: string[] = [];
  // Everything the restore depends on is read in one round trip, so the listener write waits for
  // one call, not a chain: the listener; once a traffic step ran, the live group's health (a step
  // that crashed before recording itself is still guarded: guardRestore reads it itself); and,
  // once the traffic is all shifted (only then can Finalize have run), its commit point.
  const live = state.traffic ? state.live : undefined;
  const [committed, point, liveHealthy] = await Promise.all([
    state.traffic?.done ? getDeployment(state.cluster, state.deployment).then((d) => d?.status === 'SUCCEEDED') : false,
    readSwapPoint(state.swap.arn),
    live ? healthyTargets(live.targetGroupArn) : undefined,
  ]);
  if (committed) {
    // Past Finalize's commit point the new group serves and the cluster may have moved on: nothing to undo.
    await releaseLock(state.cluster, state.deployment);
    return { outcome: 'committed', deployment: state.deployment, cluster: state.cluster, listenerRestored: false, deleted, kept, cause };
  }
  const listenerRestored = !sameActions(point.actions, state.swap.before);
  if (listenerRestored) {
    const regains = await guardRestore(state, point.actions, liveHealthy);
    await writeSwapPoint({ ...point, actions: state.swap.before });
    // Off the critical path: the live group gets back any capacity it lost meanwhile.
    if (regains && state.live) await restoreCapacity(state.live);
  }

  const builders = await instancesTagged({ [TAG.deployment]: state.deployment, [TAG.role]: 'builder' });
  await terminateInstances(builders.map((i) => i.InstanceId as string));
  deleted.push(...builders.map((i) => i.InstanceId as string));

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
  const result: RollbackResult = { outcome: 'rolled-back', deployment: state.deployment, cluster: state.cluster, listenerRestored, deleted, kept, cause };
  count(state.cluster, METRIC.rolledBack);
  count(state.cluster, METRIC.duration, Math.max(0, Math.round((Date.now() - state.startedAt) / 1000)));
  logger.info('rollback cleaned up', { deleted, kept, listenerRestored });
  const warning = await announce('Deployment Rolled Back', { ...result, outcome: 'rolled-back' });
  if (warning) result.warnings = [warning];
  return result;
}

/**
 * The traffic guard for the restore (invariant 1): the live group gets its share back only while
 * it holds enough healthy targets. A fault may have cost it instances (Auto Scaling replaces them)
 * or Finalize may have scaled it in: when it is short, its capacity is put back first and
 * TrafficGuardViolation makes the state machine retry the rollback until the group has recovered.
 * True when the live group regains traffic (its capacity is then checked after the restore).
 */
async function guardRestore(state: DeploymentState, current: Action[], healthyNow: number | undefined): Promise<boolean> {
  const live = state.live;
  if (!live) return false;
  const share = (actions: Action[]): number => {
    const targets = forwardTargets(actions);
    const total = targets.reduce((sum, t) => sum + t.weight, 0);
    const mine = targets.find((t) => t.targetGroupArn === live.targetGroupArn)?.weight ?? 0;
    return total === 0 ? 0 : mine / total;
  };
  if (share(state.swap.before) <= share(current)) return false;
  const required = requiredHealthy(live.desired, state.config.healthGate.minHealthyPercent);
  const healthy = healthyNow ?? (await healthyTargets(live.targetGroupArn));
  if (healthy < required) {
    await restoreCapacity(live);
    throw new TrafficGuardViolation(live.serverGroup, healthy, required);
  }
  return true;
}

async function restoreCapacity(live: NonNullable<DeploymentState['live']>): Promise<void> {
  const group = await describeGroup(live.serverGroup);
  if (group && (group.DesiredCapacity ?? 0) < live.desired) {
    await updateGroup({ AutoScalingGroupName: live.serverGroup, MinSize: live.min, DesiredCapacity: live.desired });
  }
}

const healthyTargets = async (targetGroupArn: string): Promise<number> => countHealthy((await targetStates(targetGroupArn)).map((t) => t.state));

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
