/**
 * Clone fidelity: a live group with every setting a user may give it — warm pool, suspended
 * processes, instance maintenance policy, scheduled actions, SNS notifications, metrics
 * collection, placement group, an additional target group, a step scaling policy driven by an
 * alarm — is deployed over, and the new group is compared with it field by field (docs/deploy.md
 * "What the new group keeps" is the same table). The alarm behind the policy is re-created against
 * the new group's policy and goes when its group goes.
 */
import {
  AttachLoadBalancerTargetGroupsCommand,
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  DescribeNotificationConfigurationsCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
  DescribeWarmPoolCommand,
  EnableMetricsCollectionCommand,
  PutNotificationConfigurationCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  PutWarmPoolCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { client } from '../../src/aws/clients.js';

let s: DemoSession | undefined;
afterEach(() => {
  s?.dispose();
  s = undefined;
});

const asg = () => client(AutoScalingClient);
const cw = () => client(CloudWatchClient);
const LIVE = 'web-prod-v001';
const NEXT = 'web-prod-v002';

/** Everything a user can set on the live group, through the API. Returns the additional target group. */
async function furnish(session: DemoSession): Promise<string> {
  const tg = await client(ElasticLoadBalancingV2Client).send(
    new CreateTargetGroupCommand({ Name: 'web-prod-internal', Protocol: 'HTTP', Port: 8080, VpcId: session.world.vpcId, TargetType: 'instance' }),
  );
  const internal = tg.TargetGroups?.[0]?.TargetGroupArn as string;
  await asg().send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: LIVE, TargetGroupARNs: [internal] }));
  await asg().send(
    new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: LIVE, InstanceMaintenancePolicy: { MinHealthyPercentage: 90, MaxHealthyPercentage: 120 }, PlacementGroup: 'web-prod-spread' }),
  );
  await asg().send(new PutWarmPoolCommand({ AutoScalingGroupName: LIVE, MinSize: 1, MaxGroupPreparedCapacity: 6, PoolState: 'Stopped', InstanceReusePolicy: { ReuseOnScaleIn: true } }));
  await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: LIVE, ScalingProcesses: ['AZRebalance', 'Launch'] }));
  await asg().send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: LIVE, ScheduledActionName: 'nightly', Recurrence: '0 22 * * *', MinSize: 2, DesiredCapacity: 2, TimeZone: 'Europe/Paris' }));
  await asg().send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: LIVE, ScheduledActionName: 'launch-day', StartTime: new Date(Date.now() + 7 * 86400_000), MaxSize: 12 }));
  const topic = `arn:aws:sns:us-east-1:${session.cloud.accountId}:web-prod-events`;
  await asg().send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: LIVE, TopicARN: topic, NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'] }));
  await asg().send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: LIVE, Granularity: '1Minute', Metrics: ['GroupInServiceInstances', 'GroupDesiredCapacity'] }));
  const policy = await asg().send(
    new PutScalingPolicyCommand({
      AutoScalingGroupName: LIVE,
      PolicyName: 'scale-out-cpu',
      PolicyType: 'StepScaling',
      AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
    }),
  );
  await cw().send(
    new PutMetricAlarmCommand({
      AlarmName: `${LIVE}-cpu-high`,
      Namespace: 'AWS/EC2',
      MetricName: 'CPUUtilization',
      Dimensions: [{ Name: 'AutoScalingGroupName', Value: LIVE }],
      Statistic: 'Average',
      Period: 60,
      EvaluationPeriods: 3,
      Threshold: 70,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [policy.PolicyARN as string],
    }),
  );
  return internal;
}

const group = async (name: string) => (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
const scheduled = async (name: string) =>
  ((await asg().send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: name }))).ScheduledUpdateGroupActions ?? [])
    .map((a) => ({ name: a.ScheduledActionName, recurrence: a.Recurrence, start: a.StartTime?.toISOString(), min: a.MinSize, max: a.MaxSize, desired: a.DesiredCapacity, zone: a.TimeZone }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
const notifications = async (name: string) =>
  ((await asg().send(new DescribeNotificationConfigurationsCommand({ AutoScalingGroupNames: [name] }))).NotificationConfigurations ?? []).map((n) => [n.TopicARN, n.NotificationType]);
const alarm = async (name: string) => (await cw().send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];

describe('the new group is a faithful clone of the live one', () => {
  it('copies every setting of the live group, field by field, and re-creates the policy alarm for the new policy', async () => {
    // Prepare
    s = await DemoSession.create('happy', 1);
    const internal = await furnish(s);
    const before = await group(LIVE);
    // Act
    await s.upload();
    const execution = await s.awaitExecutions(1);
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const [live, next] = [await group(LIVE), await group(NEXT)];
    const fields: [string, (g: typeof live) => unknown, (v: unknown) => unknown][] = [
      ['InstanceMaintenancePolicy', (g) => g?.InstanceMaintenancePolicy, (v) => v],
      ['PlacementGroup', (g) => g?.PlacementGroup, (v) => v],
      ['EnabledMetrics', (g) => g?.EnabledMetrics, (v) => v],
      ['WarmPoolConfiguration', (g) => g?.WarmPoolConfiguration, (v) => v],
      // Launch stays running on the new group (it could never become healthy without it).
      ['SuspendedProcesses', (g) => g?.SuspendedProcesses?.map((p) => p.ProcessName).sort(), (v) => (v as string[]).filter((p) => p !== 'Launch')],
      ['TargetGroupARNs (additional)', (g) => g?.TargetGroupARNs?.filter((t) => t === internal), (v) => v],
      ['HealthCheckType', (g) => g?.HealthCheckType, (v) => v],
      ['TerminationPolicies', (g) => g?.TerminationPolicies, (v) => v],
      ['VPCZoneIdentifier', (g) => g?.VPCZoneIdentifier, (v) => v],
    ];
    for (const [name, read, expected] of fields) expect(read(next), name).toEqual(expected(read(live)));
    expect(before?.SuspendedProcesses?.map((p) => p.ProcessName).sort()).toEqual(['AZRebalance', 'Launch']);
    expect(next?.TargetGroupARNs).toHaveLength(2);

    const pool = async (name: string) => (await asg().send(new DescribeWarmPoolCommand({ AutoScalingGroupName: name }))).WarmPoolConfiguration;
    expect(await pool(NEXT)).toEqual(await pool(LIVE));
    expect(await pool(NEXT)).toEqual({ MinSize: 1, MaxGroupPreparedCapacity: 6, PoolState: 'Stopped', InstanceReusePolicy: { ReuseOnScaleIn: true } });
    expect(await scheduled(NEXT)).toEqual(await scheduled(LIVE));
    expect(await scheduled(NEXT)).toHaveLength(2);
    expect(await notifications(NEXT)).toEqual(await notifications(LIVE));
    expect(await notifications(NEXT)).toHaveLength(2);

    const policies = (await asg().send(new DescribePoliciesCommand({ AutoScalingGroupName: NEXT }))).ScalingPolicies ?? [];
    expect(policies.map((p) => [p.PolicyName, p.PolicyType, p.Alarms?.map((a) => a.AlarmName)])).toEqual([['scale-out-cpu', 'StepScaling', [`${NEXT}-cpu-high`]]]);
    const [old, copy] = [await alarm(`${LIVE}-cpu-high`), await alarm(`${NEXT}-cpu-high`)];
    expect(copy?.AlarmActions).toEqual([policies[0]?.PolicyARN]);
    expect(copy?.Dimensions).toEqual([{ Name: 'AutoScalingGroupName', Value: NEXT }]);
    for (const k of ['Namespace', 'MetricName', 'Statistic', 'Period', 'EvaluationPeriods', 'Threshold', 'ComparisonOperator'] as const) expect(copy?.[k], k).toEqual(old?.[k]);
  });

  it('deletes the old group with its policy alarm at teardown, and keeps the new group\'s', async () => {
    // Prepare
    s = await DemoSession.create('happy', 1);
    await furnish(s);
    await s.upload();
    await s.awaitExecutions(1);
    // Act
    const gone = await s.awaitTeardown(LIVE);
    // Assess
    expect(gone).toBe(true);
    expect(await alarm(`${LIVE}-cpu-high`)).toBeUndefined();
    expect((await alarm(`${NEXT}-cpu-high`))?.AlarmActions).toHaveLength(1);
  });

  it('deletes the new group\'s copied alarm with it when the deployment rolls back', async () => {
    // Prepare
    s = await DemoSession.create('unhealthy-release', 1);
    await furnish(s);
    // Act
    await s.upload();
    const execution = await s.awaitExecutions(1);
    // Assess
    expect(execution.status).toBe('FAILED');
    // Force-deleted: gone once its instances have terminated.
    await s.cloud.clock.runUntil(() => !s?.cloud.autoscaling.groupNames().includes(NEXT), { limitMs: 3600_000 });
    expect(await group(NEXT)).toBeUndefined();
    expect(await alarm(`${NEXT}-cpu-high`)).toBeUndefined();
    expect((await alarm(`${LIVE}-cpu-high`))?.AlarmActions).toHaveLength(1);
  });
});
