import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { elapse, elb, image, listener, loadBalancer, type Net, network, runningInstances, targetGroup } from './elbv2-helpers.js';

const cw = (): CloudWatchClient => client(CloudWatchClient);
const dim = (arn: string) => arn.split(':')[5]?.replace(/^loadbalancer\//, '') as string;

describe('ALB metrics in CloudWatch', () => {
  const cloud = cloudPerTest({ seed: 21 });
  let net: Net;
  let lb: string;
  let blue: string;
  let green: string;
  let listenerArn: string;
  beforeEach(async () => {
    net = await network('1.0.0');
    cloud.apps.set('2.0.0', { healthy: false });
    const bad = await image('2.0.0');
    blue = await targetGroup(net, 'web-v001');
    green = await targetGroup(net, 'web-v002');
    lb = await loadBalancer(net);
    listenerArn = await listener(lb, blue);
    cloud.elb.registerInstanceTargets(blue, await runningInstances(cloud, net, 2));
    cloud.elb.registerInstanceTargets(green, await runningInstances(cloud, net, 2, bad));
  });

  const series = async (metricName: string, dimensions: { Name: string; Value: string }[], stat = 'Sum') => {
    const out = await cw().send(
      new GetMetricDataCommand({
        StartTime: new Date(cloud.clock.now() - 600_000),
        EndTime: new Date(cloud.clock.now()),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metricName, Dimensions: dimensions }, Period: 60, Stat: stat } }],
      }),
    );
    return out.MetricDataResults?.[0]?.Values ?? [];
  };

  it('publishes requests and host counts per minute, and no 5XX datapoints while the release is healthy', async () => {
    // Prepare
    cloud.elb.requestsPerSecond[lb] = 10;
    // Act
    await elapse(cloud, 300_000);
    // Assess
    const lbDims = [{ Name: 'LoadBalancer', Value: dim(lb) }];
    const blueDims = [
      { Name: 'TargetGroup', Value: dim(blue) },
      { Name: 'LoadBalancer', Value: dim(lb) },
    ];
    expect(dim(blue)).toMatch(/^targetgroup\/web-v001\/[0-9a-f]{16}$/);
    expect(dim(lb)).toMatch(/^app\/web\/[0-9a-f]{16}$/);
    const requests = await series('RequestCount', lbDims);
    expect(requests.slice(-4)).toEqual([600, 600, 600, 600]);
    expect((await series('HealthyHostCount', blueDims, 'Average')).at(-1)).toBe(2);
    expect(await series('HTTPCode_Target_5XX_Count', lbDims)).toEqual([]);
    expect(await series('HealthyHostCount', [{ Name: 'TargetGroup', Value: dim(blue) }], 'Average')).toEqual([]);
  });

  it('fires a 5XX alarm once traffic shifts to an unhealthy release', async () => {
    // Prepare
    await cw().send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-v002-5xx',
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [
          { Name: 'TargetGroup', Value: dim(green) },
          { Name: 'LoadBalancer', Value: dim(lb) },
        ],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 2,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
    await elapse(cloud, 300_000);
    expect(cloud.cloudwatch.alarmState('web-v002-5xx')).toBe('OK');
    // Act
    await elb().send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 50 }, { TargetGroupArn: green, Weight: 50 }] } }],
      }),
    );
    await elapse(cloud, 180_000);
    // Assess: half of 50 rps to a group whose targets all fail (fail open) is 1500 5XX a minute
    const greenDims = [
      { Name: 'TargetGroup', Value: dim(green) },
      { Name: 'LoadBalancer', Value: dim(lb) },
    ];
    expect((await series('HTTPCode_Target_5XX_Count', greenDims)).slice(-2)).toEqual([1500, 1500]);
    expect(cloud.elb.healthyCount(green)).toBe(0);
    const a = (await cw().send(new DescribeAlarmsCommand({ AlarmNames: ['web-v002-5xx'] }))).MetricAlarms?.[0];
    expect(a?.StateValue).toBe('ALARM');
    expect(a?.StateReason).toMatch(/^Threshold Crossed: 2 out of the last 2 datapoints \[1500\.0 .*\] were greater than the threshold \(0\.0\)/);
  });
});
