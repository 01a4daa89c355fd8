/** Unpinning: give a group back the MinSize it had before a deployment pinned it. */
import { describeGroup, groupTag, untagGroup, updateGroup } from '../../aws/autoscaling.js';
import { TAG } from '../../aws/tags.js';

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
