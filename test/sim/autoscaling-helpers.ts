/** Shared set-up for the Auto Scaling simulator tests: a world built through the real SDK clients. */
import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  type CreateAutoScalingGroupCommandInput,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingGroup,
} from '@aws-sdk/client-auto-scaling';
import { CreateLaunchTemplateCommand, CreateSubnetCommand, CreateVpcCommand, EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { client } from '../../src/aws/clients.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';
import { elapse } from './common.js';

export const asg = (): AutoScalingClient => client(AutoScalingClient);
export const ec2 = (): EC2Client => client(EC2Client);

export interface AsgWorld {
  vpcId: string;
  subnets: string[];
  imageId: string;
  templateId: string;
  templateName: string;
}

/** Two subnets in two zones, an image carrying `release`, and a launch template using it. */
export async function asgWorld(release = '1.0.0'): Promise<AsgWorld> {
  const c = ec2();
  const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [k, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const out = await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${k + 1}.0/24`, AvailabilityZone: az }));
    subnets.push(out.Subnet?.SubnetId as string);
  }
  const imageId = (
    await c.send(
      new RegisterImageCommand({
        Name: `web-${release}`,
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
        Architecture: 'x86_64',
        TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'redblack:release', Value: release }] }],
      }),
    )
  ).ImageId as string;
  const lt = await c.send(
    new CreateLaunchTemplateCommand({ LaunchTemplateName: 'web', LaunchTemplateData: { ImageId: imageId, InstanceType: 't3.micro' } }),
  );
  return { vpcId, subnets, imageId, templateId: lt.LaunchTemplate?.LaunchTemplateId as string, templateName: 'web' };
}

export function groupInput(w: AsgWorld, name: string, extra: Partial<CreateAutoScalingGroupCommandInput> = {}): CreateAutoScalingGroupCommandInput {
  return {
    AutoScalingGroupName: name,
    LaunchTemplate: { LaunchTemplateId: w.templateId, Version: '1' },
    MinSize: 0,
    MaxSize: 10,
    VPCZoneIdentifier: w.subnets.join(','),
    ...extra,
  };
}

export async function createGroup(w: AsgWorld, name: string, extra: Partial<CreateAutoScalingGroupCommandInput> = {}): Promise<void> {
  await asg().send(new CreateAutoScalingGroupCommand(groupInput(w, name, extra)));
}

export async function describeGroup(name: string): Promise<AutoScalingGroup | undefined> {
  return (await asg().send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }))).AutoScalingGroups?.[0];
}


/** Drive the clock (10 min at most) until the group's instances satisfy `done`. */
export async function waitForGroup(cloud: EmbeddedCloud, name: string, done: (g: AutoScalingGroup | undefined) => boolean, limitMs = 600_000): Promise<AutoScalingGroup | undefined> {
  let last: AutoScalingGroup | undefined;
  let ok = false;
  const check = async () => {
    last = await describeGroup(name);
    ok = done(last);
  };
  const deadline = cloud.clock.now() + limitMs;
  await check();
  while (!ok) {
    if (cloud.clock.now() >= deadline) throw new Error(`group ${name} did not reach the expected state: ${JSON.stringify(last?.Instances)}`);
    await elapse(cloud, 1_000);
    await check();
  }
  return last;
}

export const inService = (g: AutoScalingGroup | undefined): string[] =>
  (g?.Instances ?? []).filter((i) => i.LifecycleState === 'InService').map((i) => i.InstanceId as string);

export { elapse, settle } from './common.js';
