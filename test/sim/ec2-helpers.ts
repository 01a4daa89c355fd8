/** Shared set-up for the EC2 simulator tests: a small world built through the real SDK client. */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import { client } from '../../src/aws/clients.js';
import { expectCode as expectCodeOf } from './common.js';

export const ec2 = (): EC2Client => client(EC2Client);




export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A VPC, a subnet, a security group and a registered image carrying `release`. */
export async function world(release = '1.0.0'): Promise<{ vpcId: string; subnetId: string; sgId: string; imageId: string }> {
  const c = ec2();
  const vpcId = (await c.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId as string;
  const subnetId = (await c.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: '10.0.1.0/24', AvailabilityZone: 'us-east-1a' }))).Subnet
    ?.SubnetId as string;
  const sgId = (await c.send(new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: 'web', Description: 'web servers' }))).GroupId as string;
  const imageId = (
    await c.send(
      new RegisterImageCommand({
        Name: `base-${release}`,
        RootDeviceName: '/dev/xvda',
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
        Architecture: 'x86_64',
        TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'redblack:release', Value: release }] }],
      }),
    )
  ).ImageId as string;
  return { vpcId, subnetId, sgId, imageId };
}

export { elapse, settle } from './common.js';

export async function expectCode(p: Promise<unknown>, name: string): Promise<void> {
  await expectCodeOf(p, name, { $fault: 'client' });
}
