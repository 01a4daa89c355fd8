/**
 * Rollback of a failed deployment, from the state machine's Catch: shared/undo.ts puts the
 * listener back exactly as Plan found it (guarded) and deletes everything this deployment created
 * — found by name and tag, so a rollback works whatever step failed and however much of the state
 * it saw. A deployment past Finalize's commit point is left standing.
 */
import { describeGroup } from '../aws/autoscaling.js';
import { readSwapPoint } from '../aws/elbv2.js';
import { getDeployment, releaseLock } from '../aws/store.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState } from './shared/state.js';
import { healthyTargets } from './shared/traffic-guard.js';
import { describeCause, undoDeployment, type UndoResult } from './shared/undo.js';

export interface RollbackResult extends Omit<UndoResult, 'outcome'> {
  /** `committed`: Finalize had recorded the success before it failed; the deployment stands. */
  outcome: 'rolled-back' | 'committed';
}

export async function rollback(state: DeploymentState): Promise<RollbackResult> {
  requireState(state, PLANNED);
  // Read in one round trip, so the listener write waits for one call, not a chain: the listener;
  // once a traffic step ran, the live group's health and desired capacity (a step that crashed
  // before recording itself is still guarded: the undo reads them itself); and, once the traffic
  // is all shifted (only then can Finalize have run), its commit point.
  const live = state.traffic ? state.live : undefined;
  const [committed, point, liveHealthy, liveDesired] = await Promise.all([
    state.traffic?.done ? getDeployment(state.cluster, state.deployment).then((d) => d?.status === 'SUCCEEDED') : false,
    readSwapPoint(state.swap.arn),
    live ? healthyTargets(live.targetGroupArn) : undefined,
    // Finalize may have scaled it in (scaleDownOld) before it failed: a group scaled to 0 never gets traffic back.
    live ? describeGroup(live.serverGroup).then((g) => g?.DesiredCapacity ?? 0) : undefined,
  ]);
  if (committed) {
    // Past Finalize's commit point the new group serves and the cluster may have moved on: nothing to undo.
    await releaseLock(state.cluster, state.deployment);
    const cause = describeCause(state.error);
    return { outcome: 'committed', deployment: state.deployment, cluster: state.cluster, listenerRestored: false, deleted: [], kept: [], cause };
  }
  return undoDeployment(state, liveHealthy === undefined || liveDesired === undefined ? { point } : { point, liveHealthy, liveDesired });
}
