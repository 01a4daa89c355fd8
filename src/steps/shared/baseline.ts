/**
 * A deployment's fresh canary baseline (canary `baseline: fresh`) goes with the deployment:
 * Finalize, Rollback and Recover remove it by the names Plan recorded, the daily sweep removes any
 * that outlived its deployment. Every call is idempotent: a step retried after a kill finds what
 * is left and finishes it.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { deleteGroup, describeGroup, groupTag } from '../../aws/autoscaling.js';
import { deleteTargetGroup, findTargetGroupByName, forwardTargets, readSwapPoint } from '../../aws/elbv2.js';
import { TAG } from '../../aws/tags.js';
import { ListenerDrifted } from '../../domain/errors.js';
import { forwardSignature } from './forward.js';

export const BASELINE_ROLE = 'baseline';

/** A group LaunchGroup made as a fresh baseline (never a server group, never a rollback target). */
export const isBaselineGroup = (g: AutoScalingGroup): boolean => groupTag(g, TAG.role) === BASELINE_ROLE;

/**
 * Deletes the baseline group (if it is this deployment's) and then its target group (once no
 * group of another deployment holds that name). The listener must no longer use the target group
 * (ELB refuses to delete one in use). Returns the names deleted.
 */
export async function deleteBaseline(baseline: { serverGroup: string; targetGroupName: string }, deployment: string): Promise<string[]> {
  const deleted: string[] = [];
  const group = await describeGroup(baseline.serverGroup);
  const ours = group !== undefined && groupTag(group, TAG.deployment) === deployment;
  if (ours) {
    await deleteGroup(baseline.serverGroup);
    deleted.push(baseline.serverGroup);
  }
  const tg = await findTargetGroupByName(baseline.targetGroupName);
  if (tg?.TargetGroupArn && (!group || ours)) {
    await deleteTargetGroup(tg.TargetGroupArn);
    deleted.push(baseline.targetGroupName);
  }
  return deleted;
}

/**
 * Finalize's part. The last step took the baseline out of the listener; still there means the
 * listener changed under the deployment (ListenerDrifted, nothing deleted: Rollback restores it).
 */
export async function removeBaseline(swapArn: string, baseline: { serverGroup: string; targetGroupName: string }, deployment: string): Promise<string[]> {
  const tg = await findTargetGroupByName(baseline.targetGroupName);
  if (tg?.TargetGroupArn) {
    const point = await readSwapPoint(swapArn);
    const still = forwardTargets(point.actions).find((t) => t.targetGroupArn === tg.TargetGroupArn);
    if (still) throw new ListenerDrifted(swapArn, `the fresh baseline ${baseline.targetGroupName} is still in the forward action after the last step: ${forwardSignature(point.actions)}`);
  }
  return deleteBaseline(baseline, deployment);
}
