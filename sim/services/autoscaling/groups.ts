/** CreateAutoScalingGroup, UpdateAutoScalingGroup, SetDesiredCapacity, DeleteAutoScalingGroup, DescribeAutoScalingGroups. */
import { setMaintenance } from './settings.js';
import type {
  AutoScalingGroupsType,
  CreateAutoScalingGroupType,
  DeleteAutoScalingGroupType,
  AutoScalingGroupNamesType,
  LaunchTemplateSpecification,
  MixedInstancesPolicy,
  SetDesiredCapacityType,
  UpdateAutoScalingGroupType,
} from '@aws-sdk/client-auto-scaling';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { Engine } from './engine.js';
import { type AsgState, type Attachment, type Group, type GroupTag, QUOTA, activityOpen, changed, getGroup, getMutableGroup, iso } from './model.js';
import { groupShape, paginate } from './output.js';
import { hookFromSpec } from './hooks-policies.js';
import { validateSources } from './traffic.js';
import * as V from './validate.js';

function parseSubnets(v: string | undefined): string[] {
  V.length(v, 'vPCZoneIdentifier', 1, 5000);
  return [...new Set((v ?? '').split(',').map((s) => s.trim()).filter(Boolean))];
}

/** Resolved launch source: template ids/names filled in through EC2. */
async function resolveSource(
  engine: Engine,
  input: { LaunchTemplate?: LaunchTemplateSpecification; MixedInstancesPolicy?: MixedInstancesPolicy },
): Promise<{ launchTemplate?: LaunchTemplateSpecification; mixed?: MixedInstancesPolicy }> {
  if (input.LaunchTemplate) return { launchTemplate: await engine.peers.resolveTemplate(input.LaunchTemplate) };
  if (input.MixedInstancesPolicy) {
    const mixed = structuredClone(input.MixedInstancesPolicy);
    const lt = (mixed.LaunchTemplate ??= {});
    lt.LaunchTemplateSpecification = await engine.peers.resolveTemplate(lt.LaunchTemplateSpecification ?? {});
    for (const o of lt.Overrides ?? []) if (o.LaunchTemplateSpecification) o.LaunchTemplateSpecification = await engine.peers.resolveTemplate(o.LaunchTemplateSpecification);
    return { mixed };
  }
  return {};
}

async function zonesFor(engine: Engine, subnets: string[], azs: string[] | undefined): Promise<Map<string, string>> {
  if (subnets.length === 0) throw validationError('At least one Availability Zone or VPC Subnet is required.');
  const zones = await engine.peers.subnetZones(subnets);
  if (azs && azs.length > 0) {
    for (const [subnet, az] of zones) if (!azs.includes(az)) throw validationError(`The subnet '${subnet}' is in Availability Zone ${az}, which is not one of the group's Availability Zones.`);
  }
  return zones;
}

function checkCommon(input: CreateAutoScalingGroupType | UpdateAutoScalingGroupType): void {
  V.healthCheckType(input.HealthCheckType);
  V.intRange(input.HealthCheckGracePeriod, 'healthCheckGracePeriod', 0);
  V.intRange(input.DefaultCooldown, 'defaultCooldown', 0);
  V.intRange(input.DefaultInstanceWarmup, 'defaultInstanceWarmup', -1);
  V.terminationPolicies(input.TerminationPolicies);
  V.maxInstanceLifetime(input.MaxInstanceLifetime);
  V.oneOf(input.DeletionProtection, 'deletionProtection', ['none', 'prevent-force-deletion', 'prevent-all-deletion']);
}

export async function createGroup(s: AsgState, engine: Engine, input: CreateAutoScalingGroupType): Promise<void> {
  const name = V.groupName(input.AutoScalingGroupName);
  const min = V.required(input.MinSize, 'minSize');
  const max = V.required(input.MaxSize, 'maxSize');
  const desired = input.DesiredCapacity ?? min;
  V.capacity(min, max, desired);
  V.launchSource(input, true);
  checkCommon(input);
  const subnets = parseSubnets(input.VPCZoneIdentifier);
  if (subnets.length === 0 && !input.AvailabilityZones?.length) throw validationError('At least one Availability Zone or VPC Subnet is required.');
  if (subnets.length === 0) throw validationError(`No default subnet for availability zone: '${input.AvailabilityZones?.[0]}'.`);
  const tags = new Map<string, GroupTag>();
  (input.Tags ?? []).forEach((t, k) => {
    V.tag(t, `tags.${k + 1}.member`);
    if (t.ResourceId !== undefined && t.ResourceId !== name) throw validationError(`Tag ResourceId '${t.ResourceId}' does not match the group name '${name}'.`);
    tags.set(t.Key as string, { Key: t.Key as string, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false });
  });
  if (tags.size > QUOTA.tags) throw V.limitExceeded(`The number of tags exceeds the limit of ${QUOTA.tags} for an Auto Scaling group.`);
  const hookSpecs = input.LifecycleHookSpecificationList ?? [];
  for (const h of hookSpecs) V.hookSpec(h, true);
  if (hookSpecs.length > QUOTA.hooks) throw V.limitExceeded(`Maximum of ${QUOTA.hooks} lifecycle hooks per Auto Scaling group exceeded.`);
  if (input.LoadBalancerNames?.length) throw validationError('Provided Load Balancers may not be valid. Please ensure they exist and try again.');
  const attachments: Attachment[] = [];
  for (const arn of input.TargetGroupARNs ?? []) attachments.push({ identifier: arn, type: 'elbv2', via: 'tg', state: 'Added' });
  for (const ts of validateSources(s, input.TrafficSources ?? [])) {
    if (!attachments.some((a) => a.identifier === ts.Identifier)) attachments.push({ identifier: ts.Identifier, type: ts.Type, via: 'ts', state: 'Added' });
  }
  if (attachments.length > QUOTA.targetGroups) throw V.limitExceeded(`The number of target groups exceeds the limit of ${QUOTA.targetGroups} per Auto Scaling group.`);
  const alreadyExists = () => new AwsFault('AlreadyExists', `AutoScalingGroup by this name already exists - A group with the name ${name} already exists`);
  if (s.groups.has(name)) throw alreadyExists();
  if (s.groups.size >= QUOTA.groups) throw V.limitExceeded(`You have reached the limit of ${QUOTA.groups} Auto Scaling groups for this account in this Region.`);
  if (attachments.some((a) => !s.ctx.elb.hasTargetGroup(a.identifier))) {
    throw validationError('Provided Target Groups may not be valid. Please ensure they exist and try again.');
  }
  const zones = await zonesFor(engine, subnets, input.AvailabilityZones);
  const source = await resolveSource(engine, input);
  if (s.groups.has(name)) throw alreadyExists();

  const now = s.ctx.clock.now();
  const g: Group = {
    name,
    arn: s.ctx.ids.arn('autoscaling', `autoScalingGroup:${s.ctx.ids.uuid()}:autoScalingGroupName/${name}`),
    createdAt: now,
    ...source,
    min,
    max,
    desired,
    defaultCooldown: input.DefaultCooldown ?? 300,
    healthCheckType: input.HealthCheckType ?? 'EC2',
    grace: input.HealthCheckGracePeriod ?? 0,
    subnets,
    zones,
    availabilityZones: [...new Set(zones.values())].sort(),
    attachments,
    tags,
    terminationPolicies: input.TerminationPolicies?.length ? [...input.TerminationPolicies] : ['Default'],
    protectNew: input.NewInstancesProtectedFromScaleIn ?? false,
    suspended: new Map(),
    instances: new Map(),
    hooks: new Map(),
    policies: new Map(),
    activities: [],
    extras: {
      maxInstanceLifetime: input.MaxInstanceLifetime,
      capacityRebalance: input.CapacityRebalance,
      defaultInstanceWarmup: input.DefaultInstanceWarmup,
      placementGroup: input.PlacementGroup,
      serviceLinkedRoleArn:
        input.ServiceLinkedRoleARN ?? s.ctx.ids.arn('iam', 'role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling', { region: '' }),
      context: input.Context,
      desiredCapacityType: input.DesiredCapacityType,
      deletionProtection: input.DeletionProtection,
    },
    deleting: false,
    capacityCause: `At ${iso(now)} a user request created an AutoScalingGroup changing the desired capacity from 0 to ${desired}.`,
    launchCursor: 0,
    launchFailures: 0,
    launchRetryAt: 0,
    reconcileQueued: false,
  };
  for (const h of hookSpecs) g.hooks.set(h.LifecycleHookName as string, hookFromSpec(g, h));
  engine.ensureSubscribed();
  setMaintenance(g, input.InstanceMaintenancePolicy);
  s.groups.set(name, g);
  changed(s, g);
  engine.queue(g);
}

export async function updateGroup(s: AsgState, engine: Engine, input: UpdateAutoScalingGroupType): Promise<void> {
  const g0 = getMutableGroup(s, input.AutoScalingGroupName);
  V.launchSource(input, false);
  checkCommon(input);
  const min = input.MinSize ?? g0.min;
  const max = input.MaxSize ?? g0.max;
  let desired = input.DesiredCapacity ?? g0.desired;
  if (input.DesiredCapacity === undefined) {
    if (input.MinSize !== undefined && min > desired) desired = min;
    if (input.MaxSize !== undefined && max < desired) desired = max;
  }
  V.capacity(min, max, desired);
  const subnets = input.VPCZoneIdentifier !== undefined ? parseSubnets(input.VPCZoneIdentifier) : undefined;
  const zones = subnets ? await zonesFor(engine, subnets, input.AvailabilityZones) : undefined;
  const source = await resolveSource(engine, input);
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  if (g !== g0) throw validationError(`AutoScalingGroup ${g.name} was replaced during the update; retry.`);

  if (source.launchTemplate || source.mixed) [g.launchTemplate, g.mixed] = [source.launchTemplate, source.mixed];
  if (subnets && zones) {
    g.subnets = subnets;
    g.zones = zones;
    g.availabilityZones = [...new Set(zones.values())].sort();
  }
  if (desired !== g.desired) {
    g.capacityCause = `At ${iso(s.ctx.clock.now())} a user request update of AutoScalingGroup constraints to min: ${min}, max: ${max}, desired: ${desired} changing the desired capacity from ${g.desired} to ${desired}.`;
  }
  [g.min, g.max, g.desired] = [min, max, desired];
  if (input.HealthCheckType !== undefined) g.healthCheckType = input.HealthCheckType;
  if (input.HealthCheckGracePeriod !== undefined) g.grace = input.HealthCheckGracePeriod;
  if (input.DefaultCooldown !== undefined) g.defaultCooldown = input.DefaultCooldown;
  if (input.TerminationPolicies !== undefined) g.terminationPolicies = input.TerminationPolicies.length ? [...input.TerminationPolicies] : ['Default'];
  if (input.NewInstancesProtectedFromScaleIn !== undefined) g.protectNew = input.NewInstancesProtectedFromScaleIn;
  const e = g.extras;
  if (input.MaxInstanceLifetime !== undefined) e.maxInstanceLifetime = input.MaxInstanceLifetime;
  if (input.CapacityRebalance !== undefined) e.capacityRebalance = input.CapacityRebalance;
  if (input.DefaultInstanceWarmup !== undefined) e.defaultInstanceWarmup = input.DefaultInstanceWarmup;
  if (input.PlacementGroup !== undefined) e.placementGroup = input.PlacementGroup;
  if (input.ServiceLinkedRoleARN !== undefined) e.serviceLinkedRoleArn = input.ServiceLinkedRoleARN;
  if (input.Context !== undefined) e.context = input.Context;
  if (input.DesiredCapacityType !== undefined) e.desiredCapacityType = input.DesiredCapacityType;
  if (input.DeletionProtection !== undefined) e.deletionProtection = input.DeletionProtection;
  setMaintenance(g, input.InstanceMaintenancePolicy);
  changed(s, g);
  engine.queue(g);
}

export function setDesiredCapacity(s: AsgState, engine: Engine, input: SetDesiredCapacityType): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const d = V.required(input.DesiredCapacity, 'desiredCapacity');
  V.intRange(d, 'desiredCapacity', 0);
  if (d > g.max) throw validationError(`New SetDesiredCapacity value ${d} is above max value ${g.max} for the AutoScalingGroup.`);
  if (d < g.min) throw validationError(`New SetDesiredCapacity value ${d} is below min value ${g.min} for the AutoScalingGroup.`);
  if (d !== g.desired) {
    g.capacityCause = `At ${iso(s.ctx.clock.now())} a user request explicitly set group desired capacity changing the desired capacity from ${g.desired} to ${d}.`;
  }
  g.desired = d;
  changed(s, g);
  engine.queue(g);
}

export function deleteGroup(s: AsgState, engine: Engine, input: DeleteAutoScalingGroupType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  if (g.deleting) return;
  const protection = g.extras.deletionProtection;
  if (protection === 'prevent-all-deletion' || (protection === 'prevent-force-deletion' && input.ForceDelete)) {
    throw validationError(`Deletion protection (${protection}) is enabled for AutoScalingGroup ${g.name}.`);
  }
  if (!input.ForceDelete) {
    if (g.activities.some(activityOpen)) {
      throw new AwsFault('ScalingActivityInProgress', 'You cannot delete an AutoScalingGroup while there are scaling activities in progress for that group.');
    }
    if (g.instances.size > 0) {
      throw new AwsFault('ResourceInUse', 'You cannot delete an AutoScalingGroup while there are instances or pending Spot instance request(s) still in the group.');
    }
    return engine.finishDelete(g);
  }
  engine.forceDelete(g, `At ${iso(s.ctx.clock.now())} a user request deleted the AutoScalingGroup, shrinking the capacity from ${g.desired} to 0.`);
  changed(s, g);
}

const FILTERS = /^(tag-key|tag-value|tag:.+)$/;

export function describeGroups(s: AsgState, input: AutoScalingGroupNamesType): AutoScalingGroupsType {
  const max = V.maxRecords(input.MaxRecords, 50, 100);
  const names = input.AutoScalingGroupNames;
  if (names && names.length > max) {
    throw validationError(`The number of group names (${names.length}) exceeds the limit of ${max}; raise MaxRecords (up to 100) to name more groups.`);
  }
  for (const f of input.Filters ?? []) {
    if (!f.Name || !FILTERS.test(f.Name)) throw validationError(`Filter type ${f.Name} is not correct. Allowed Filter types are: tag-key, tag-value, tag:<key>.`);
  }
  const wanted = names ? new Set(names) : undefined;
  const groups = [...s.groups.values()]
    .filter((g) => !wanted || wanted.has(g.name))
    .filter((g) =>
      (input.Filters ?? []).every((f) => {
        const values = f.Values ?? [];
        const tags = [...g.tags.values()];
        if (f.Name === 'tag-key') return tags.some((t) => values.includes(t.Key));
        if (f.Name === 'tag-value') return tags.some((t) => values.includes(t.Value));
        const t = g.tags.get((f.Name as string).slice(4));
        return t !== undefined && values.includes(t.Value);
      }),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const { page, NextToken } = paginate(groups, (g) => g.name, max, input.NextToken);
  return { AutoScalingGroups: page.map((g) => groupShape(g, input.IncludeInstances ?? true)), NextToken };
}
