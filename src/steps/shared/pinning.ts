/** Unpinning: give a group back the MinSize it had before a deployment pinned it. */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { describeGroup, groupTag, untagGroup, updateGroup } from '../../aws/autoscaling.js';
import { TAG } from '../../aws/tags.js';

/** The MinSize a pinned group had before its pin (its `redblack:pinned-min` tag); undefined when not pinned. */
export function savedMinSize(group: AutoScalingGroup): number | undefined {
  const tag = groupTag(group, TAG.pinnedMin);
  const saved = tag === undefined ? Number.NaN : Number(tag);
  return Number.isInteger(saved) && saved >= 0 ? saved : undefined;
}

/** The group as it is without any pin: what a clone copies, so a pin never leaks into the next group. */
export function unpinnedView(group: AutoScalingGroup): AutoScalingGroup {
  const saved = savedMinSize(group);
  return saved === undefined ? group : { ...group, MinSize: Math.min(saved, group.DesiredCapacity ?? saved) };
}

/** Restores the saved MinSize if `deployment` holds the pin; a group that is gone or not pinned by it is left alone. */
export async function unpin(serverGroup: string, deployment: string): Promise<boolean> {
  const group = await describeGroup(serverGroup);
  if (!group || groupTag(group, TAG.pinnedBy) !== deployment) return false;
  const saved = Number(groupTag(group, TAG.pinnedMin));
  if (Number.isInteger(saved) && saved >= 0 && saved !== group.MinSize) {
    await updateGroup({ AutoScalingGroupName: serverGroup, MinSize: Math.min(saved, group.DesiredCapacity ?? saved) });
  }
  await untagGroup(serverGroup, [TAG.pinnedMin, TAG.pinnedBy]);
  return true;
}
