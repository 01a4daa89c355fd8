/**
 * The demo world of docs/design.md, built through AWS API calls only (never by poking simulator
 * state), so the same code seeds LocalStack or moto in endpoint mode: a VPC with two subnets, an
 * ALB whose HTTP :80 listener forwards to `web-prod-v001`'s target group, launch template
 * `web-prod`, group `web-prod-v001` (release 1.0.0), the cluster config in SSM.
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CloudWatchClient, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import {
  CreateLaunchTemplateCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  EC2Client,
  RegisterImageCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  ElasticLoadBalancingV2Client,
  ModifyTargetGroupAttributesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { client } from '../src/aws/clients.js';
import { findImageByName } from '../src/aws/ec2.js';
import { identityTags } from '../src/aws/tags.js';
import type { ClusterConfigInput } from '../src/domain/config.js';

export interface WorldOptions {
  cluster?: string;
  /** No live group yet: the listener answers 503 and the config carries a `launch` section. */
  firstDeploy?: boolean;
  instances?: number;
  steps?: number[];
  stepWaitSeconds?: number;
  /** CloudWatch alarms to create and watch during the traffic shift. */
  alarms?: string[];
  healthGateMinutes?: number;
  retainMinutes?: number;
}

export interface DemoWorld {
  cluster: string;
  vpcId: string;
  subnets: string[];
  securityGroupId: string;
  loadBalancerArn: string;
  listenerArn: string;
  baseImageId: string;
  liveImageId?: string;
  liveGroup?: string;
  liveTargetGroupArn?: string;
  config: ClusterConfigInput;
}

const HEALTH = { interval: 10, healthy: 3, unhealthy: 2, deregistrationDelay: 30 };

export async function seedDemoWorld(options: WorldOptions = {}): Promise<DemoWorld> {
  const cluster = options.cluster ?? 'web-prod';
  const instances = options.instances ?? 4;
  const ec2 = client(EC2Client);
  const elb = client(ElasticLoadBalancingV2Client);

  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }));
  const vpcId = vpc.Vpc?.VpcId as string;
  const subnets: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const s = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: `us-east-1${az}` }));
    subnets.push(s.Subnet?.SubnetId as string);
  }
  const sg = await ec2.send(new CreateSecurityGroupCommand({ GroupName: `${cluster}-web`, Description: `${cluster} instances`, VpcId: vpcId }));
  const securityGroupId = sg.GroupId as string;

  const register = async (name: string, tags: { Key: string; Value: string }[]) =>
    (
      await ec2.send(
        new RegisterImageCommand({
          Name: name,
          Architecture: 'arm64',
          RootDeviceName: '/dev/xvda',
          VirtualizationType: 'hvm',
          BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
          TagSpecifications: tags.length > 0 ? [{ ResourceType: 'image', Tags: tags }] : undefined,
        }),
      )
    ).ImageId as string;
  // One base image per account: a second cluster seeded into the same account reuses it.
  const baseImageId = (await findImageByName('al2023-base-arm64'))?.ImageId ?? (await register('al2023-base-arm64', []));

  const lb = await elb.send(new CreateLoadBalancerCommand({ Name: cluster, Subnets: subnets, SecurityGroups: [securityGroupId], Type: 'application', Scheme: 'internet-facing' }));
  const loadBalancerArn = lb.LoadBalancers?.[0]?.LoadBalancerArn as string;

  const liveImageId = options.firstDeploy ? undefined : await register(`redblack/${cluster}/1.0.0/seed`, identityTags({ cluster, deployment: 'seed', release: '1.0.0' }));
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: cluster,
      VersionDescription: 'seed',
      LaunchTemplateData: { ImageId: liveImageId ?? baseImageId, InstanceType: 't4g.small', SecurityGroupIds: [securityGroupId] },
    }),
  );

  let liveGroup: string | undefined;
  let liveTargetGroupArn: string | undefined;
  let listenerArn: string;
  if (options.firstDeploy) {
    const listener = await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: loadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'no server group yet' } }],
      }),
    );
    listenerArn = listener.Listeners?.[0]?.ListenerArn as string;
  } else {
    liveGroup = `${cluster}-v001`;
    const tg = await elb.send(
      new CreateTargetGroupCommand({
        Name: liveGroup,
        Protocol: 'HTTP',
        Port: 80,
        VpcId: vpcId,
        TargetType: 'instance',
        HealthCheckPath: '/health',
        HealthCheckIntervalSeconds: HEALTH.interval,
        HealthyThresholdCount: HEALTH.healthy,
        UnhealthyThresholdCount: HEALTH.unhealthy,
        Tags: identityTags({ cluster, deployment: 'seed', release: '1.0.0', serverGroup: liveGroup }),
      }),
    );
    liveTargetGroupArn = tg.TargetGroups?.[0]?.TargetGroupArn as string;
    await elb.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: liveTargetGroupArn,
        Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: String(HEALTH.deregistrationDelay) }],
      }),
    );
    const listener = await elb.send(
      new CreateListenerCommand({ LoadBalancerArn: loadBalancerArn, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'forward', TargetGroupArn: liveTargetGroupArn }] }),
    );
    listenerArn = listener.Listeners?.[0]?.ListenerArn as string;
    await client(AutoScalingClient).send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: liveGroup,
        LaunchTemplate: { LaunchTemplateName: cluster, Version: '1' },
        // A one-instance cluster cannot keep a minimum of two.
        MinSize: Math.min(2, instances),
        MaxSize: instances * 2,
        DesiredCapacity: instances,
        VPCZoneIdentifier: subnets.join(','),
        HealthCheckType: 'ELB',
        HealthCheckGracePeriod: 60,
        TargetGroupARNs: [liveTargetGroupArn],
        TerminationPolicies: ['OldestLaunchTemplate', 'Default'],
        Tags: [
          ...identityTags({ cluster, deployment: 'seed', release: '1.0.0', serverGroup: liveGroup }).map((t) => ({ ...t, PropagateAtLaunch: true })),
          { Key: 'team', Value: 'storefront', PropagateAtLaunch: true },
        ],
      }),
    );
  }

  for (const alarm of options.alarms ?? []) {
    await client(CloudWatchClient).send(
      new PutMetricAlarmCommand({
        AlarmName: alarm,
        Namespace: 'AWS/ApplicationELB',
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancerArn.split(':loadbalancer/')[1] as string }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 50,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
      }),
    );
  }

  const config: ClusterConfigInput = {
    listenerArn,
    bake: { baseImageId, instanceType: 't4g.small', subnetId: subnets[0] as string, securityGroupIds: [securityGroupId], timeoutMinutes: 30 },
    healthGate: { timeoutMinutes: options.healthGateMinutes ?? 10, minHealthyPercent: 100, alarmNames: options.alarms ?? [] },
    traffic: { steps: options.steps ?? [100], waitSeconds: options.stepWaitSeconds ?? 120, alarmNames: options.alarms ?? [] },
    teardown: { retainMinutes: options.retainMinutes ?? 60, maxRemainingGroups: 2 },
    ...(options.firstDeploy
      ? {
          launch: {
            launchTemplateName: cluster,
            subnets,
            minSize: Math.min(2, instances),
            maxSize: instances * 2,
            desiredCapacity: instances,
            healthCheckType: 'ELB',
            healthCheckGracePeriodSeconds: 60,
            targetGroup: {
              vpcId,
              healthCheckPath: '/health',
              healthCheckIntervalSeconds: HEALTH.interval,
              healthyThresholdCount: HEALTH.healthy,
              unhealthyThresholdCount: HEALTH.unhealthy,
              deregistrationDelaySeconds: HEALTH.deregistrationDelay,
            },
          },
        }
      : {}),
  };
  await putClusterConfig(cluster, config);
  return {
    cluster,
    vpcId,
    subnets,
    securityGroupId,
    loadBalancerArn,
    listenerArn,
    baseImageId,
    ...(liveImageId ? { liveImageId } : {}),
    ...(liveGroup ? { liveGroup } : {}),
    ...(liveTargetGroupArn ? { liveTargetGroupArn } : {}),
    config,
  };
}

export async function putClusterConfig(cluster: string, config: unknown): Promise<void> {
  await client(SSMClient).send(
    new PutParameterCommand({ Name: `/redblack/clusters/${cluster}`, Type: 'String', Value: JSON.stringify(config), Overwrite: true }),
  );
}
