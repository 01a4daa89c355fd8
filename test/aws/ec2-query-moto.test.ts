/**
 * The EC2 Query calls (src/aws/ec2-query.ts, through src/aws/ec2.ts) against a real moto_server,
 * started on a free port here and stopped after: an independent EC2 reads the requests and writes
 * the XML, so the flattening, the signing and the reading are checked against someone else's idea
 * of the wire. The world is made with @aws-sdk/client-ec2, read back without it.
 */
import { CreateImageCommand, CreateLaunchTemplateCommand, DescribeImagesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { deregisterImage, describeOwnImage, imagesTagged, instanceIdsTagged, instancesTagged, launchTemplateVersions, tagValues, terminateInstances } from '../../src/aws/ec2.js';
import { startMoto } from '../support/moto.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
let moto: Awaited<ReturnType<typeof startMoto>>;
let ec2: EC2Client;
const world = { instanceId: '', imageId: '', templateId: '' };

beforeAll(async () => {
  moto = await startMoto();
  const { endpoint } = moto;
  ec2 = new EC2Client({ endpoint, region: 'us-east-1', credentials });
  const base = (await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images?.[0]?.ImageId as string;
  const tags = (type: 'instance' | 'image', role: string) => ({ ResourceType: type, Tags: [{ Key: 'redblack:cluster', Value: 'web & co' }, { Key: 'redblack:role', Value: role }] });
  const run = await ec2.send(new RunInstancesCommand({ ImageId: base, MinCount: 1, MaxCount: 1, InstanceType: 't4g.micro', TagSpecifications: [tags('instance', 'builder')] }));
  world.instanceId = run.Instances?.[0]?.InstanceId as string;
  world.imageId = (await ec2.send(new CreateImageCommand({ InstanceId: world.instanceId, Name: 'web-1.2.3', TagSpecifications: [tags('image', 'image')] }))).ImageId as string;
  const template = await ec2.send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: world.imageId, InstanceType: 't4g.micro' } }));
  world.templateId = template.LaunchTemplate?.LaunchTemplateId as string;
  configureClients({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
}, 60_000);

afterAll(() => {
  configureClients({});
  moto?.stop();
});

test('reads images, instances, tags and launch template versions as the client would', async () => {
  // Act
  const images = await imagesTagged({ 'redblack:cluster': 'web & co' });
  const own = await describeOwnImage(world.imageId);
  const builders = await instancesTagged({ 'redblack:cluster': 'web & co', 'redblack:role': 'builder' });
  const ids = await instanceIdsTagged('redblack:role', 'builder');
  const clusters = await tagValues([world.instanceId], 'redblack:cluster');
  const versions = await launchTemplateVersions(world.templateId, ['$Default']);

  // Assess
  expect(images.map((i) => i.ImageId)).toEqual([world.imageId]);
  expect(Date.parse(images[0]?.CreationDate ?? '')).toBeGreaterThan(Date.parse('2020-01-01'));
  expect(own).toMatchObject({ ImageId: world.imageId, Name: 'web-1.2.3', State: 'available' });
  expect(builders.map((i) => i.InstanceId)).toEqual([world.instanceId]);
  expect(builders[0]?.LaunchTime).toBeInstanceOf(Date);
  expect(ids).toEqual([world.instanceId]);
  expect(clusters).toEqual(new Map([[world.instanceId, 'web & co']]));
  expect(versions).toEqual([{ LaunchTemplateId: world.templateId, VersionNumber: 1, LaunchTemplateData: { ImageId: world.imageId } }]);
}, 30_000);

test('a missing image reads as none; terminating spares the known ids; deregistering twice is done once', async () => {
  // Act
  const missing = await describeOwnImage('ami-00000000000000000');
  const terminated = await terminateInstances([world.instanceId, 'i-0123456789abcdef0']);
  const again = await terminateInstances([world.instanceId]);
  await deregisterImage(world.imageId);
  await deregisterImage(world.imageId);
  const left = await imagesTagged({ 'redblack:cluster': 'web & co' });

  // Assess
  expect(missing).toBeUndefined();
  expect(terminated).toEqual([world.instanceId]);
  expect(again).toEqual([]);
  expect(left).toEqual([]);
}, 30_000);
