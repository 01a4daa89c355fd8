/**
 * The simulated world as a whole, through the SDK only: an ALB, a target group and an Auto Scaling
 * group of 4 instances behave on the virtual clock the way AWS's documented timings say.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';

const BOOT = 40;
const INTERVAL = 10;
const THRESHOLD = 3;
const DRAIN = 30;

const cloud = cloudPerTest({ seed: 11 });
beforeEach(async () => {
  cloud.apps.defaults = { ...cloud.apps.defaults, bootSeconds: BOOT, appStartSeconds: 0 };
});

async function world(release: string): Promise<{ tg: string; group: string }> {
  const ec2 = client(EC2Client);
  const elb = client(ElasticLoadBalancingV2Client);
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId as string;
  const subnets = [
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.0.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet?.SubnetId as string,
    (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/24', AvailabilityZone: 'us-east-1b' }))).Subnet?.SubnetId as string,
  ];
  const image = await ec2.send(
    new RegisterImageCommand({ Name: `app-${release}`, RootDeviceName: '/dev/xvda', TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'redblack:release', Value: release }] }] }),
  );
  await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'app', LaunchTemplateData: { ImageId: image.ImageId, InstanceType: 't3.small' } }));
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: 'app', Subnets: subnets }))).LoadBalancers?.[0]?.LoadBalancerArn as string;
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({ Name: 'app-v001', Protocol: 'HTTP', Port: 80, VpcId: vpc, HealthCheckIntervalSeconds: INTERVAL, HealthyThresholdCount: THRESHOLD, UnhealthyThresholdCount: 2 }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn as string;
  await elb.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(DRAIN) }] }));
  await elb.send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }] }));
  await client(AutoScalingClient).send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'app-v001',
      LaunchTemplate: { LaunchTemplateName: 'app', Version: '1' },
      MinSize: 0,
      MaxSize: 8,
      DesiredCapacity: 4,
      VPCZoneIdentifier: subnets.join(','),
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 60,
      TargetGroupARNs: [tg],
    }),
  );
  return { tg, group: 'app-v001' };
}

const health = async (tg: string) =>
  ((await client(ElasticLoadBalancingV2Client).send(new DescribeTargetHealthCommand({ TargetGroupArn: tg }))).TargetHealthDescriptions ?? []).map((d) => ({
    id: d.Target?.Id as string,
    state: d.TargetHealth?.State as string,
  }));
const states = async (tg: string) => (await health(tg)).map((t) => t.state);

describe('an ALB, a target group and an Auto Scaling group of 4', () => {
  it('turn healthy exactly at boot + interval × healthy threshold', async () => {
    // Prepare
    const t0 = cloud.clock.now();
    const { tg } = await world('1.0.0');
    const expected = (BOOT + INTERVAL * THRESHOLD) * 1000;
    // Act
    await cloud.clock.advance(expected - 1000);
    const justBefore = await states(tg);
    await cloud.clock.advance(1000);
    const at = await states(tg);
    // Assess
    expect(justBefore.filter((s) => s === 'healthy')).toHaveLength(0);
    expect(at).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    expect(cloud.clock.now() - t0).toBe(expected);
  });

  it('keeps an unhealthy release unhealthy; the group replaces instances that fail ELB checks', async () => {
    // Prepare: a healthy group, so its target group is InService for Auto Scaling.
    const { tg, group } = await world('1.0.0');
    await cloud.clock.advance((BOOT + INTERVAL * THRESHOLD) * 1000);
    expect(await states(tg)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    // Act: the release stops answering its health check.
    cloud.apps.set('1.0.0', { healthy: false });
    await cloud.clock.advance(10 * 60_000);
    // Assess: never healthy again, and Auto Scaling kept replacing the failing instances.
    expect((await states(tg)).some((s) => s === 'healthy')).toBe(false);
    const out = await client(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [group] }));
    expect(out.AutoScalingGroups?.[0]?.DesiredCapacity).toBe(4);
    expect(cloud.ec2.store.instances.size).toBeGreaterThan(8);
  });

  it('does not replace a new group whose target group never became InService (Auto Scaling health checks: ELB checks start once the traffic source is InService)', async () => {
    // Prepare
    cloud.apps.set('2.0.0-bad', { healthy: false });
    const { tg } = await world('2.0.0-bad');
    // Act
    await cloud.clock.advance(10 * 60_000);
    // Assess: unhealthy throughout; ELB results do not count before the traffic source is InService.
    expect(await states(tg)).toEqual(['unhealthy', 'unhealthy', 'unhealthy', 'unhealthy']);
    expect(cloud.ec2.store.instances.size).toBe(4);
  });

  it('never reports a draining target healthy', async () => {
    // Prepare
    const { tg, group } = await world('1.0.0');
    await cloud.clock.advance((BOOT + INTERVAL * THRESHOLD) * 1000);
    expect(await states(tg)).toEqual(['healthy', 'healthy', 'healthy', 'healthy']);
    const drainedAt = new Map<string, number>();
    const healthyAfterDraining: string[] = [];
    // Act
    await client(AutoScalingClient).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: group, MinSize: 0, DesiredCapacity: 2 }));
    for (let s = 0; s < DRAIN + 20; s += 5) {
      await cloud.clock.advance(5000);
      for (const t of await health(tg)) {
        if (t.state === 'draining' && !drainedAt.has(t.id)) drainedAt.set(t.id, s);
        if (t.state === 'healthy' && drainedAt.has(t.id)) healthyAfterDraining.push(t.id);
      }
    }
    // Assess
    expect(drainedAt.size).toBe(2);
    expect(healthyAfterDraining).toEqual([]);
    expect(await states(tg)).toEqual(['healthy', 'healthy']);
  });
});
