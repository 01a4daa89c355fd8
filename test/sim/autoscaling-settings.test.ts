/**
 * The settings the embedded Auto Scaling keeps beside a group (warm pool, scheduled actions, SNS
 * notifications, metrics collection, instance maintenance policy), their validation, and the
 * link between simple/step policies and the alarms that invoke them — which AWS cuts when the
 * group is deleted, deleting alarms left without actions.
 */
import {
  DeleteAutoScalingGroupCommand,
  DescribeNotificationConfigurationsCommand,
  DescribePoliciesCommand,
  DescribeScheduledActionsCommand,
  DescribeWarmPoolCommand,
  EnableMetricsCollectionCommand,
  PutNotificationConfigurationCommand,
  PutScalingPolicyCommand,
  PutScheduledUpdateGroupActionCommand,
  PutWarmPoolCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { cloudPerTest, expectCode } from './common.js';
import { asg, type AsgWorld, asgWorld, createGroup, describeGroup, waitForGroup } from './autoscaling-helpers.js';

describe('Auto Scaling: settings kept with a group', () => {
  const cloud = cloudPerTest({ seed: 3 });
  let w: AsgWorld;
  beforeEach(async () => {
    w = await asgWorld();
    await createGroup(w, 'web-v001', { MinSize: 1, MaxSize: 2, InstanceMaintenancePolicy: { MinHealthyPercentage: 90, MaxHealthyPercentage: 110 } });
  });

  it('describes the warm pool, scheduled actions, notifications, metrics and maintenance policy it was given', async () => {
    // Act
    await asg().send(new PutWarmPoolCommand({ AutoScalingGroupName: 'web-v001', MinSize: 1 }));
    await asg().send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'web-v001', ScheduledActionName: 'night', Recurrence: '0 22 * * *', DesiredCapacity: 1 }));
    await asg().send(new PutNotificationConfigurationCommand({ AutoScalingGroupName: 'web-v001', TopicARN: 'arn:aws:sns:us-east-1:123456789012:t', NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH'] }));
    await asg().send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: 'web-v001', Granularity: '1Minute', Metrics: ['GroupDesiredCapacity'] }));
    // Assess
    const g = await describeGroup('web-v001');
    expect(g?.WarmPoolConfiguration).toEqual({ MinSize: 1, PoolState: 'Stopped' });
    expect(g?.EnabledMetrics).toEqual([{ Metric: 'GroupDesiredCapacity', Granularity: '1Minute' }]);
    expect(g?.InstanceMaintenancePolicy).toEqual({ MinHealthyPercentage: 90, MaxHealthyPercentage: 110 });
    expect((await asg().send(new DescribeWarmPoolCommand({ AutoScalingGroupName: 'web-v001' }))).WarmPoolConfiguration?.MinSize).toBe(1);
    expect((await asg().send(new DescribeScheduledActionsCommand({ AutoScalingGroupName: 'web-v001' }))).ScheduledUpdateGroupActions?.map((a) => [a.ScheduledActionName, a.Recurrence, a.DesiredCapacity])).toEqual([['night', '0 22 * * *', 1]]);
    expect((await asg().send(new DescribeNotificationConfigurationsCommand({ AutoScalingGroupNames: ['web-v001'] }))).NotificationConfigurations).toEqual([
      { AutoScalingGroupName: 'web-v001', TopicARN: 'arn:aws:sns:us-east-1:123456789012:t', NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' },
    ]);
  });

  it('refuses what AWS refuses', async () => {
    // Act + Assess
    await expectCode(asg().send(new PutScheduledUpdateGroupActionCommand({ AutoScalingGroupName: 'web-v001', ScheduledActionName: 'empty', Recurrence: '0 1 * * *' })), 'ValidationError');
    await expectCode(asg().send(new EnableMetricsCollectionCommand({ AutoScalingGroupName: 'web-v001', Granularity: '5Minute' })), 'ValidationError');
    await expectCode(asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-v001', InstanceMaintenancePolicy: { MinHealthyPercentage: 50, MaxHealthyPercentage: 90 } })), 'ValidationError');
    await expectCode(asg().send(new PutWarmPoolCommand({ AutoScalingGroupName: 'nope', MinSize: 1 })), 'ValidationError');
  });

  it('lists the alarms that invoke a step policy, and deleting the group deletes an alarm left without actions', async () => {
    // Prepare
    const policy = await asg().send(
      new PutScalingPolicyCommand({ AutoScalingGroupName: 'web-v001', PolicyName: 'out', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
    );
    const alarm = (name: string, actions: string[]) =>
      client(CloudWatchClient).send(
        new PutMetricAlarmCommand({ AlarmName: name, Namespace: 'AWS/EC2', MetricName: 'CPUUtilization', Statistic: 'Average', Period: 60, EvaluationPeriods: 1, Threshold: 70, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: actions }),
      );
    await alarm('only-the-policy', [policy.PolicyARN as string]);
    await alarm('also-a-topic', [policy.PolicyARN as string, 'arn:aws:sns:us-east-1:123456789012:t']);
    expect((await asg().send(new DescribePoliciesCommand({ AutoScalingGroupName: 'web-v001' }))).ScalingPolicies?.[0]?.Alarms?.map((a) => a.AlarmName).sort()).toEqual(['also-a-topic', 'only-the-policy']);
    // Act
    await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'web-v001', ForceDelete: true }));
    await waitForGroup(cloud, 'web-v001', (g) => g === undefined);
    // Assess
    const left = (await client(CloudWatchClient).send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [];
    expect(left.map((a) => [a.AlarmName, a.AlarmActions])).toEqual([['also-a-topic', ['arn:aws:sns:us-east-1:123456789012:t']]]);
  });
});
