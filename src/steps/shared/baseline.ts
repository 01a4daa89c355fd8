/**
 * A deployment's fresh canary baseline (canary `baseline: fresh`) goes with the deployment:
 * Finalize, Rollback and Recover remove it by the names Plan recorded, the daily sweep removes any
 * that outlived its deployment. Every call is idempotent: a step retried after a kill finds what
 * is left and finishes it.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { deleteGroup, describeGroup, groupTag } from '../../aws/autoscaling.js';
import { deleteTargetGroup, findTargetGroupByName, forwardTargets, readSwapPoint, writeSwapPoint } from '../../aws/elbv2.js';
import { TAG } from '../../aws/tags.js';
import { ListenerDrifted } from '../../domain/errors.js';
import { forwardSignature, withForward } from './forward.js';

export const BASELINE_ROLE = 'baseline';

/** A group LaunchGroup made as a fresh baseline (never a server group, never a rollback target). */
export const isBaselineGroup = (g: AutoScalingGroup): boolean => groupTag(g, TAG.role) === BASELINE_ROLE;

/**
 * Takes the baseline's target group out of the listener's forward action, only while it has
 * weight 0 (taking it out then changes no traffic). A baseline still weighted means the traffic
 * is not where the caller believes: ListenerDrifted, nothing changed.
 */
export async function unstageBaseline(swapArn: string, targetGroupArn: string): Promise<void> {
  const point = await readSwapPoint(swapArn);
  const targets = forwardTargets(point.actions);
  const mine = targets.find((t) => t.targetGroupArn === targetGroupArn);
  if (!mine) return;
  if (mine.weight > 0) throw new ListenerDrifted(swapArn, `the fresh baseline ${targetGroupArn} still has weight ${mine.weight}: ${forwardSignature(point.actions)}`);
  const rest = targets.filter((t) => t.targetGroupArn !== targetGroupArn).map((t) => ({ arn: t.targetGroupArn, weight: t.weight }));
  await writeSwapPoint({ ...point, actions: withForward(point.actions, rest) });
}

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

/** Finalize's part: out of the listener (weight 0 after the last step), then deleted. */
export async function removeBaseline(swapArn: string, baseline: { serverGroup: string; targetGroupName: string }, deployment: string): Promise<string[]> {
  const tg = await findTargetGroupByName(baseline.targetGroupName);
  if (tg?.TargetGroupArn) await unstageBaseline(swapArn, tg.TargetGroupArn);
  return deleteBaseline(baseline, deployment);
}
