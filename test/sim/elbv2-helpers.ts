/** Shared set-up for the ELBv2 and CloudWatch simulator tests, built through the real SDK clients. */
import { CreateSubnetCommand, CreateVpcCommand, EC2Client, RegisterImageCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  type CreateTargetGroupCommandInput,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { client } from '../../src/aws/clients.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';

export const elb = (): ElasticLoadBalancingV2Client => client(ElasticLoadBalancingV2Client);
export const ec2 = (): EC2Client => client(EC2Client);

export interface Net {
  vpcId: string;
  subnets: string[];
  imageId: string;
}

/** A VPC with subnets in two zones and an image carrying `release`. */
export async function network(release = '1.0.0'): Promise<Net> {
  const vpcId = (await ec2().send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [i, az] of ['us-east-1a', 'us-east-1b'].entries()) {
    const out = await ec2().send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i + 1}.0/24`, AvailabilityZone: az }));
    subnets.push(out.Subnet?.SubnetId as string);
  }
  const imageId = await image(release);
  return { vpcId, subnets, imageId };
}

/** A registered image whose instances run `release`. */
export async function image(release: string): Promise<string> {
  const out = await ec2().send(
    new RegisterImageCommand({
      Name: `base-${release}`,
      RootDeviceName: '/dev/xvda',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8 } }],
      TagSpecifications: [{ ResourceType: 'image', Tags: [{ Key: 'redblack:release', Value: release }] }],
    }),
  );
  return out.ImageId as string;
}

export async function targetGroup(net: Net, name: string, extra: Partial<CreateTargetGroupCommandInput> = {}): Promise<string> {
  const out = await elb().send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: net.vpcId, ...extra }));
  return out.TargetGroups?.[0]?.TargetGroupArn as string;
}

export async function loadBalancer(net: Net, name = 'web'): Promise<string> {
  const out = await elb().send(new CreateLoadBalancerCommand({ Name: name, Subnets: net.subnets }));
  return out.LoadBalancers?.[0]?.LoadBalancerArn as string;
}

/** An HTTP :80 listener forwarding to one target group. */
export async function listener(lbArn: string, tgArn: string, port = 80): Promise<string> {
  const out = await elb().send(
    new CreateListenerCommand({ LoadBalancerArn: lbArn, Protocol: 'HTTP', Port: port, DefaultActions: [{ Type: 'forward', TargetGroupArn: tgArn }] }),
  );
  return out.Listeners?.[0]?.ListenerArn as string;
}

/** Launch `n` instances of the image and wait until they are running (boot time of the release). */
export async function runningInstances(cloud: EmbeddedCloud, net: Net, n: number, imageId = net.imageId): Promise<string[]> {
  const out = await ec2().send(new RunInstancesCommand({ ImageId: imageId, InstanceType: 't3.micro', SubnetId: net.subnets[0], MinCount: n, MaxCount: n }));
  const ids = (out.Instances ?? []).map((i) => i.InstanceId as string);
  await cloud.clock.runUntil(() => ids.every((id) => cloud.ec2.instanceState(id) === 'running'), { limitMs: 600_000 });
  return ids;
}

export { elapse, expectCode } from './common.js';
