/**
 * Endpoint mode runs again against the same endpoint: before it seeds the demo world it removes
 * what an earlier run left of that world (through the API, found by name and tag), so the second
 * run starts from the same place as the first and deploys `<cluster>-v002` again. The stack itself
 * (table, bucket, schedule group, state machine) is kept and reused (local/stack.ts).
 */
import { AutoScalingClient, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DeleteAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteItemCommand, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DeleteLaunchTemplateCommand, DeregisterImageCommand, DescribeImagesCommand, DescribeLaunchTemplatesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DeleteScheduleCommand, ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { client } from '../src/aws/clients.js';
import { TAG } from '../src/aws/tags.js';
import type { Stack } from './stack.js';

/** What was removed, for the `--verbose` line. */
export async function resetDemoWorld(cluster: string, stack: Stack, alarms: string[]): Promise<string[]> {
  const removed: string[] = [];
  const asg = client(AutoScalingClient);
  const groups = await asg.send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: `tag:${TAG.cluster}`, Values: [cluster] }] }));
  for (const g of groups.AutoScalingGroups ?? []) {
    await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: g.AutoScalingGroupName, ForceDelete: true }));
    removed.push(g.AutoScalingGroupName as string);
  }

  const elb = client(ElasticLoadBalancingV2Client);
  const lbs = await elb.send(new DescribeLoadBalancersCommand({})).then((o) => o.LoadBalancers ?? []);
  for (const lb of lbs.filter((l) => l.LoadBalancerName === cluster)) {
    const listeners = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    for (const l of listeners.Listeners ?? []) await elb.send(new DeleteListenerCommand({ ListenerArn: l.ListenerArn }));
    await elb.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    removed.push(`load balancer ${cluster}`);
  }
  const tgs = await elb.send(new DescribeTargetGroupsCommand({})).then((o) => o.TargetGroups ?? []);
  for (const tg of tgs.filter((t) => t.TargetGroupName?.startsWith(`${cluster}-v`))) {
    await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: tg.TargetGroupArn }));
    removed.push(`target group ${tg.TargetGroupName}`);
  }

  const ec2 = client(EC2Client);
  const templates = await ec2.send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: [cluster] }] }));
  for (const t of templates.LaunchTemplates ?? []) {
    await ec2.send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: t.LaunchTemplateId }));
    removed.push(`launch template ${cluster}`);
  }
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${TAG.cluster}`, Values: [cluster] }] }));
  for (const i of images.Images ?? []) {
    await ec2.send(new DeregisterImageCommand({ ImageId: i.ImageId }));
    removed.push(i.ImageId as string);
  }

  if (alarms.length > 0) await client(CloudWatchClient).send(new DeleteAlarmsCommand({ AlarmNames: alarms }));

  // The cluster's lock, deployment records and last-success pointer.
  const ddb = client(DynamoDBClient);
  const items = await ddb.send(
    new QueryCommand({ TableName: stack.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': { S: `cluster#${cluster}` } } }),
  );
  for (const item of items.Items ?? []) await ddb.send(new DeleteItemCommand({ TableName: stack.table, Key: { pk: item.pk as never, sk: item.sk as never } }));

  const scheduler = client(SchedulerClient);
  const schedules = await scheduler.send(new ListSchedulesCommand({ GroupName: stack.scheduleGroup }));
  for (const s of (schedules.Schedules ?? []).filter((x) => x.Name?.includes(cluster))) {
    await scheduler.send(new DeleteScheduleCommand({ Name: s.Name, GroupName: stack.scheduleGroup }));
    removed.push(`schedule ${s.Name}`);
  }
  return removed;
}
