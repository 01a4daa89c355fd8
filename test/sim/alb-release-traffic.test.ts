/** Per-target-group traffic drawn from each release's behaviour: errors and latency percentiles as GetMetricData reads them. */
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { cloudPerTest } from './common.js';
import { elapse, elb, image, listener, loadBalancer, network, runningInstances, targetGroup } from './elbv2-helpers.js';

const dim = (arn: string) => arn.split(':')[5]?.replace(/^loadbalancer\//, '') as string;

describe('per-target-group metrics of simulated releases', () => {
  const cloud = cloudPerTest({ seed: 5 });

  it('a slower, error-prone release shows in its own group: p99 and 5xx per minute, with noise', async () => {
    // Prepare: 2.0.0 answers with p99 0.3 s (1.0.0: 0.15 s) and fails 2 % of requests
    const net = await network('1.0.0');
    cloud.apps.set('2.0.0', { errorRate: 0.02, latency: { medianSeconds: 0.06, p99Seconds: 0.3, jitter: 0 } });
    const slow = await image('2.0.0');
    const blue = await targetGroup(net, 'web-v001');
    const green = await targetGroup(net, 'web-v002');
    const lb = await loadBalancer(net);
    const listenerArn = await listener(lb, blue);
    cloud.elb.registerInstanceTargets(blue, await runningInstances(cloud, net, 2));
    cloud.elb.registerInstanceTargets(green, await runningInstances(cloud, net, 2, slow));
    await elapse(cloud, 120_000);
    await elb().send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 50 }, { TargetGroupArn: green, Weight: 50 }] } }],
      }),
    );
    // Act
    await elapse(cloud, 600_000);
    const read = async (tg: string, metric: string, stat: string) => {
      const out = await client(CloudWatchClient).send(
        new GetMetricDataCommand({
          StartTime: new Date(cloud.clock.now() - 480_000),
          EndTime: new Date(cloud.clock.now()),
          MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metric, Dimensions: [{ Name: 'TargetGroup', Value: dim(tg) }, { Name: 'LoadBalancer', Value: dim(lb) }] }, Period: 60, Stat: stat } }],
        }),
      );
      return out.MetricDataResults?.[0]?.Values ?? [];
    };
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // Assess: 25 requests/s each (50 rps split 50/50) = 1,500 a minute
    const greenErrors = await read(green, 'HTTPCode_Target_5XX_Count', 'Sum');
    expect(greenErrors.length).toBeGreaterThanOrEqual(7);
    expect(mean(greenErrors)).toBeGreaterThan(20);
    expect(mean(greenErrors)).toBeLessThan(40);
    expect(new Set(greenErrors).size).toBeGreaterThan(1);
    expect(await read(blue, 'HTTPCode_Target_5XX_Count', 'Sum')).toEqual([]);
    const greenP99 = mean(await read(green, 'TargetResponseTime', 'p99'));
    const blueP99 = mean(await read(blue, 'TargetResponseTime', 'p99'));
    expect(greenP99 / 0.3).toBeCloseTo(1, 0);
    expect(blueP99 / 0.15).toBeCloseTo(1, 0);
    expect(greenP99 / blueP99).toBeGreaterThan(1.6);
    expect(mean(await read(blue, 'TargetResponseTime', 'p50'))).toBeCloseTo(0.05, 2);
  });
});
