import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  GetConsoleOutputCommand,
  paginateDescribeInstances,
  RunInstancesCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { b64, ec2, elapse, expectCode, settle, world } from './ec2-helpers.js';

describe('EC2 instances', () => {
  const cloud = cloudPerTest({ seed: 11 });
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });

  const run = (extra: Record<string, unknown> = {}) =>
    ec2().send(new RunInstancesCommand({ ImageId: w.imageId, InstanceType: 't3.micro', SubnetId: w.subnetId, MinCount: 1, MaxCount: 1, ...extra }));
  const stateOf = async (id: string) =>
    (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;

  it('launches pending instances that run after the release boot time', async () => {
    // Prepare
    cloud.apps.set('1.0.0', { bootSeconds: 40 });
    // Act
    const out = await run({
      MaxCount: 2,
      SecurityGroupIds: [w.sgId],
      IamInstanceProfile: { Name: 'web' },
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    });
    // Assess
    const insts = out.Instances ?? [];
    expect(insts).toHaveLength(2);
    expect(insts[0]).toMatchObject({
      State: { Code: 0, Name: 'pending' },
      SubnetId: w.subnetId,
      VpcId: w.vpcId,
      SecurityGroups: [{ GroupId: w.sgId, GroupName: 'web' }],
      IamInstanceProfile: { Arn: 'arn:aws:iam::123456789012:instance-profile/web' },
      Tags: [{ Key: 'Name', Value: 'web' }],
      Placement: { AvailabilityZone: 'us-east-1a' },
    });
    expect(insts[0]?.PrivateIpAddress).toMatch(/^10\.0\.1\.\d+$/);
    const id = insts[0]?.InstanceId as string;
    await elapse(cloud, 39_999);
    expect(await stateOf(id)).toBe('pending');
    await elapse(cloud, 1);
    expect(await stateOf(id)).toBe('running');
  });

  it('stops, starts and terminates on the clock, keeping terminated instances visible for an hour', async () => {
    // Prepare
    const id = (await run()).Instances?.[0]?.InstanceId as string;
    await elapse(cloud, 30_000);
    // Act: stop
    const stop = await ec2().send(new StopInstancesCommand({ InstanceIds: [id] }));
    // Assess
    expect(stop.StoppingInstances?.[0]).toMatchObject({ PreviousState: { Name: 'running' }, CurrentState: { Code: 64, Name: 'stopping' } });
    await elapse(cloud, 10_000);
    const stopped = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(stopped?.State?.Name).toBe('stopped');
    expect(stopped?.StateReason?.Code).toBe('Client.UserInitiatedShutdown');
    expect(stopped?.StateTransitionReason).toBe('User initiated (2026-11-26 09:00:30 GMT)');
    // Act: start
    const start = await ec2().send(new StartInstancesCommand({ InstanceIds: [id] }));
    expect(start.StartingInstances?.[0]).toMatchObject({ PreviousState: { Name: 'stopped' }, CurrentState: { Name: 'pending' } });
    await elapse(cloud, 30_000);
    expect(await stateOf(id)).toBe('running');
    // Act: terminate (twice: idempotent)
    const term = await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const again = await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    // Assess
    expect(term.TerminatingInstances?.[0]).toMatchObject({ PreviousState: { Name: 'running' }, CurrentState: { Code: 32, Name: 'shutting-down' } });
    expect(again.TerminatingInstances?.[0]?.CurrentState?.Name).toBe('shutting-down');
    await elapse(cloud, 5_000);
    expect(await stateOf(id)).toBe('terminated');
    await elapse(cloud, 3_600_000);
    await expectCode(ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] })), 'InvalidInstanceID.NotFound');
  });

  it('rejects state changes the instance cannot make', async () => {
    // Prepare
    const id = (await run()).Instances?.[0]?.InstanceId as string;
    // Act / Assess: pending cannot be stopped
    await expectCode(ec2().send(new StopInstancesCommand({ InstanceIds: [id] })), 'IncorrectInstanceState');
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await expectCode(ec2().send(new StartInstancesCommand({ InstanceIds: [id] })), 'IncorrectInstanceState');
  });

  it('honours termination and stop protection', async () => {
    // Prepare
    const id = (await run({ DisableApiTermination: true, DisableApiStop: true })).Instances?.[0]?.InstanceId as string;
    await elapse(cloud, 30_000);
    // Act / Assess
    await expectCode(ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] })), 'OperationNotPermitted');
    await expectCode(ec2().send(new StopInstancesCommand({ InstanceIds: [id] })), 'OperationNotPermitted');
    expect(await stateOf(id)).toBe('running');
  });

  it('fails a whole TerminateInstances call when one id is unknown or malformed', async () => {
    // Prepare
    const id = (await run()).Instances?.[0]?.InstanceId as string;
    // Act / Assess
    await expectCode(ec2().send(new TerminateInstancesCommand({ InstanceIds: [id, 'i-0123456789abcdef0'] })), 'InvalidInstanceID.NotFound');
    await expectCode(ec2().send(new TerminateInstancesCommand({ InstanceIds: [id, 'bogus'] })), 'InvalidInstanceID.Malformed');
    expect(await stateOf(id)).toBe('pending');
  });

  it('returns the same reservation for a repeated ClientToken and rejects a changed request', async () => {
    // Prepare
    const first = await run({ ClientToken: 'deploy-1' });
    // Act
    const second = await run({ ClientToken: 'deploy-1' });
    // Assess
    expect(second.ReservationId).toBe(first.ReservationId);
    expect(second.Instances?.map((i) => i.InstanceId)).toEqual(first.Instances?.map((i) => i.InstanceId));
    const byToken = await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: ['deploy-1'] }] }));
    expect(byToken.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(1);
    await expectCode(run({ ClientToken: 'deploy-1', InstanceType: 't3.large' }), 'IdempotentParameterMismatch');
  });

  it('does not double-launch when the SDK retries a RunInstances whose response was lost', async () => {
    // Prepare: the first attempt takes effect, then fails with a 5xx; the SDK retries with the same token.
    // (The token is explicit: the router passes the command input, where the SDK's auto-filled token is absent.)
    cloud.faults.add({ service: 'ec2', operation: 'RunInstances', error: 'InternalError', status: 500, phase: 'after' });
    // Act
    const out = await settle(cloud, run({ ClientToken: 'launch-web-1' }));
    // Assess
    const all = await ec2().send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual([out.Instances?.[0]?.InstanceId]);
  });

  it('validates RunInstances parameters', async () => {
    // Act / Assess
    await expectCode(run({ MinCount: 0 }), 'InvalidParameterValue');
    await expectCode(run({ MinCount: 3, MaxCount: 2 }), 'InvalidParameterValue');
    await expectCode(run({ ImageId: undefined }), 'MissingParameter');
    await expectCode(run({ ImageId: 'ami-0123456789abcdef0' }), 'InvalidAMIID.NotFound');
    await expectCode(run({ ImageId: 'image-1' }), 'InvalidAMIID.Malformed');
    await expectCode(run({ SubnetId: 'subnet-0123456789abcdef0' }), 'InvalidSubnetID.NotFound');
    await expectCode(run({ SecurityGroupIds: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
    await expectCode(run({ UserData: 'not base64!' }), 'InvalidParameterValue');
    await expectCode(run({ UserData: b64('x'.repeat(16 * 1024 + 1)) }), 'InvalidParameterValue');
    await expectCode(run({ InstanceInitiatedShutdownBehavior: 'hibernate' }), 'InvalidParameterValue');
    await expectCode(run({ TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'a', Value: 'b' }] }] }), 'InvalidParameterValue');
    await expectCode(run({ TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'aws:x', Value: 'b' }] }] }), 'InvalidParameterValue');
    await expectCode(run({ DryRun: true }), 'DryRunOperation');
    // Nothing was launched by any of them.
    expect((await ec2().send(new DescribeInstancesCommand({}))).Reservations).toEqual([]);
  });

  it('launches from a launch template, with request parameters overriding it', async () => {
    // Prepare
    const lt = await ec2().send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'web',
        LaunchTemplateData: {
          ImageId: w.imageId,
          InstanceType: 't3.small',
          SecurityGroupIds: [w.sgId],
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'web' }, { Key: 'Name', Value: 'lt' }] }],
        },
      }),
    );
    // Act
    const out = await ec2().send(
      new RunInstancesCommand({
        LaunchTemplate: { LaunchTemplateName: 'web', Version: '$Latest' },
        SubnetId: w.subnetId,
        InstanceType: 't3.large',
        MinCount: 1,
        MaxCount: 1,
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'req' }] }],
      }),
    );
    // Assess
    const inst = out.Instances?.[0];
    expect(inst).toMatchObject({ ImageId: w.imageId, InstanceType: 't3.large', SecurityGroups: [{ GroupId: w.sgId }] });
    expect(Object.fromEntries((inst?.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      team: 'web',
      Name: 'req',
      'aws:ec2launchtemplate:id': lt.LaunchTemplate?.LaunchTemplateId,
      'aws:ec2launchtemplate:version': '1',
    });
  });

  it('filters, paginates and rejects bad DescribeInstances requests', async () => {
    // Prepare
    const a = await run({ MaxCount: 4, TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'web' }] }] });
    await run({ MaxCount: 3 });
    const ids = a.Instances?.map((i) => i.InstanceId as string) ?? [];
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [ids[0] as string] }));
    // Act
    const tagged = await ec2().send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'tag:app', Values: ['w*'] },
          { Name: 'instance-state-name', Values: ['pending', 'running'] },
        ],
      }),
    );
    const pages: string[][] = [];
    for await (const page of paginateDescribeInstances({ client: ec2(), pageSize: 5 }, {})) {
      pages.push(page.Reservations?.flatMap((r) => r.Instances?.map((i) => i.InstanceId as string) ?? []) ?? []);
    }
    const withKey = await ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag-key', Values: ['app'] }, { Name: 'image-id', Values: [w.imageId] }] }));
    // Assess
    expect(tagged.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId)).toEqual(ids.slice(1));
    expect(pages.map((p) => p.length)).toEqual([5, 2]);
    expect(withKey.Reservations?.[0]?.Instances).toHaveLength(4);
    await expectCode(ec2().send(new DescribeInstancesCommand({ InstanceIds: ids, MaxResults: 5 })), 'InvalidParameterCombination');
    await expectCode(ec2().send(new DescribeInstancesCommand({ MaxResults: 4 })), 'InvalidParameterValue');
    await expectCode(ec2().send(new DescribeInstancesCommand({ Filters: [{ Name: 'colour', Values: ['red'] }] })), 'InvalidParameterValue');
    await expect(ec2().send(new DescribeInstancesCommand({ InstanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'] }))).rejects.toThrow(
      "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist",
    );
    await expectCode(ec2().send(new DescribeInstancesCommand({ InstanceIds: ['i-xyz'] })), 'InvalidInstanceID.Malformed');
  });

  it('fails the next launches to boot when asked (failBoots)', async () => {
    // Prepare
    cloud.ec2.failBoots(1);
    // Act
    const out = await run({ MaxCount: 2 });
    await elapse(cloud, 30_000);
    // Assess
    const [bad, good] = (await ec2().send(new DescribeInstancesCommand({}))).Reservations?.[0]?.Instances ?? [];
    expect(bad?.State?.Name).toBe('shutting-down');
    expect(bad?.StateReason?.Code).toBe('Server.InternalError');
    expect(good?.State?.Name).toBe('running');
    await elapse(cloud, 5_000);
    expect(await stateOf(out.Instances?.[0]?.InstanceId as string)).toBe('terminated');
    const console = await ec2().send(new GetConsoleOutputCommand({ InstanceId: bad?.InstanceId }));
    expect(Buffer.from(console.Output ?? '', 'base64').toString()).toMatch(/Kernel panic/);
  });

  it('answers DescribeInstances through SDK retries when throttled', async () => {
    // Prepare
    await run();
    cloud.faults.throttle('ec2', 'DescribeInstances', 2);
    // Act
    const out = await settle(cloud, ec2().send(new DescribeInstancesCommand({})));
    // Assess
    expect(out.$metadata.attempts).toBe(3);
    expect(out.Reservations).toHaveLength(1);
    expect(cloud.log.calls.filter((c) => c.operation === 'DescribeInstances').map((c) => c.outcome)).toEqual([
      'RequestLimitExceeded',
      'RequestLimitExceeded',
      'ok',
    ]);
  });
});

describe('EC2 internal methods for Auto Scaling and ELBv2', () => {
  const cloud = cloudPerTest({ seed: 12 });
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world('2.0.0');
    await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: w.imageId, InstanceType: 't3.micro' } }));
  });

  it('launches for a group, reports state changes and answers once the app has started', async () => {
    // Prepare
    cloud.apps.set('2.0.0', { bootSeconds: 20, appStartSeconds: 10 });
    const seen: string[] = [];
    cloud.ec2.onStateChange((id, state) => seen.push(`${id}:${state}`));
    const second: string[] = [];
    cloud.ec2.onStateChange((_id, state) => second.push(state));
    // Act
    const id = cloud.ec2.launchForGroup({
      launchTemplate: { LaunchTemplateName: 'web' },
      subnetId: w.subnetId,
      instanceType: 'c5.large',
      groupName: 'web-prod-v001',
      tags: [{ Key: 'redblack:cluster', Value: 'web-prod' }],
    });
    // Assess
    expect(cloud.ec2.instanceState(id)).toBe('pending');
    await elapse(cloud, 20_000);
    expect(cloud.ec2.instanceState(id)).toBe('running');
    expect(cloud.ec2.appAnswering(id)).toBe(false);
    await elapse(cloud, 10_000);
    expect(cloud.ec2.appAnswering(id)).toBe(true);
    const inst = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(inst?.InstanceType).toBe('c5.large');
    expect(inst?.Placement?.AvailabilityZone).toBe('us-east-1a');
    expect(Object.fromEntries((inst?.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      'aws:autoscaling:groupName': 'web-prod-v001',
      'redblack:cluster': 'web-prod',
      'aws:ec2launchtemplate:version': '1',
    });
    cloud.ec2.terminateForGroup(id);
    expect(cloud.ec2.appAnswering(id)).toBe(false);
    await elapse(cloud, 5_000);
    expect(seen).toEqual([`${id}:pending`, `${id}:running`, `${id}:shutting-down`, `${id}:terminated`]);
    expect(second).toHaveLength(4);
    expect(cloud.ec2.instanceState('i-0123456789abcdef0')).toBeUndefined();
  });

  it('never answers for an unhealthy release and fails group launches too (failBoots)', async () => {
    // Prepare
    cloud.apps.set('2.0.0', { healthy: false });
    cloud.ec2.failBoots(1);
    // Act
    const failing = cloud.ec2.launchForGroup({ launchTemplate: { LaunchTemplateName: 'web', Version: '$Latest' }, subnetId: w.subnetId, groupName: 'g', tags: [] });
    const unhealthy = cloud.ec2.launchForGroup({ launchTemplate: { LaunchTemplateName: 'web', Version: '1' }, subnetId: w.subnetId, groupName: 'g', tags: [] });
    await elapse(cloud, 600_000);
    // Assess
    expect(cloud.ec2.instanceState(failing)).toBe('terminated');
    expect(cloud.ec2.instanceState(unhealthy)).toBe('running');
    expect(cloud.ec2.appAnswering(unhealthy)).toBe(false);
  });

  it('throws the EC2 error for an unknown template or version', () => {
    // Act / Assess
    expect(() => cloud.ec2.launchForGroup({ launchTemplate: { LaunchTemplateName: 'nope' }, subnetId: w.subnetId, groupName: 'g', tags: [] })).toThrow(
      expect.objectContaining({ code: 'InvalidLaunchTemplateName.NotFoundException' }),
    );
    expect(() => cloud.ec2.launchForGroup({ launchTemplate: { LaunchTemplateName: 'web', Version: '7' }, subnetId: w.subnetId, groupName: 'g', tags: [] })).toThrow(
      expect.objectContaining({ code: 'InvalidLaunchTemplateId.VersionNotFound' }),
    );
  });

  // How fast it runs is measured by `npm run bench:cloud` (never by a timed unit test).
  it('boots 100 instances of a group and keeps their app answering through a simulated hour', async () => {
    // Prepare
    const ids = Array.from({ length: 100 }, () =>
      cloud.ec2.launchForGroup({ launchTemplate: { LaunchTemplateName: 'web' }, subnetId: w.subnetId, groupName: 'big', tags: [] }),
    );
    // Act
    await elapse(cloud, 3_600_000);
    // Assess
    expect(ids.every((id) => cloud.ec2.appAnswering(id))).toBe(true);
  });
});
