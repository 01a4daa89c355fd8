/**
 * Finalize: the new group serves 100%. Delete a fresh canary baseline, unpin the old group (it stays warm for a one-call
 * rollback), schedule its teardown, record the success (the commit point), announce it, and only
 * then release the lock.
 */
import { tagGroup, updateGroup } from '../aws/autoscaling.js';
import { endDeployment, getDeployment, releaseLock, setLastSuccess } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import { count, METRIC } from '../lambda/metrics.js';
import { removeBaseline } from './shared/baseline.js';
import { announce } from './shared/observe.js';
import { unpin } from './shared/pinning.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { SucceededDetail } from '../domain/notifications.js';
import type { DeploymentState } from './shared/state.js';
import { scheduleTeardown, teardownTime } from './shared/teardown-schedule.js';

/** What the execution returns: the Succeeded event's detail, plus what failed after the commit point. */
export type DeploymentResult = SucceededDetail & {
  /** What failed after the commit point (a notification): logged and counted, never a rollback. */
  warnings?: string[];
};

export async function finalize(state: DeploymentState): Promise<DeploymentResult> {
  requireState(state, PLANNED);
  const old = state.live?.serverGroup;
  const to = state.next.serverGroup;
  const { retainMinutes, scaleDownOld } = state.config.teardown;
  // A retry after a crash past the commit point redoes only what follows it: by then the world may
  // have moved on (the old group torn down), and a committed deployment is never rolled back.
  const record = await getDeployment(state.cluster, state.deployment);
  const committedAt = record?.status === 'SUCCEEDED' ? record.endedAt : undefined;
  const now = committedAt ?? Date.now();
  if (committedAt === undefined) {
    // The fresh baseline went out of traffic at 100 %: it goes before the commit, so a success never leaves one behind.
    if (state.baseline) await removeBaseline(state.swap.arn, state.baseline, state.deployment);
    if (old) {
      await unpin(old, state.deployment);
      if (scaleDownOld && state.live) {
        // Saved first: a manual rollback scales the group back to its own capacity, never a guess.
        await tagGroup(old, { [TAG.scaledFrom]: `${state.live.min},${state.live.desired}` });
        await updateGroup({ AutoScalingGroupName: old, MinSize: 0, DesiredCapacity: 0 });
      }
      await scheduleTeardown(old, state.deployment, retainMinutes, now);
    }
    // The commit point: from here on the deployment has succeeded, and Rollback leaves it be.
    await endDeployment(state.cluster, state.deployment, 'SUCCEEDED', now);
  }
  await setLastSuccess(state.cluster, { deployment: state.deployment, ...(old ? { from: old } : {}), to, at: now });
  const result: DeploymentResult = {
    outcome: 'succeeded',
    deployment: state.deployment,
    cluster: state.cluster,
    release: state.release,
    from: old ?? null,
    to,
    imageId: state.image?.imageId ?? '',
    traffic: state.traffic?.weights ?? { [to]: 100 },
    teardown: old ? { serverGroup: old, at: teardownTime(now, retainMinutes).toISOString() } : null,
  };
  if (committedAt === undefined) {
    count(state.cluster, METRIC.succeeded);
    count(state.cluster, METRIC.duration, Math.max(0, Math.round((now - state.startedAt) / 1000)));
    count(state.cluster, METRIC.steps, (state.traffic?.stepIndex ?? 0) + 1);
  }
  const warning = await announce('Deployment Succeeded', { ...result });
  if (warning) result.warnings = [warning];
  // Last: until here the cluster is this deployment's, so an early teardown waits for it.
  await releaseLock(state.cluster, state.deployment);
  return result;
}
