import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  DeleteLaunchTemplateCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  ModifyLaunchTemplateCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { b64, ec2, expectCode, world } from './ec2-helpers.js';

describe('EC2 launch templates', () => {
  cloudPerTest({ seed: 31 });
  let w: Awaited<ReturnType<typeof world>>;
  let ltId: string;
  beforeEach(async () => {
    w = await world();
    const out = await ec2().send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: 'web-prod',
        VersionDescription: 'first',
        LaunchTemplateData: {
          ImageId: w.imageId,
          InstanceType: 't3.micro',
          SecurityGroupIds: [w.sgId],
          UserData: b64('#!/bin/bash\necho hi\n'),
          TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'app', Value: 'web' }] }],
        },
        TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'redblack:cluster', Value: 'web-prod' }] }],
      }),
    );
    ltId = out.LaunchTemplate?.LaunchTemplateId as string;
  });

  const versions = async (Versions?: string[]) =>
    (await ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ltId, Versions }))).LaunchTemplateVersions ?? [];

  it('creates version 1 as default and latest, tagged', async () => {
    // Act
    const out = await ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['web-prod'] }));
    // Assess
    expect(out.LaunchTemplates?.[0]).toMatchObject({
      LaunchTemplateId: ltId,
      DefaultVersionNumber: 1,
      LatestVersionNumber: 1,
      CreatedBy: 'arn:aws:iam::123456789012:root',
      Tags: [{ Key: 'redblack:cluster', Value: 'web-prod' }],
    });
    expect(ltId).toMatch(/^lt-0[0-9a-f]{16}$/);
  });

  it('merges SourceVersion at top-level keys, numbers versions +1 and keeps the default', async () => {
    // Prepare
    const newImage = (await ec2().send(new DescribeImagesCommand({}))).Images?.[0]?.ImageId as string;
    // Act
    const v2 = await ec2().send(
      new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, SourceVersion: '1', VersionDescription: 'new ami', LaunchTemplateData: { ImageId: newImage } }),
    );
    const v3 = await ec2().send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateName: 'web-prod',
        SourceVersion: '$Latest',
        LaunchTemplateData: { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'tier', Value: 'front' }] }] },
      }),
    );
    const bare = await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, LaunchTemplateData: { InstanceType: 'c5.large' } }));
    // Assess
    expect(v2.LaunchTemplateVersion).toMatchObject({ VersionNumber: 2, DefaultVersion: false, VersionDescription: 'new ami' });
    expect(v2.LaunchTemplateVersion?.LaunchTemplateData).toMatchObject({ ImageId: newImage, InstanceType: 't3.micro', SecurityGroupIds: [w.sgId] });
    // A given list replaces the inherited one whole.
    expect(v3.LaunchTemplateVersion?.LaunchTemplateData?.TagSpecifications).toEqual([{ ResourceType: 'instance', Tags: [{ Key: 'tier', Value: 'front' }] }]);
    expect(v3.LaunchTemplateVersion?.LaunchTemplateData?.UserData).toBe(b64('#!/bin/bash\necho hi\n'));
    expect(bare.LaunchTemplateVersion?.LaunchTemplateData).toEqual({ InstanceType: 'c5.large' });
    const lt = (await ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: [ltId] }))).LaunchTemplates?.[0];
    expect(lt).toMatchObject({ DefaultVersionNumber: 1, LatestVersionNumber: 4 });
  });

  it('describes versions by $Latest, $Default and number, and moves the default', async () => {
    // Prepare
    await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, SourceVersion: '1', LaunchTemplateData: { InstanceType: 't3.large' } }));
    // Act
    const modified = await ec2().send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: ltId, DefaultVersion: '2' }));
    // Assess
    expect(modified.LaunchTemplate?.DefaultVersionNumber).toBe(2);
    expect((await versions(['$Default'])).map((v) => v.VersionNumber)).toEqual([2]);
    expect((await versions(['$Latest', '1'])).map((v) => v.VersionNumber)).toEqual([1, 2]);
    expect((await versions()).map((v) => [v.VersionNumber, v.DefaultVersion])).toEqual([
      [1, false],
      [2, true],
    ]);
    const all = await ec2().send(new DescribeLaunchTemplateVersionsCommand({ Versions: ['$Latest'] }));
    expect(all.LaunchTemplateVersions?.map((v) => v.VersionNumber)).toEqual([2]);
    await expectCode(ec2().send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: ltId, Versions: ['9'] })), 'InvalidLaunchTemplateId.VersionNotFound');
    await expectCode(ec2().send(new ModifyLaunchTemplateCommand({ LaunchTemplateId: ltId, DefaultVersion: '9' })), 'InvalidLaunchTemplateId.VersionNotFound');
    await expectCode(
      ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateId: ltId, SourceVersion: '9', LaunchTemplateData: {} })),
      'InvalidLaunchTemplateId.VersionNotFound',
    );
  });

  it('rejects bad names, duplicates, unknown templates and bad data', async () => {
    // Act / Assess
    await expect(ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web-prod', LaunchTemplateData: {} }))).rejects.toMatchObject({
      name: 'InvalidLaunchTemplateName.AlreadyExistsException',
      message: 'Launch template name already in use.',
    });
    await expectCode(ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'ab', LaunchTemplateData: {} })), 'InvalidLaunchTemplateName.MalformedException');
    await expectCode(ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'has space', LaunchTemplateData: {} })), 'InvalidLaunchTemplateName.MalformedException');
    await expectCode(ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'bad-ud', LaunchTemplateData: { UserData: '@@@' } })), 'InvalidParameterValue');
    await expectCode(ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'bad-img', LaunchTemplateData: { ImageId: 'image' } })), 'InvalidAMIID.Malformed');
    await expect(ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-0123456789abcdef0'] }))).rejects.toMatchObject({
      name: 'InvalidLaunchTemplateId.NotFound',
      message: 'The specified launch template, with template ID lt-0123456789abcdef0, does not exist.',
    });
    await expectCode(ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateIds: ['lt-x'] })), 'InvalidLaunchTemplateId.Malformed');
    await expectCode(ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: ['nope'] })), 'InvalidLaunchTemplateName.NotFoundException');
    await expectCode(
      ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'nope', LaunchTemplateData: {} })),
      'InvalidLaunchTemplateName.NotFoundException',
    );
    await expectCode(ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateData: {} })), 'MissingParameter');
  });

  it('returns the first result for a repeated ClientToken', async () => {
    // Act
    const a = await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'api', ClientToken: 't-1', LaunchTemplateData: { InstanceType: 't3.micro' } }));
    const b = await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'api', ClientToken: 't-1', LaunchTemplateData: { InstanceType: 't3.micro' } }));
    const v1 = await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'api', ClientToken: 'v-1', LaunchTemplateData: {} }));
    const v2 = await ec2().send(new CreateLaunchTemplateVersionCommand({ LaunchTemplateName: 'api', ClientToken: 'v-1', LaunchTemplateData: {} }));
    // Assess
    expect(b.LaunchTemplate?.LaunchTemplateId).toBe(a.LaunchTemplate?.LaunchTemplateId);
    expect(v2.LaunchTemplateVersion?.VersionNumber).toBe(v1.LaunchTemplateVersion?.VersionNumber);
  });

  it('filters and deletes templates', async () => {
    // Prepare
    await ec2().send(new CreateLaunchTemplateCommand({ LaunchTemplateName: 'api-prod', LaunchTemplateData: {} }));
    // Act
    const tagged = await ec2().send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'tag:redblack:cluster', Values: ['web-prod'] }] }));
    const named = await ec2().send(new DescribeLaunchTemplatesCommand({ Filters: [{ Name: 'launch-template-name', Values: ['*-prod'] }] }));
    const deleted = await ec2().send(new DeleteLaunchTemplateCommand({ LaunchTemplateName: 'web-prod' }));
    // Assess
    expect(tagged.LaunchTemplates?.map((t) => t.LaunchTemplateName)).toEqual(['web-prod']);
    expect(named.LaunchTemplates).toHaveLength(2);
    expect(deleted.LaunchTemplate?.LaunchTemplateId).toBe(ltId);
    await expectCode(ec2().send(new DeleteLaunchTemplateCommand({ LaunchTemplateId: ltId })), 'InvalidLaunchTemplateId.NotFound');
    await expectCode(
      ec2().send(new RunInstancesCommand({ LaunchTemplate: { LaunchTemplateId: ltId }, MinCount: 1, MaxCount: 1 })),
      'InvalidLaunchTemplateId.NotFound',
    );
  });
});

describe('EC2 tags and networking', () => {
  cloudPerTest({ seed: 32 });
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });

  it('creates, overwrites and deletes tags on instances and images', async () => {
    // Prepare
    const id = (await ec2().send(new RunInstancesCommand({ ImageId: w.imageId, MinCount: 1, MaxCount: 1 }))).Instances?.[0]?.InstanceId as string;
    // Act
    await ec2().send(new CreateTagsCommand({ Resources: [id, w.imageId], Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '' }] }));
    await ec2().send(new CreateTagsCommand({ Resources: [id], Tags: [{ Key: 'a', Value: '2' }] }));
    await ec2().send(new DeleteTagsCommand({ Resources: [id], Tags: [{ Key: 'b', Value: 'not-it' }] }));
    await ec2().send(new DeleteTagsCommand({ Resources: [w.imageId], Tags: [{ Key: 'a' }] }));
    // Assess
    const inst = (await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0];
    expect(inst?.Tags).toEqual([
      { Key: 'a', Value: '2' },
      { Key: 'b', Value: '' },
    ]);
    const img = (await ec2().send(new DescribeImagesCommand({ ImageIds: [w.imageId] }))).Images?.[0];
    expect(img?.Tags?.map((t) => t.Key)).toEqual(['redblack:release', 'b']);
    await ec2().send(new DeleteTagsCommand({ Resources: [id] }));
    expect((await ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] }))).Reservations?.[0]?.Instances?.[0]?.Tags).toBeUndefined();
  });

  it('rejects reserved keys, too many tags and unknown resources', async () => {
    // Prepare
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await ec2().send(new CreateTagsCommand({ Resources: [w.imageId], Tags: many.slice(0, 49) }));
    // Act / Assess
    await expectCode(ec2().send(new CreateTagsCommand({ Resources: [w.imageId], Tags: [{ Key: 'aws:x', Value: 'v' }] })), 'InvalidParameterValue');
    await expectCode(ec2().send(new CreateTagsCommand({ Resources: [w.imageId], Tags: [{ Key: 'one-more', Value: 'v' }] })), 'TagLimitExceeded');
    await expectCode(ec2().send(new CreateTagsCommand({ Resources: ['i-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'v' }] })), 'InvalidInstanceID.NotFound');
    await expectCode(ec2().send(new CreateTagsCommand({ Resources: ['ami-0123456789abcdef0'], Tags: [{ Key: 'a', Value: 'v' }] })), 'InvalidAMIID.NotFound');
    await expectCode(ec2().send(new CreateTagsCommand({ Resources: ['thing-1'], Tags: [{ Key: 'a', Value: 'v' }] })), 'InvalidID');
  });

  it('creates and describes subnets and security groups, with their errors', async () => {
    // Prepare
    await ec2().send(new CreateSubnetCommand({ VpcId: w.vpcId, CidrBlock: '10.0.2.0/24', AvailabilityZone: 'us-east-1b' }));
    // Act
    const inB = await ec2().send(new DescribeSubnetsCommand({ Filters: [{ Name: 'availability-zone', Values: ['us-east-1b'] }] }));
    const byId = await ec2().send(new DescribeSubnetsCommand({ SubnetIds: [w.subnetId] }));
    const sgs = await ec2().send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [w.vpcId] }] }));
    // Assess
    expect(inB.Subnets?.map((s) => s.CidrBlock)).toEqual(['10.0.2.0/24']);
    expect(byId.Subnets?.[0]).toMatchObject({ VpcId: w.vpcId, AvailabilityZone: 'us-east-1a', State: 'available', AvailableIpAddressCount: 251 });
    expect(sgs.SecurityGroups?.map((g) => g.GroupName)).toEqual(['default', 'web']);
    await expectCode(ec2().send(new DescribeSubnetsCommand({ SubnetIds: ['subnet-0123456789abcdef0'] })), 'InvalidSubnetID.NotFound');
    await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: w.vpcId, CidrBlock: '10.0.1.128/25' })), 'InvalidSubnet.Conflict');
    await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: w.vpcId, CidrBlock: '10.1.0.0/24' })), 'InvalidSubnet.Range');
    await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: w.vpcId, CidrBlock: '10.0.9.0/24', AvailabilityZone: 'eu-west-1a' })), 'InvalidParameterValue');
    await expectCode(ec2().send(new CreateSubnetCommand({ VpcId: 'vpc-0123456789abcdef0', CidrBlock: '10.0.9.0/24' })), 'InvalidVpcID.NotFound');
    await expectCode(ec2().send(new CreateSecurityGroupCommand({ VpcId: w.vpcId, GroupName: 'web', Description: 'again' })), 'InvalidGroup.Duplicate');
    await expectCode(ec2().send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })), 'InvalidGroup.NotFound');
  });
});
