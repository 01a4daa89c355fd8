/**
 * What IAM authorises for each AWS call the project makes: the call log's (service, operation,
 * input) → the permissions it needs, as (action, resource ARN). Mostly `service:Operation` on the
 * resource the input names; the exceptions are written out below, each with its source. A call
 * missing from this table is reported, never guessed: add it here when the code starts making it.
 *
 * Resource ids that do not exist before the call (a new instance, image, snapshot) are `*`, which
 * only a wildcard grant matches — as IAM evaluates them.
 */
import type { Permission } from './policy.js';
import type { Place } from './template.js';
import { isUnscopable } from './unscopable.js';

export interface Call {
  service: string;
  operation: string;
  input: any;
}

type Arns = ReturnType<typeof arnsFor>;
type Rule = (input: any, arn: Arns) => Permission[];

function arnsFor({ partition: p, region: r, account: a }: Place) {
  const ec2 = (type: string, id = '*') => `arn:${p}:ec2:${r}:${a}:${type}/${id}`;
  return {
    ec2,
    // Images and snapshots are regional resources without an account in their ARN.
    image: (id = '*') => `arn:${p}:ec2:${r}::image/${id}`,
    snapshot: (id = '*') => `arn:${p}:ec2:${r}::snapshot/${id}`,
    group: (name: string) => `arn:${p}:autoscaling:${r}:${a}:autoScalingGroup:*:autoScalingGroupName/${name}`,
    alarm: (name: string) => `arn:${p}:cloudwatch:${r}:${a}:alarm:${name}`,
    targetGroup: (name: string) => `arn:${p}:elasticloadbalancing:${r}:${a}:targetgroup/${name}/*`,
    object: (bucket: string, key: string) => `arn:${p}:s3:::${bucket}/${key}`,
    // Public parameters (`/aws/service/…`) are owned by AWS: no account in their ARN.
    parameter: (name: string) => `arn:${p}:ssm:${r}:${name.startsWith('/aws/') ? '' : a}:parameter${name.startsWith('/') ? '' : '/'}${name}`,
    table: (name: string) => `arn:${p}:dynamodb:${r}:${a}:table/${name}`,
    schedule: (group: string, name: string) => `arn:${p}:scheduler:${r}:${a}:schedule/${group}/${name}`,
    eventBus: (name: string) => (name.startsWith('arn:') ? name : `arn:${p}:events:${r}:${a}:event-bus/${name}`),
    role: (name: string) => `arn:${p}:iam::${a}:role/${name}`,
  };
}

const one = (action: string, resource: string): Permission[] => [{ action, resource }];

/** Launching from a launch template (RunInstances, or Auto Scaling checking the caller may use it). */
function launchResources(arn: Arns, input: { LaunchTemplateId?: string; subnets?: string[] }): string[] {
  return [
    ...(input.LaunchTemplateId ? [arn.ec2('launch-template', input.LaunchTemplateId)] : []),
    ...(input.subnets ?? []).map((s) => arn.ec2('subnet', s)),
    arn.ec2('instance'),
    arn.ec2('volume'),
    arn.ec2('network-interface'),
  ];
}

/** An instance profile's role: the stack names the builder role after its profile (serverless.yml). */
const profileRole = (arn: Arns, profile: { Name?: string; Arn?: string }) => arn.role((profile.Name ?? profile.Arn ?? '').split('/').pop() as string);

const RULES: Record<string, Rule> = {
  // S3: HeadObject is authorised as GetObject, or GetObjectVersion when a version is named (S3 API reference, HeadObject).
  's3:HeadObject': (i, arn) => one(i.VersionId ? 's3:GetObjectVersion' : 's3:GetObject', arn.object(i.Bucket, i.Key)),

  'ssm:GetParameter': (i, arn) => one('ssm:GetParameter', arn.parameter(i.Name)),
  'ssm:GetParametersByPath': (i, arn) => one('ssm:GetParametersByPath', arn.parameter(i.Path)),

  'dynamodb:PutItem': (i, arn) => one('dynamodb:PutItem', arn.table(i.TableName)),
  'dynamodb:GetItem': (i, arn) => one('dynamodb:GetItem', arn.table(i.TableName)),
  'dynamodb:UpdateItem': (i, arn) => one('dynamodb:UpdateItem', arn.table(i.TableName)),
  'dynamodb:DeleteItem': (i, arn) => one('dynamodb:DeleteItem', arn.table(i.TableName)),

  'states:StartExecution': (i) => one('states:StartExecution', i.stateMachineArn),
  'states:DescribeExecution': (i) => one('states:DescribeExecution', i.executionArn),

  'events:PutEvents': (i, arn) => (i.Entries ?? []).map((e: any) => ({ action: 'events:PutEvents', resource: arn.eventBus(e.EventBusName ?? 'default') })),

  // Scheduler: creating a schedule passes its target role to scheduler.amazonaws.com (iam:PassRole).
  'scheduler:CreateSchedule': (i, arn) => [
    { action: 'scheduler:CreateSchedule', resource: arn.schedule(i.GroupName ?? 'default', i.Name) },
    { action: 'iam:PassRole', resource: i.Target?.RoleArn },
  ],
  'scheduler:DeleteSchedule': (i, arn) => one('scheduler:DeleteSchedule', arn.schedule(i.GroupName ?? 'default', i.Name)),
  'scheduler:GetSchedule': (i, arn) => one('scheduler:GetSchedule', arn.schedule(i.GroupName ?? 'default', i.Name)),

  // EC2 RunInstances: every resource it uses or creates; tag specifications need ec2:CreateTags
  // (condition ec2:CreateAction), an instance profile needs iam:PassRole on its role.
  'ec2:RunInstances': (i, arn) => [
    ...[arn.image(i.ImageId), ...(i.SecurityGroupIds ?? []).map((g: string) => arn.ec2('security-group', g)), ...launchResources(arn, { subnets: i.SubnetId ? [i.SubnetId] : [] })].map(
      (resource) => ({ action: 'ec2:RunInstances', resource }),
    ),
    ...(i.TagSpecifications ?? []).map((t: any) => ({ action: 'ec2:CreateTags', resource: arn.ec2(t.ResourceType) })),
    ...(i.IamInstanceProfile ? [{ action: 'iam:PassRole', resource: profileRole(arn, i.IamInstanceProfile) }] : []),
  ],
  // CreateImage: the source instance and the new image and snapshots; tags on create need CreateTags.
  'ec2:CreateImage': (i, arn) => [
    { action: 'ec2:CreateImage', resource: arn.ec2('instance', i.InstanceId) },
    { action: 'ec2:CreateImage', resource: arn.image() },
    { action: 'ec2:CreateImage', resource: arn.snapshot() },
    ...(i.TagSpecifications ?? []).map((t: any) => ({
      action: 'ec2:CreateTags',
      resource: t.ResourceType === 'snapshot' ? arn.snapshot() : arn.image(),
    })),
  ],
  // DeleteAssociatedSnapshots deletes the image's snapshots too: ec2:DeleteSnapshot on them.
  'ec2:DeregisterImage': (i, arn) => [
    { action: 'ec2:DeregisterImage', resource: arn.image(i.ImageId) },
    ...(i.DeleteAssociatedSnapshots ? [{ action: 'ec2:DeleteSnapshot', resource: arn.snapshot() }] : []),
  ],
  'ec2:TerminateInstances': (i, arn) => (i.InstanceIds ?? []).map((id: string) => ({ action: 'ec2:TerminateInstances', resource: arn.ec2('instance', id) })),
  'ec2:GetConsoleOutput': (i, arn) => one('ec2:GetConsoleOutput', arn.ec2('instance', i.InstanceId)),
  'ec2:CreateLaunchTemplateVersion': (i, arn) => one('ec2:CreateLaunchTemplateVersion', arn.ec2('launch-template', i.LaunchTemplateId ?? '*')),

  // Auto Scaling: a group created (or updated) with a launch template is authorised as
  // ec2:RunInstances of that template for the caller; tags on create need CreateOrUpdateTags;
  // lifecycle hook roles are passed to Auto Scaling (EC2 Auto Scaling user guide, "Launch template support").
  'autoscaling:CreateAutoScalingGroup': (i, arn) => [
    { action: 'autoscaling:CreateAutoScalingGroup', resource: arn.group(i.AutoScalingGroupName) },
    ...(i.Tags?.length ? [{ action: 'autoscaling:CreateOrUpdateTags', resource: arn.group(i.AutoScalingGroupName) }] : []),
    ...groupLaunch(i, arn),
    ...(i.LifecycleHookSpecificationList ?? []).filter((h: any) => h.RoleARN).map((h: any) => ({ action: 'iam:PassRole', resource: h.RoleARN })),
  ],
  'autoscaling:UpdateAutoScalingGroup': (i, arn) => [{ action: 'autoscaling:UpdateAutoScalingGroup', resource: arn.group(i.AutoScalingGroupName) }, ...groupLaunch(i, arn)],
  'autoscaling:DeleteAutoScalingGroup': (i, arn) => one('autoscaling:DeleteAutoScalingGroup', arn.group(i.AutoScalingGroupName)),
  'autoscaling:PutScalingPolicy': (i, arn) => one('autoscaling:PutScalingPolicy', arn.group(i.AutoScalingGroupName)),
  // The clone's settings (src/steps/shared/clone-settings.ts), each on the new group.
  'autoscaling:PutWarmPool': (i, arn) => one('autoscaling:PutWarmPool', arn.group(i.AutoScalingGroupName)),
  'autoscaling:PutScheduledUpdateGroupAction': (i, arn) => one('autoscaling:PutScheduledUpdateGroupAction', arn.group(i.AutoScalingGroupName)),
  'autoscaling:PutNotificationConfiguration': (i, arn) => one('autoscaling:PutNotificationConfiguration', arn.group(i.AutoScalingGroupName)),
  'autoscaling:EnableMetricsCollection': (i, arn) => one('autoscaling:EnableMetricsCollection', arn.group(i.AutoScalingGroupName)),
  'autoscaling:SuspendProcesses': (i, arn) => one('autoscaling:SuspendProcesses', arn.group(i.AutoScalingGroupName)),
  'cloudwatch:PutMetricAlarm': (i, arn) => one('cloudwatch:PutMetricAlarm', arn.alarm(i.AlarmName)),
  'autoscaling:CreateOrUpdateTags': (i, arn) => (i.Tags ?? []).map((t: any) => ({ action: 'autoscaling:CreateOrUpdateTags', resource: arn.group(t.ResourceId) })),
  'autoscaling:DeleteTags': (i, arn) => (i.Tags ?? []).map((t: any) => ({ action: 'autoscaling:DeleteTags', resource: arn.group(t.ResourceId) })),

  // ELBv2: tags given to CreateTargetGroup are authorised as elasticloadbalancing:AddTags
  // (condition elasticloadbalancing:CreateAction; ELB user guide, "tagging resources during creation").
  'elasticloadbalancing:CreateTargetGroup': (i, arn) => [
    { action: 'elasticloadbalancing:CreateTargetGroup', resource: arn.targetGroup(i.Name) },
    ...(i.Tags?.length ? [{ action: 'elasticloadbalancing:AddTags', resource: arn.targetGroup(i.Name) }] : []),
  ],
  'elasticloadbalancing:ModifyTargetGroupAttributes': (i) => one('elasticloadbalancing:ModifyTargetGroupAttributes', i.TargetGroupArn),
  'elasticloadbalancing:DeleteTargetGroup': (i) => one('elasticloadbalancing:DeleteTargetGroup', i.TargetGroupArn),
  'elasticloadbalancing:ModifyListener': (i) => one('elasticloadbalancing:ModifyListener', i.ListenerArn),
  'elasticloadbalancing:ModifyRule': (i) => one('elasticloadbalancing:ModifyRule', i.RuleArn),
};

function groupLaunch(i: any, arn: Arns): Permission[] {
  const lt = i.LaunchTemplate ?? i.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!lt) return [];
  const subnets = typeof i.VPCZoneIdentifier === 'string' ? i.VPCZoneIdentifier.split(',').filter(Boolean) : [];
  return launchResources(arn, { LaunchTemplateId: lt.LaunchTemplateId ?? '*', subnets }).map((resource) => ({ action: 'ec2:RunInstances', resource }));
}

export type Mapped = { permissions: Permission[] } | { unmapped: string };

/** The permissions a call needs; `unmapped` when this table does not know the operation. */
export function permissionsFor(call: Call, place: Place): Mapped {
  const key = `${call.service}:${call.operation}`;
  // Actions without resource types: evaluated against "*" whatever the input names.
  if (isUnscopable(key)) return { permissions: one(key, '*') };
  const rule = RULES[key];
  if (!rule) return { unmapped: key };
  return { permissions: rule(call.input ?? {}, arnsFor(place)) };
}
