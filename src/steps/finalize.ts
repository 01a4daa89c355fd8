/**
 * Finalize: the new group serves 100%. Unpin the old group (it stays warm for a one-call
 * rollback), schedule its teardown, record the success, release the lock, announce it.
 */
import { updateGroup } from '../aws/autoscaling.js';
import { notify } from '../aws/events.js';
import { endDeployment, releaseLock, setLastSuccess } from '../aws/store.js';
import { unpin } from './pinning.js';
import { PLANNED, requireState } from './require-state.js';
import type { DeploymentState } from './state.js';
import { scheduleTeardown } from './teardown-schedule.js';

export interface DeploymentResult {
  outcome: 'succeeded';
  deployment: string;
  cluster: string;
  release: string;
  from: string | null;
  to: string;
  imageId: string;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string } | null;
}

export async function finalize(state: DeploymentState): Promise<DeploymentResult> {
  requireState(state, PLANNED);
  const now = Date.now();
  const old = state.live?.serverGroup;
  let teardownAt: Date | undefined;
  if (old) {
    await unpin(old, state.deployment);
    if (state.config.teardown.scaleDownOld) await updateGroup({ AutoScalingGroupName: old, MinSize: 0, DesiredCapacity: 0 });
    teardownAt = await scheduleTeardown(old, state.deployment, state.config.teardown.retainMinutes, now);
  }
  const to = state.next.serverGroup;
  await endDeployment(state.cluster, state.deployment, 'SUCCEEDED', now);
  await setLastSuccess(state.cluster, { deployment: state.deployment, ...(old ? { from: old } : {}), to, at: now });
  await releaseLock(state.cluster, state.deployment);
  const result: DeploymentResult = {
    outcome: 'succeeded',
    deployment: state.deployment,
    cluster: state.cluster,
    release: state.release,
    from: old ?? null,
    to,
    imageId: state.image?.imageId ?? '',
    traffic: state.traffic?.weights ?? { [to]: 100 },
    teardown: old && teardownAt ? { serverGroup: old, at: teardownAt.toISOString() } : null,
  };
  await notify('Deployment Succeeded', { ...result });
  return result;
}
