/**
 * Reads the end state of a cluster through the AWS API, the way an operator would check it:
 * what the listener forwards to, which groups, target groups, builders and schedules exist, who
 * holds the lock, which groups are pinned. Tests and the fault runner assert invariants on this.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { client } from '../src/aws/clients.js';
import { forwardTargets, readSwapPoint } from '../src/aws/elbv2.js';
import { TAG } from '../src/aws/tags.js';
import { setting } from '../src/env.js';

export interface ClusterSnapshot {
  /** Forward target groups (by name) → weight. */
  forward: Record<string, number>;
  /** The raw listener actions, for exact comparisons. */
  actions: unknown[];
  groups: { name: string; desired: number; min: number; pinnedBy?: string; deleting: boolean }[];
  targetGroups: string[];
  builders: string[];
  schedules: string[];
  lock?: { deployment: string; expiresAt: number };
}

export async function snapshotCluster(cluster: string, swapArn: string): Promise<ClusterSnapshot> {
  const point = await readSwapPoint(swapArn);
  const forward: Record<string, number> = {};
  for (const t of forwardTargets(point.actions)) forward[t.targetGroupArn.split(':targetgroup/')[1]?.split('/')[0] ?? t.targetGroupArn] = t.weight;

  const asg = await client(AutoScalingClient).send(
    new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: `tag:${TAG.cluster}`, Values: [cluster] }], MaxRecords: 100 }),
  );
  const groups = (asg.AutoScalingGroups ?? []).map((g) => {
    const pinnedBy = g.Tags?.find((t) => t.Key === TAG.pinnedBy)?.Value;
    return {
      name: g.AutoScalingGroupName as string,
      desired: g.DesiredCapacity ?? 0,
      min: g.MinSize ?? 0,
      ...(pinnedBy ? { pinnedBy } : {}),
      deleting: g.Status !== undefined,
    };
  });

  const tgs = await client(ElasticLoadBalancingV2Client).send(new DescribeTargetGroupsCommand({}));
  const targetGroups = (tgs.TargetGroups ?? []).map((t) => t.TargetGroupName as string).filter((n) => n.startsWith(cluster));

  const ec2 = await client(EC2Client).send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: `tag:${TAG.cluster}`, Values: [cluster] },
        { Name: `tag:${TAG.role}`, Values: ['builder'] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] },
      ],
    }),
  );
  const builders = (ec2.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId as string);

  const schedules = await client(SchedulerClient).send(new ListSchedulesCommand({ GroupName: setting('scheduleGroup') }));
  const lockItem = await client(DynamoDBClient).send(
    new GetItemCommand({ TableName: setting('tableName'), Key: marshall({ pk: `cluster#${cluster}`, sk: 'lock' }), ConsistentRead: true }),
  );
  const lock = lockItem.Item ? (unmarshall(lockItem.Item) as { deployment: string; expiresAt: number }) : undefined;

  return {
    forward,
    actions: point.actions,
    groups,
    targetGroups,
    builders,
    schedules: (schedules.Schedules ?? []).map((s) => s.Name as string),
    ...(lock ? { lock: { deployment: lock.deployment, expiresAt: lock.expiresAt } } : {}),
  };
}
