import {
  CompleteLifecycleActionCommand,
  DeleteLifecycleHookCommand,
  DeleteAutoScalingGroupCommand,
  DescribeAutoScalingInstancesCommand,
  DescribeScalingActivitiesCommand,
  PutLifecycleHookCommand,
  RecordLifecycleActionHeartbeatCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  TerminateInstanceInAutoScalingGroupCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { asg, type AsgWorld, asgWorld, createGroup, describeGroup, ec2, elapse, inService, waitForGroup } from './autoscaling-helpers.js';

const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

describe('Auto Scaling groups: instances on the virtual clock', () => {
  const cloud = cloudPerTest({ seed: 5 });
  let w: AsgWorld;
  beforeEach(async () => {
    w = await asgWorld();
  });

  const ec2Instance = async (id: string) => (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
  const states = (g: Awaited<ReturnType<typeof describeGroup>>) => (g?.Instances ?? []).map((i) => i.LifecycleState);

  it('launches a 4-instance group spread over the subnets, InService once booted', async () => {
    // Prepare
    cloud.apps.set('1.0.0', { bootSeconds: 40 });
    const changes: string[] = [];
    cloud.hooks.on('groupChanged', (e) => changes.push(e.name));
    // Act
    await createGroup(w, 'web-v001', { MinSize: 4, MaxSize: 4, Tags: [{ Key: 'team', Value: 'web', PropagateAtLaunch: true }, { Key: 'secret', Value: 'x', PropagateAtLaunch: false }] });
    await elapse(cloud, 39_000);
    const booting = await describeGroup('web-v001');
    await elapse(cloud, 1_000);
    const booted = await describeGroup('web-v001');
    // Assess
    expect(states(booting)).toEqual(['Pending', 'Pending', 'Pending', 'Pending']);
    expect(states(booted)).toEqual(['InService', 'InService', 'InService', 'InService']);
    const zones = (booted?.Instances ?? []).map((i) => i.AvailabilityZone).sort();
    expect(zones).toEqual(['us-east-1a', 'us-east-1a', 'us-east-1b', 'us-east-1b']);
    expect(booted?.Instances?.[0]).toMatchObject({
      InstanceType: 't3.micro',
      HealthStatus: 'Healthy',
      ProtectedFromScaleIn: false,
      LaunchTemplate: { LaunchTemplateId: w.templateId, LaunchTemplateName: 'web', Version: '1' },
    });
    const tags = (await ec2Instance(booted?.Instances?.[0]?.InstanceId as string))?.Tags ?? [];
    expect(tags).toEqual(expect.arrayContaining([{ Key: 'aws:autoscaling:groupName', Value: 'web-v001' }, { Key: 'team', Value: 'web' }]));
    expect(tags.map((t) => t.Key)).not.toContain('secret');
    const activities = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'web-v001' }))).Activities ?? [];
    expect(activities).toHaveLength(4);
    expect(activities.every((a) => a.StatusCode === 'Successful' && /^Launching a new EC2 instance: i-/.test(a.Description ?? ''))).toBe(true);
    expect(activities[0]?.Cause).toMatch(/a user request created an AutoScalingGroup changing the desired capacity from 0 to 4/);
    expect(changes.length).toBeGreaterThanOrEqual(9);
    const details = await asg().send(new DescribeAutoScalingInstancesCommand({ MaxRecords: 3 }));
    expect(details.AutoScalingInstances).toHaveLength(3);
    expect(details.AutoScalingInstances?.[0]).toMatchObject({ AutoScalingGroupName: 'web-v001', HealthStatus: 'HEALTHY', LifecycleState: 'InService' });
    expect(details.NextToken).toBeDefined();
  });

  it('scales in by the OldestInstance policy, balancing zones, and terminates through EC2', async () => {
    // Prepare
    await createGroup(w, 'g', { MinSize: 0, MaxSize: 3, DesiredCapacity: 1, TerminationPolicies: ['OldestInstance'] });
    for (const n of [2, 3]) {
      await waitForGroup(cloud, 'g', (g) => inService(g).length === n - 1);
      await elapse(cloud, 60_000);
      await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: n }));
    }
    const full = await waitForGroup(cloud, 'g', (g) => inService(g).length === 3);
    const [first, second, third] = (full?.Instances ?? []).map((i) => i.InstanceId as string);
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    await elapse(cloud, 1);
    const terminating = await describeGroup('g');
    const shrunk = await waitForGroup(cloud, 'g', (g) => g?.Instances?.length === 1);
    // Assess
    expect(terminating?.Instances?.filter((i) => i.LifecycleState === 'Terminating').map((i) => i.InstanceId).sort()).toEqual([first, second].sort());
    expect(shrunk?.Instances?.[0]?.InstanceId).toBe(third);
    expect((await ec2Instance(first as string))?.State?.Name).toBe('terminated');
    const latest = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g', MaxRecords: 2 }))).Activities ?? [];
    expect(latest.map((a) => a.Description)).toEqual(expect.arrayContaining([`Terminating EC2 instance: ${first}`, `Terminating EC2 instance: ${second}`]));
    expect(latest[0]?.Cause).toMatch(/shrinking the capacity from 3 to 1/);
  });

  it('keeps scale-in protected instances', async () => {
    // Prepare
    await createGroup(w, 'g', { MinSize: 0, MaxSize: 2, DesiredCapacity: 2, NewInstancesProtectedFromScaleIn: true });
    await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 0 }));
    await elapse(cloud, 120_000);
    // Assess
    const g = await describeGroup('g');
    expect(states(g)).toEqual(['InService', 'InService']);
    expect(g?.Instances?.every((i) => i.ProtectedFromScaleIn)).toBe(true);
  });

  it('launches nothing while Launch is suspended, and catches up on resume', async () => {
    // Prepare
    await createGroup(w, 'g');
    await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launch'] }));
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 2 }));
    await elapse(cloud, 300_000);
    const suspended = await describeGroup('g');
    await asg().send(new ResumeProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launch'] }));
    const resumed = await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    // Assess
    expect(suspended?.Instances).toEqual([]);
    expect(suspended?.DesiredCapacity).toBe(2);
    expect(resumed?.SuspendedProcesses).toEqual([]);
  });

  it('holds a launching instance in Pending:Wait until CompleteLifecycleAction', async () => {
    // Prepare
    await createGroup(w, 'g');
    await asg().send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm', LifecycleTransition: LAUNCHING, HeartbeatTimeout: 300 }));
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    const waiting = await waitForGroup(cloud, 'g', (g) => states(g)[0] === 'Pending:Wait');
    const id = waiting?.Instances?.[0]?.InstanceId as string;
    // Act
    await elapse(cloud, 250_000);
    await asg().send(new RecordLifecycleActionHeartbeatCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm', InstanceId: id }));
    await elapse(cloud, 250_000);
    const stillWaiting = await describeGroup('g');
    const wrong = await asg()
      .send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm', InstanceId: 'i-0000000000000000f', LifecycleActionResult: 'CONTINUE' }))
      .catch((e: Error) => e.name);
    await asg().send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm', InstanceId: id, LifecycleActionResult: 'CONTINUE' }));
    const done = await describeGroup('g');
    // Assess
    expect(states(stillWaiting)).toEqual(['Pending:Wait']);
    expect(wrong).toBe('ValidationError');
    expect(done?.Instances?.[0]).toMatchObject({ InstanceId: id, LifecycleState: 'InService' });
  });

  it('abandons a launch when the hook times out, and replaces the instance', async () => {
    // Prepare
    await createGroup(w, 'g', { LifecycleHookSpecificationList: [{ LifecycleHookName: 'warm', LifecycleTransition: LAUNCHING, HeartbeatTimeout: 60 }] });
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    const waiting = await waitForGroup(cloud, 'g', (g) => states(g)[0] === 'Pending:Wait');
    const id = waiting?.Instances?.[0]?.InstanceId as string;
    // Act
    const replaced = await waitForGroup(cloud, 'g', (g) => (g?.Instances ?? []).some((i) => i.InstanceId !== id && i.LifecycleState === 'Pending:Wait'));
    // Assess
    expect(replaced?.Instances?.map((i) => i.InstanceId)).not.toContain(id);
    const activities = (await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g' }))).Activities ?? [];
    const launch = activities.find((a) => a.Description === `Launching a new EC2 instance: ${id}`);
    expect(launch).toMatchObject({ StatusCode: 'Failed', StatusMessage: expect.stringMatching(/ABANDON/) });
  });

  it('abandons outstanding launch actions when their hook is deleted', async () => {
    // Prepare
    await createGroup(w, 'g', { LifecycleHookSpecificationList: [{ LifecycleHookName: 'warm', LifecycleTransition: LAUNCHING, DefaultResult: 'CONTINUE' }] });
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 1 }));
    const waiting = await waitForGroup(cloud, 'g', (g) => states(g)[0] === 'Pending:Wait');
    const id = waiting?.Instances?.[0]?.InstanceId as string;
    // Act
    await asg().send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm' }));
    const replaced = await waitForGroup(cloud, 'g', (g) => inService(g).length === 1 && g?.Instances?.length === 1);
    // Assess
    expect(inService(replaced)).not.toContain(id);
    expect(cloud.ec2.instanceState(id)).toMatch(/shutting-down|terminated/);
  });

  it('waits in Terminating:Wait for a termination hook before terminating the instance', async () => {
    // Prepare
    await createGroup(w, 'g', { DesiredCapacity: 1 });
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 1);
    const id = up?.Instances?.[0]?.InstanceId as string;
    await asg().send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'drain', LifecycleTransition: TERMINATING, DefaultResult: 'CONTINUE' }));
    // Act
    await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 0 }));
    const waiting = await waitForGroup(cloud, 'g', (g) => states(g)[0] === 'Terminating:Wait');
    const ec2While = (await ec2Instance(id))?.State?.Name;
    await asg().send(new CompleteLifecycleActionCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'drain', InstanceId: id, LifecycleActionResult: 'CONTINUE' }));
    const empty = await waitForGroup(cloud, 'g', (g) => g?.Instances?.length === 0);
    // Assess
    expect(waiting?.Instances?.[0]?.InstanceId).toBe(id);
    expect(ec2While).toBe('running');
    expect(empty?.Instances).toEqual([]);
    expect((await ec2Instance(id))?.State?.Name).toBe('terminated');
  });

  it('replaces instances that fail to boot', async () => {
    // Prepare
    cloud.ec2.failBoots(1);
    // Act
    await createGroup(w, 'g', { DesiredCapacity: 2 });
    const g = await waitForGroup(cloud, 'g', (x) => inService(x).length === 2);
    // Assess
    const launches = ((await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g' }))).Activities ?? []).filter((a) =>
      a.Description?.startsWith('Launching'),
    );
    expect(launches).toHaveLength(3);
    const failed = launches.map((a) => a.Description?.split(': ')[1] as string).find((id) => !inService(g).includes(id));
    expect((await ec2Instance(failed as string))?.State?.Name).toMatch(/shutting-down|terminated/);
    const terminations = ((await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g' }))).Activities ?? []).filter((a) =>
      a.Description?.startsWith('Terminating'),
    );
    expect(terminations[0]?.Cause).toMatch(/EC2 health check/);
  });

  it('replaces an instance stopped behind its back (EC2 health check)', async () => {
    // Prepare
    await createGroup(w, 'g', { DesiredCapacity: 1 });
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 1);
    const id = up?.Instances?.[0]?.InstanceId as string;
    // Act
    await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
    const replaced = await waitForGroup(cloud, 'g', (g) => inService(g).length === 1 && !inService(g).includes(id));
    // Assess
    expect(replaced?.Instances?.map((i) => i.InstanceId)).not.toContain(id);
  });

  it('terminates a given instance, with or without decrementing the desired capacity', async () => {
    // Prepare
    await createGroup(w, 'g', { MinSize: 1, DesiredCapacity: 2 });
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    const [a, b] = inService(up);
    // Act
    const out = await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: a, ShouldDecrementDesiredCapacity: true }));
    const belowMin = await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b, ShouldDecrementDesiredCapacity: true })).catch((e: Error) => e.name);
    await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: b, ShouldDecrementDesiredCapacity: false }));
    const unknown = await asg().send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: 'i-0000000000000000f', ShouldDecrementDesiredCapacity: false })).catch((e: Error) => e.name);
    const after = await waitForGroup(cloud, 'g', (g) => g?.Instances?.length === 1 && inService(g).length === 1);
    // Assess
    expect(out.Activity).toMatchObject({ Description: `Terminating EC2 instance: ${a}`, Cause: expect.stringMatching(/user request, shrinking the capacity from 2 to 1/) });
    expect(belowMin).toBe('ValidationError');
    expect(unknown).toBe('ValidationError');
    expect(after?.DesiredCapacity).toBe(1);
    expect(inService(after)).not.toContain(a);
    expect(inService(after)).not.toContain(b);
  });

  it('refuses to delete a group with instances or activities, and force-deletes it', async () => {
    // Prepare
    await createGroup(w, 'g', { DesiredCapacity: 2 });
    await elapse(cloud, 1_000);
    const busy = await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'g' })).catch((e: Error) => e.name);
    const up = await waitForGroup(cloud, 'g', (g) => inService(g).length === 2);
    const inUse = await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'g' })).catch((e: Error) => e.name);
    // Act
    await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'g', ForceDelete: true }));
    const deleting = await describeGroup('g');
    const update = await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', MaxSize: 5 })).catch((e: Error) => e.name);
    await waitForGroup(cloud, 'g', (g) => g === undefined);
    // Assess
    expect(busy).toBe('ScalingActivityInProgressFault');
    expect(inUse).toBe('ResourceInUseFault');
    expect(deleting).toMatchObject({ Status: 'Delete in progress', DesiredCapacity: 0 });
    expect(update).toBe('ScalingActivityInProgressFault');
    for (const id of inService(up)) expect((await ec2Instance(id))?.State?.Name).toBe('terminated');
    const kept = await asg().send(new DescribeScalingActivitiesCommand({ AutoScalingGroupName: 'g', IncludeDeletedGroups: true }));
    expect(kept.Activities).toHaveLength(4);
    expect(cloud.autoscaling.groupNames()).toEqual([]);
  });

  // How fast it runs is measured by `npm run bench:cloud` (never by a timed unit test).
  it('keeps a 100-instance group in service through a simulated hour', async () => {
    // Prepare
    await createGroup(w, 'big', { MinSize: 100, MaxSize: 100, DesiredCapacity: 100 });
    // Act
    await elapse(cloud, 3_600_000);
    // Assess
    const g = await describeGroup('big');
    expect(inService(g)).toHaveLength(100);
  });
});
