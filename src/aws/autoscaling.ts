/** Auto Scaling calls: the cluster's server groups. */
import {
  AutoScalingClient,
  type AutoScalingGroup,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DeleteTagsCommand,
  DescribeAccountLimitsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  type LifecycleHook,
  paginateDescribeAutoScalingGroups,
  paginateDescribePolicies,
  PutScalingPolicyCommand,
  type PutScalingPolicyCommandInput,
  type ScalingPolicy,
  UpdateAutoScalingGroupCommand,
  type UpdateAutoScalingGroupCommandInput,
  DescribeNotificationConfigurationsCommand,
  DescribeScheduledActionsCommand,
  DescribeWarmPoolCommand,
  EnableMetricsCollectionCommand,
  type EnableMetricsCollectionCommandInput,
  type NotificationConfiguration,
  PutNotificationConfigurationCommand,
  type PutNotificationConfigurationCommandInput,
  PutScheduledUpdateGroupActionCommand,
  type PutScheduledUpdateGroupActionCommandInput,
  PutWarmPoolCommand,
  type PutWarmPoolCommandInput,
  type ScheduledUpdateGroupAction,
  SuspendProcessesCommand,
  type SuspendProcessesCommandInput,
  type WarmPoolConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { client } from './clients.js';
import { tolerate } from './not-found.js';
import { TAG } from './tags.js';

const asg = () => client(AutoScalingClient);

export async function describeGroup(name: string): Promise<AutoScalingGroup | undefined> {
  const out = await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return out.AutoScalingGroups?.[0];
}

/** Every group tagged as part of the cluster, one page of 100 at a time. */
export async function clusterGroups(cluster: string): Promise<AutoScalingGroup[]> {
  const groups: AutoScalingGroup[] = [];
  const pages = paginateDescribeAutoScalingGroups(
    { client: asg(), pageSize: 100 },
    { Filters: [{ Name: `tag:${TAG.cluster}`, Values: [cluster] }] },
  );
  for await (const page of pages) groups.push(...(page.AutoScalingGroups ?? []));
  return groups;
}

/** Creates the group; `false` when a group of that name already exists (the caller checks whose it is). */
export async function createGroup(input: CreateAutoScalingGroupCommandInput): Promise<boolean> {
  return tolerate('AlreadyExistsFault', asg().send(new CreateAutoScalingGroupCommand(input)).then(() => true), false);
}

export async function updateGroup(input: UpdateAutoScalingGroupCommandInput): Promise<void> {
  await asg().send(new UpdateAutoScalingGroupCommand(input));
}

/** Force-deletes a group (terminating its instances); one that is already gone counts as deleted. */
export async function deleteGroup(name: string): Promise<void> {
  // Auto Scaling says "not found" only in a ValidationError's message.
  const gone = (e: Error) => e.name === 'ValidationError' && /not found|does not exist/i.test(e.message);
  await tolerate(gone, asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true })));
}

export async function groupPolicies(name: string): Promise<ScalingPolicy[]> {
  const policies: ScalingPolicy[] = [];
  for await (const page of paginateDescribePolicies({ client: asg() }, { AutoScalingGroupName: name })) {
    policies.push(...(page.ScalingPolicies ?? []));
  }
  return policies;
}

/** Creates or updates the policy; returns its ARN (what an alarm's action names). */
export async function putPolicy(input: PutScalingPolicyCommandInput): Promise<string | undefined> {
  return (await asg().send(new PutScalingPolicyCommand(input))).PolicyARN;
}

/** What a group keeps beside DescribeAutoScalingGroups: its warm pool, scheduled actions and SNS notifications. */
export interface GroupExtras {
  warmPool?: WarmPoolConfiguration;
  scheduled: ScheduledUpdateGroupAction[];
  notifications: NotificationConfiguration[];
}

export async function groupExtras(name: string): Promise<GroupExtras> {
  const [pool, scheduled, notifications] = await Promise.all([
    asg().send(new DescribeWarmPoolCommand({ AutoScalingGroupName: name })),
    asg().send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: name })),
    asg().send(new DescribeNotificationConfigurationsCommand({ AutoScalingGroupNames: [name] })),
  ]);
  return {
    ...(pool.WarmPoolConfiguration ? { warmPool: pool.WarmPoolConfiguration } : {}),
    scheduled: scheduled.ScheduledUpdateGroupActions ?? [],
    notifications: notifications.NotificationConfigurations ?? [],
  };
}

export async function putWarmPool(input: PutWarmPoolCommandInput): Promise<void> {
  await asg().send(new PutWarmPoolCommand(input));
}

export async function putScheduledAction(input: PutScheduledUpdateGroupActionCommandInput): Promise<void> {
  await asg().send(new PutScheduledUpdateGroupActionCommand(input));
}

export async function putNotificationConfiguration(input: PutNotificationConfigurationCommandInput): Promise<void> {
  await asg().send(new PutNotificationConfigurationCommand(input));
}

export async function enableMetricsCollection(input: EnableMetricsCollectionCommandInput): Promise<void> {
  await asg().send(new EnableMetricsCollectionCommand(input));
}

export async function suspendProcesses(input: SuspendProcessesCommandInput): Promise<void> {
  await asg().send(new SuspendProcessesCommand(input));
}

export async function lifecycleHooks(name: string): Promise<LifecycleHook[]> {
  const out = await asg().send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: name }));
  return out.LifecycleHooks ?? [];
}

export async function tagGroup(name: string, tags: Record<string, string>): Promise<void> {
  await asg().send(
    new CreateOrUpdateTagsCommand({
      Tags: Object.entries(tags).map(([Key, Value]) => ({
        ResourceId: name,
        ResourceType: 'auto-scaling-group',
        Key,
        Value,
        PropagateAtLaunch: false,
      })),
    }),
  );
}

export async function untagGroup(name: string, keys: string[]): Promise<void> {
  await asg().send(
    new DeleteTagsCommand({ Tags: keys.map((Key) => ({ ResourceId: name, ResourceType: 'auto-scaling-group', Key })) }),
  );
}

export const groupTag = (group: AutoScalingGroup, key: string): string | undefined =>
  group.Tags?.find((t) => t.Key === key)?.Value;

export const inServiceCount = (group: AutoScalingGroup): number =>
  (group.Instances ?? []).filter((i) => i.LifecycleState === 'InService').length;

/** How many groups the account has in the Region, and may have (its quota). */
export async function groupQuota(): Promise<{ used: number; max: number }> {
  const out = await asg().send(new DescribeAccountLimitsCommand({}));
  return { used: out.NumberOfAutoScalingGroups ?? 0, max: out.MaxNumberOfAutoScalingGroups ?? Infinity };
}
