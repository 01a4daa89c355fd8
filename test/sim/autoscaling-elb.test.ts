import {
  AttachLoadBalancerTargetGroupsCommand,
  AttachTrafficSourcesCommand,
  DescribeLoadBalancerTargetGroupsCommand,
  DescribeScalingActivitiesCommand,
  DescribeTrafficSourcesCommand,
  DetachLoadBalancerTargetGroupsCommand,
  DetachTrafficSourcesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateVersionCommand, RegisterImageCommand } from '@aws-sdk/client-ec2';
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
import { asg, type AsgWorld, asgWorld, createGroup, describeGroup, ec2, elapse, inService, waitForGroup } from './autoscaling-helpers.js';

const elb = () => client(ElasticLoadBalancingV2Client);

describe('Auto Scaling groups with ELBv2 target groups', () => {
  const cloud = cloudPerTest({ seed: 9 });
  let w: AsgWorld;
  let tg: string;

  /** A target group checked every 10 s (2 checks to flip), draining for 30 s, behind an ALB listener. */
  async function servedTargetGroup(name: string, listen = true): Promise<string> {
    const arn = (
      await elb().send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 80,
          VpcId: w.vpcId,
          HealthCheckIntervalSeconds: 10,
          HealthCheckTimeoutSeconds: 5,
          HealthyThresholdCount: 2,
          UnhealthyThresholdCount: 2,
        }),
      )
    ).TargetGroups?.[0]?.TargetGroupArn as string;
    await elb().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }] }));
    if (listen) {
      const lb = (await elb().send(new CreateLoadBalancerCommand({ Name: `lb-${name}`, Subnets: w.subnets }))).LoadBalancers?.[0]?.LoadBalancerArn as string;
      await elb().send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: arn }] }));
    }
    return arn;
  }

  const targets = async (arn: string) =>
    Object.fromEntries(
      ((await elb().send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }))).TargetHealthDescriptions ?? []).map((d) => [d.Target?.Id, d.TargetHealth?.State]),
    );

  beforeEach(async () => {
    w = await asgWorld();
    tg = await servedTargetGroup('web-v001');
  });

  it('registers instances before InService, and the traffic source goes InService once one passes', async () => {
    // Act
    await createGroup(w, 'g', { DesiredCapacity: 2, TargetGroupARNs: [tg] });
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    const atInService = await targets(tg);
    const added = (await asg().send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'g' }))).TrafficSources;
    await elapse(cloud, 60_000);
    const passed = (await asg().send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'g' }))).TrafficSources;
    // Assess
    expect(Object.keys(atInService).sort()).toEqual(inService(up).sort());
    expect(Object.values(atInService)).toEqual(['initial', 'initial']);
    expect(added).toEqual([{ TrafficSource: tg, Identifier: tg, Type: 'elbv2', State: 'Added' }]);
    expect(passed?.[0]?.State).toBe('InService');
    expect(Object.values(await targets(tg))).toEqual(['healthy', 'healthy']);
    expect(up?.TargetGroupARNs).toEqual([tg]);
    expect(up?.TrafficSources).toEqual([{ Identifier: tg, Type: 'elbv2' }]);
  });

  it('rejects target groups that do not exist', async () => {
    // Act
    const onCreate = await createGroup(w, 'g', { TargetGroupARNs: [tg.replace(/[0-9a-f]{16}$/, '0000000000000000')] }).catch((e: Error) => e);
    // Assess
    expect(onCreate).toMatchObject({ name: 'ValidationError', message: 'Provided Target Groups may not be valid. Please ensure they exist and try again.' });
    expect(cloud.autoscaling.groupNames()).toEqual([]);
  });

  it('deregisters a scaled-in instance and terminates it only after draining', async () => {
    // Prepare
    await createGroup(w, 'g', { DesiredCapacity: 2, TargetGroupARNs: [tg], TerminationPolicies: ['NewestInstance'] });
    await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    await elapse(cloud, 60_000);
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    const draining = await waitForGroup(cloud, 'g', (g) => (g?.Instances ?? []).some((i) => i.LifecycleState === 'Terminating'));
    const victim = draining?.Instances?.find((i) => i.LifecycleState === 'Terminating')?.InstanceId as string;
    const stateWhileDraining = (await targets(tg))[victim];
    const activity = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g', MaxRecords: 1 }))).Activities?.[0];
    await elapse(cloud, 29_000);
    const ec2While = cloud.ec2.instanceState(victim);
    const gone = await waitForGroup(cloud, 'g', (g) => g?.Instances?.length === 1);
    // Assess
    expect(stateWhileDraining).toBe('draining');
    expect(activity).toMatchObject({ Description: `Terminating EC2 instance: ${victim}`, StatusCode: 'WaitingForELBConnectionDraining' });
    expect(ec2While).toBe('running');
    expect(gone?.Instances?.map((i) => i.InstanceId)).not.toContain(victim);
    expect(cloud.ec2.instanceState(victim)).toMatch(/shutting-down|terminated/);
  });

  it('replaces instances the ELB health check finds unhealthy, after the grace period', async () => {
    // Prepare: a healthy pair first, so the traffic source is InService.
    await createGroup(w, 'g', { DesiredCapacity: 2, MaxSize: 4, TargetGroupARNs: [tg], HealthCheckType: 'ELB', HealthCheckGracePeriod: 60 });
    const healthy = inService(await waitForGroup(cloud, 'g', (g) => inService(g).length === 2));
    await elapse(cloud, 60_000);
    const bad = (
      await ec2().send(
        new RegisterImageCommand({
          Name: 'web-2.0.0',
          RootDeviceName: '/dev/xvda',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
          TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'redblack:release', Value: '2.0.0' }] }],
        }),
      )
    ).ImageId as string;
    cloud.apps.set('2.0.0', { healthy: false });
    await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: w.templateId, SourceVersion: '1', LaunchTemplateData: { ImageId: bad } }));
    // Act: one more instance, of the unhealthy release.
    await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 3, LaunchTemplate: { LaunchTemplateId: w.templateId, Version: '2' } }));
    const three = await waitForGroup(cloud, 'g', (g) => inService(g).length === 3);
    const sick = inService(three).find((id) => !healthy.includes(id)) as string;
    await elapse(cloud, 50_000);
    const withinGrace = await describeGroup('g');
    const targetWithinGrace = (await targets(tg))[sick];
    await waitForGroup(cloud, 'g', (g) => !(g?.Instances ?? []).some((i) => i.InstanceId === sick), 300_000);
    // Assess
    expect(targetWithinGrace).toBe('unhealthy');
    expect(withinGrace?.Instances?.find((i) => i.InstanceId === sick)).toMatchObject({ LifecycleState: 'InService', HealthStatus: 'Healthy' });
    const g = await describeGroup('g');
    expect(inService(g)).toEqual(expect.arrayContaining(healthy));
    const activities = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g' }))).Activities ?? [];
    const termination = activities.find((a) => a.Description === `Terminating EC2 instance: ${sick}`);
    expect(termination?.Cause).toMatch(/ELB system health check failure/);
    expect(activities.filter((a) => a.Description?.startsWith('Launching')).length).toBeGreaterThanOrEqual(4);
  });

  it('ignores ELB health when the health check type is EC2', async () => {
    // Prepare
    cloud.apps.set('1.0.0', { healthy: false });
    // Act
    await createGroup(w, 'g', { DesiredCapacity: 1, TargetGroupARNs: [tg] });
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 1);
    await elapse(cloud, 300_000);
    // Assess
    expect(Object.values(await targets(tg))).toEqual(['unhealthy']);
    expect(inService(await describeGroup('g'))).toEqual(inService(up));
  });

  it('attaches and detaches target groups and traffic sources', async () => {
    // Prepare
    const other = await servedTargetGroup('web-v002', false);
    await createGroup(w, 'g', { DesiredCapacity: 1 });
    const id = inService(await waitForGroup(cloud, 'g', (g) => inService(g).length === 1))[0] as string;
    // Act
    await asg().send(new AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'g', TargetGroupARNs: [tg] }));
    await asg().send(new AttachTrafficSourcesCommand({ AutoScalingGroupName: 'g', TrafficSources: [{ Identifier: other }] }));
    const registered = [await targets(tg), await targets(other)];
    const listed = (await asg().send(new DescribeLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'g' }))).LoadBalancerTargetGroups;
    const wrongApi = await asg().send(new DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: 'g', TargetGroupARNs: [other] })).catch((e: Error) => e.name);
    const notAttached = await asg()
      .send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: 'g', TrafficSources: [{ Identifier: tg.replace('web-v001', 'web-v009') }] }))
      .catch((e: Error) => e.name);
    const missing = await asg().send(new AttachTrafficSourcesCommand({ AutoScalingGroupName: 'g', TrafficSources: [{ Identifier: `${other}0` }] })).catch((e: Error) => e.name);
    await asg().send(new DetachTrafficSourcesCommand({ AutoScalingGroupName: 'g', TrafficSources: [{ Identifier: other }] }));
    const removing = (await asg().send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'g' }))).TrafficSources?.map((t) => t.State);
    await elapse(cloud, 40_000);
    const after = (await asg().send(new DescribeTrafficSourcesCommand({ AutoScalingGroupName: 'g' }))).TrafficSources?.map((t) => t.Identifier);
    // Assess
    expect(registered).toEqual([{ [id]: 'initial' }, { [id]: 'unused' }]);
    expect(listed?.map((t) => t.LoadBalancerTargetGroupARN)).toEqual([tg, other]);
    expect([wrongApi, notAttached, missing]).toEqual(['ValidationError', 'ValidationError', 'ValidationError']);
    expect(removing).toEqual(['Added', 'Removing']);
    expect(after).toEqual([tg]);
    expect(await targets(other)).toEqual({});
  });

  it('does not register instances launched while AddToLoadBalancer is suspended', async () => {
    // Prepare
    await createGroup(w, 'g', { TargetGroupARNs: [tg] });
    await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['AddToLoadBalancer'] }));
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    await waitForGroup(cloud, 'g', (g) => inService(g).length === 1);
    // Assess
    expect(await targets(tg)).toEqual({});
  });
});
