/**
 * Rollback of a failed deployment, from the state machine's Catch. Traffic first: the listener is
 * put back exactly as Plan found it. Then everything this deployment created goes — the new
 * group, its target group, any builder — found by name and tag, so a rollback works whatever
 * step failed and however much of the state it saw. The live group is unpinned, the lock released.
 */
import { deleteGroup, describeGroup, groupTag } from '../aws/autoscaling.js';
import { instancesTagged, terminateInstances } from '../aws/ec2.js';
import { deleteTargetGroup, findTargetGroupByName, readSwapPoint, writeSwapPoint } from '../aws/elbv2.js';
import { notify } from '../aws/events.js';
import { endDeployment, releaseLock } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import { unpin } from './pinning.js';
import { sameActions } from './forward.js';
import type { DeploymentState } from './state.js';

export interface RollbackResult {
  outcome: 'rolled-back';
  deployment: string;
  cluster: string;
  listenerRestored: boolean;
  deleted: string[];
  kept: string[];
  cause: string;
}

export async function rollback(state: DeploymentState): Promise<RollbackResult> {
  const cause = describeCause(state.error);
  const deleted: string[] = [];
  const kept: string[] = [];

  const point = await readSwapPoint(state.swap.arn);
  const listenerRestored = !sameActions(point.actions, state.swap.before);
  if (listenerRestored) await writeSwapPoint({ ...point, actions: state.swap.before });

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
  await notify('Deployment Rolled Back', { ...result });
  return result;
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
