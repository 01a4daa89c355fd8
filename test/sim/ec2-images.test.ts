import {
  CreateImageCommand,
  DeleteSnapshotCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  GetConsoleOutputCommand,
  paginateDescribeImages,
  RegisterImageCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { b64, ec2, elapse, expectCode, world } from './ec2-helpers.js';

describe('EC2 images, snapshots and bake builders', () => {
  const cloud = cloudPerTest({ seed: 21 });
  let w: Awaited<ReturnType<typeof world>>;
  /** What the builders asked S3 (stubbed: these tests are about EC2); keys with "missing" do not exist. */
  let s3Calls: [string, string, string | undefined][];
  beforeEach(async () => {
    w = await world('1.0.0');
    s3Calls = [];
    cloud.s3.objectExists = (bucket: string, key: string, versionId?: string) => (s3Calls.push([bucket, key, versionId]), !key.includes('missing'));
  });

  const launch = async (userData?: string, extra: Record<string, unknown> = {}) =>
    (
      await ec2().send(
        new RunInstancesCommand({ ImageId: w.imageId, InstanceType: 't3.micro', SubnetId: w.subnetId, MinCount: 1, MaxCount: 1, UserData: userData, ...extra }),
      )
    ).Instances?.[0]?.InstanceId as string;
  const instance = async (id: string) => (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
  const consoleText = async (id: string) =>
    Buffer.from((await ec2().send(new GetConsoleOutputCommand({ InstanceId: id }))).Output ?? '', 'base64').toString();
  const image = async (id: string) => (await ec2().send(new DescribeImagesCommand({ ImageIds: [id] }))).Images?.[0];
  const builderData = (extra = '', file = 'web-1.1.0.tgz') =>
    b64(`#!/bin/bash\nREDBLACK_ARTIFACT='s3://artifacts/releases/web-prod/1.1.0/${file}'\n${extra}/opt/install.sh\n`);

  it('registers an image that is available at once, with a snapshot per EBS device', async () => {
    // Act
    const img = await image(w.imageId);
    // Assess
    expect(img).toMatchObject({
      Name: 'base-1.0.0',
      State: 'available',
      OwnerId: '123456789012',
      Architecture: 'x86_64',
      RootDeviceName: '/dev/xvda',
      RootDeviceType: 'ebs',
      Tags: [{ Key: 'redblack:release', Value: '1.0.0' }],
    });
    const snapId = img?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    const snaps = await ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: [snapId] }));
    expect(snaps.Snapshots?.[0]).toMatchObject({ State: 'completed', VolumeSize: 8 });
  });

  it('bakes: a builder installs the artifact, reports on its console and stops itself', async () => {
    // Prepare
    cloud.apps.set('1.1.0', { installSeconds: 200 });
    // Act
    const id = await launch(builderData('REDBLACK_ARTIFACT_VERSION=v42\n'));
    await elapse(cloud, 30_000 + 199_999);
    // Assess: still installing
    expect((await instance(id))?.State?.Name).toBe('running');
    expect(await consoleText(id)).not.toMatch(/redblack-bake: (ok|failed)/);
    await elapse(cloud, 1);
    expect(s3Calls).toEqual([['artifacts', 'releases/web-prod/1.1.0/web-1.1.0.tgz', 'v42']]);
    expect(await consoleText(id)).toMatch(/^redblack-bake: ok\r?$/m);
    const stopping = await instance(id);
    expect(stopping?.State?.Name).toBe('stopping');
    expect(stopping?.StateReason?.Code).toBe('Client.InstanceInitiatedShutdown');
    await elapse(cloud, 10_000);
    expect((await instance(id))?.State?.Name).toBe('stopped');
  });

  it('an image created from a successful builder carries the artifact release to its instances', async () => {
    // Prepare
    cloud.apps.set('1.1.0', { healthy: false });
    const builder = await launch(builderData());
    await elapse(cloud, 30_000 + 120_000 + 10_000);
    const { ImageId } = await ec2().send(new CreateImageCommand({ InstanceId: builder, Name: 'redblack/web-prod/1.1.0/d-1' }));
    await elapse(cloud, 60_000);
    // Act
    const fromImage = (
      await ec2().send(new RunInstancesCommand({ ImageId, InstanceType: 't3.micro', SubnetId: w.subnetId, MinCount: 1, MaxCount: 1 }))
    ).Instances?.[0]?.InstanceId as string;
    await elapse(cloud, 600_000);
    // Assess: release 1.1.0 (set unhealthy) decides the app, not the base image's 1.0.0
    expect(cloud.ec2.instanceState(fromImage)).toBe('running');
    expect(cloud.ec2.appAnswering(fromImage)).toBe(false);
  });

  it('reports a failed bake when the artifact is missing or the install fails, and honours terminate behaviour', async () => {
    // Prepare
    const missing = await launch(builderData('', 'missing.tgz'));
    cloud.apps.set('1.1.0', { installFails: true });
    const failing = await launch(builderData(), { InstanceInitiatedShutdownBehavior: 'terminate' });
    // Act
    await elapse(cloud, 30_000 + 120_000);
    // Assess
    expect(await consoleText(missing)).toMatch(/^redblack-bake: failed: .*not found/m);
    expect(await consoleText(failing)).toMatch(/^redblack-bake: failed: install command exited with status 1/m);
    expect((await instance(failing))?.State?.Name).toBe('shutting-down');
    await elapse(cloud, 5_000);
    expect((await instance(failing))?.State?.Name).toBe('terminated');
    await elapse(cloud, 5_000);
    expect((await instance(missing))?.State?.Name).toBe('stopped');
    // A failed builder's image keeps the base release: its instances run release 1.0.0 (healthy).
    const { ImageId } = await ec2().send(new CreateImageCommand({ InstanceId: missing, Name: 'failed-bake' }));
    await elapse(cloud, 60_000);
    const fromImage = cloud.ec2.store.images.get(ImageId as string);
    expect(cloud.ec2.store.releaseOf(fromImage)).toBe('1.0.0');
  });

  it('returns no console output before boot and boot lines after', async () => {
    // Prepare
    const id = await launch();
    // Act
    const before = await ec2().send(new GetConsoleOutputCommand({ InstanceId: id }));
    await elapse(cloud, 30_000);
    // Assess
    expect(before.Output).toBeUndefined();
    expect(await consoleText(id)).toMatch(/Linux version/);
    await expectCode(ec2().send(new GetConsoleOutputCommand({ InstanceId: 'i-0123456789abcdef0' })), 'InvalidInstanceID.NotFound');
  });

  it('creates an image pending for imageCreateSeconds, then available with completed snapshots', async () => {
    // Prepare
    cloud.ec2.imageCreateSeconds = 90;
    const id = await launch();
    await elapse(cloud, 30_000);
    // Act
    const { ImageId } = await ec2().send(
      new CreateImageCommand({
        InstanceId: id,
        Name: 'web (1.0) [test]',
        Description: 'a test image',
        TagSpecifications: [
          { ResourceType: 'image', Tags: [{ Key: 'redblack:cluster', Value: 'web-prod' }] },
          { ResourceType: 'snapshot', Tags: [{ Key: 'kind', Value: 'root' }] },
        ],
      }),
    );
    // Assess
    const pending = await image(ImageId as string);
    expect(pending).toMatchObject({ State: 'pending', SourceInstanceId: id, Tags: [{ Key: 'redblack:cluster', Value: 'web-prod' }] });
    const snapId = pending?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    const snap = (await ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: [snapId] }))).Snapshots?.[0];
    expect(snap).toMatchObject({ State: 'pending', Description: `Created by CreateImage(${id}) for ${ImageId}`, Tags: [{ Key: 'kind', Value: 'root' }] });
    await elapse(cloud, 89_999);
    expect((await image(ImageId as string))?.State).toBe('pending');
    await elapse(cloud, 1);
    expect((await image(ImageId as string))?.State).toBe('available');
    const done = await ec2().send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:kind', Values: ['root'] }] }));
    expect(done.Snapshots?.map((s) => s.State)).toEqual(['completed']);
  });

  it('fails the image when its source instance is terminated before it is available', async () => {
    // Prepare
    const id = await launch();
    await elapse(cloud, 30_000);
    const { ImageId } = await ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'doomed' }));
    // Act
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await elapse(cloud, 120_000);
    // Assess
    const img = await image(ImageId as string);
    expect(img?.State).toBe('failed');
    expect(img?.StateReason?.Code).toBe('Client.InstanceTerminated');
    await expectCode(ec2().send(new RunInstancesCommand({ ImageId, MinCount: 1, MaxCount: 1 })), 'InvalidAMIID.Unavailable');
  });

  it('rejects bad CreateImage requests', async () => {
    // Prepare
    const id = await launch();
    // Act / Assess
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'too-early' })), 'IncorrectInstanceState');
    await elapse(cloud, 30_000);
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'ab' })), 'InvalidAMIName.Malformed');
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'bad*name' })), 'InvalidAMIName.Malformed');
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'x'.repeat(129) })), 'InvalidAMIName.Malformed');
    await expect(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'base-1.0.0' }))).rejects.toMatchObject({
      name: 'InvalidAMIName.Duplicate',
      message: `AMI name base-1.0.0 is already in use by AMI ${w.imageId}`,
    });
    await expectCode(
      ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'ok-name', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] })),
      'InvalidParameterValue',
    );
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: 'i-0123456789abcdef0', Name: 'ok-name' })), 'InvalidInstanceID.NotFound');
    await expectCode(ec2().send(new CreateImageCommand({ InstanceId: id, Name: 'ok-name', DryRun: true })), 'DryRunOperation');
    expect((await ec2().send(new DescribeImagesCommand({ Owners: ['self'] }))).Images).toHaveLength(1);
  });

  it('describes images by owner, id, filters and pages, with AWS errors for bad ids', async () => {
    // Prepare
    for (let i = 0; i < 6; i++) {
      await ec2().send(
        new RegisterImageCommand({ Name: `web-${i}`, TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'parity', Value: i % 2 ? 'odd' : 'even' }] }] }),
      );
    }
    // Act
    const even = await ec2().send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'tag:parity', Values: ['even'] }] }));
    const named = await ec2().send(new DescribeImagesCommand({ Filters: [{ Name: 'name', Values: ['web-?'] }, { Name: 'state', Values: ['available'] }] }));
    const amazon = await ec2().send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    const pages: number[] = [];
    for await (const p of paginateDescribeImages({ client: ec2(), pageSize: 5 }, { Owners: ['self'] })) pages.push(p.Images?.length ?? 0);
    // Assess
    expect(even.Images?.map((i) => i.Name)).toEqual(['web-0', 'web-2', 'web-4']);
    expect(named.Images).toHaveLength(6);
    expect(amazon.Images).toEqual([]);
    expect(pages).toEqual([5, 2]);
    await expect(ec2().send(new DescribeImagesCommand({ ImageIds: ['ami-0123456789abcdef0'] }))).rejects.toMatchObject({
      name: 'InvalidAMIID.NotFound',
      message: "The image id '[ami-0123456789abcdef0]' does not exist",
    });
    await expectCode(ec2().send(new DescribeImagesCommand({ ImageIds: ['img-1'] })), 'InvalidAMIID.Malformed');
    await expectCode(ec2().send(new RegisterImageCommand({ Name: 'web-0' })), 'InvalidAMIName.Duplicate');
    await expectCode(ec2().send(new RegisterImageCommand({ Name: 'bad', Architecture: 'sparc' as never })), 'InvalidParameterValue');
  });

  it('deregisters images, deleting their snapshots on request, and guards snapshots in use', async () => {
    // Prepare
    const snapId = (await image(w.imageId))?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    const keep = (await ec2().send(new RegisterImageCommand({ Name: 'keep' }))).ImageId as string;
    const keepSnap = (await image(keep))?.BlockDeviceMappings?.[0]?.Ebs?.SnapshotId as string;
    // Act / Assess: in use
    await expect(ec2().send(new DeleteSnapshotCommand({ SnapshotId: snapId }))).rejects.toMatchObject({
      name: 'InvalidSnapshot.InUse',
      message: `The snapshot ${snapId} is currently in use by ${w.imageId}`,
    });
    const out = await ec2().send(new DeregisterImageCommand({ ImageId: w.imageId, DeleteAssociatedSnapshots: true }));
    expect(out.DeleteSnapshotResults).toEqual([{ SnapshotId: snapId, ReturnCode: 'success' }]);
    await expectCode(ec2().send(new DescribeImagesCommand({ ImageIds: [w.imageId] })), 'InvalidAMIID.NotFound');
    await expectCode(ec2().send(new DeregisterImageCommand({ ImageId: w.imageId })), 'InvalidAMIID.Unavailable');
    await expectCode(ec2().send(new RunInstancesCommand({ ImageId: w.imageId, MinCount: 1, MaxCount: 1 })), 'InvalidAMIID.Unavailable');
    await expectCode(ec2().send(new DescribeSnapshotsCommand({ SnapshotIds: [snapId] })), 'InvalidSnapshot.NotFound');
    // Deregistering without the flag leaves the snapshot, which can then be deleted.
    await ec2().send(new DeregisterImageCommand({ ImageId: keep }));
    await ec2().send(new DeleteSnapshotCommand({ SnapshotId: keepSnap }));
    await expectCode(ec2().send(new DeleteSnapshotCommand({ SnapshotId: keepSnap })), 'InvalidSnapshot.NotFound');
    await expectCode(ec2().send(new DeregisterImageCommand({ ImageId: 'ami-0123456789abcdef0' })), 'InvalidAMIID.NotFound');
    await expectCode(ec2().send(new RegisterImageCommand({ Name: 'x-snap', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: keepSnap } }] })), 'InvalidSnapshot.NotFound');
  });
});
