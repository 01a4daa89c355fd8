/** SDK output shapes built from the simulator's state, and NextToken pagination. */
import type { AutoScalingGroup, AutoScalingInstanceDetails, Instance, TagDescription } from '@aws-sdk/client-auto-scaling';
import { AwsFault } from '../../aws-fault.js';
import type { AsgInstance, Group } from './model.js';
import { settingsShape } from './settings.js';

export function instanceShape(i: AsgInstance): Instance {
  return {
    InstanceId: i.id,
    InstanceType: i.instanceType,
    AvailabilityZone: i.az,
    LifecycleState: i.lifecycle,
    HealthStatus: i.healthy ? 'Healthy' : 'Unhealthy',
    LaunchTemplate: { ...i.launchTemplate },
    ProtectedFromScaleIn: i.protected,
  };
}

/** DescribeAutoScalingInstances spells health in capitals. */
export function instanceDetailsShape(i: AsgInstance): AutoScalingInstanceDetails {
  const { HealthStatus, ...rest } = instanceShape(i);
  return { ...rest, AutoScalingGroupName: i.group.name, HealthStatus: HealthStatus === 'Healthy' ? 'HEALTHY' : 'UNHEALTHY' };
}

export function tagShapes(g: Group): TagDescription[] {
  return [...g.tags.values()]
    .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0))
    .map((t) => ({ ResourceId: g.name, ResourceType: 'auto-scaling-group', Key: t.Key, Value: t.Value, PropagateAtLaunch: t.PropagateAtLaunch }));
}

export function groupShape(g: Group, includeInstances: boolean): AutoScalingGroup {
  const elbv2 = g.attachments.filter((a) => a.state !== 'Removing');
  const out: AutoScalingGroup = {
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    LaunchTemplate: g.launchTemplate ? { ...g.launchTemplate } : undefined,
    MixedInstancesPolicy: g.mixed ? structuredClone(g.mixed) : undefined,
    MinSize: g.min,
    MaxSize: g.max,
    DesiredCapacity: g.desired,
    DefaultCooldown: g.defaultCooldown,
    AvailabilityZones: [...g.availabilityZones],
    LoadBalancerNames: [],
    TargetGroupARNs: elbv2.map((a) => a.identifier),
    HealthCheckType: g.healthCheckType,
    HealthCheckGracePeriod: g.grace,
    Instances: includeInstances ? [...g.instances.values()].map(instanceShape) : undefined,
    CreatedTime: new Date(g.createdAt),
    SuspendedProcesses: [...g.suspended].map(([ProcessName, SuspensionReason]) => ({ ProcessName, SuspensionReason })),
    VPCZoneIdentifier: g.subnets.join(','),
    ...settingsShape(g),
    Tags: tagShapes(g),
    TerminationPolicies: [...g.terminationPolicies],
    NewInstancesProtectedFromScaleIn: g.protectNew,
    ServiceLinkedRoleARN: g.extras.serviceLinkedRoleArn,
    MaxInstanceLifetime: g.extras.maxInstanceLifetime,
    CapacityRebalance: g.extras.capacityRebalance ?? false,
    DefaultInstanceWarmup: g.extras.defaultInstanceWarmup,
    PlacementGroup: g.extras.placementGroup,
    Context: g.extras.context,
    DesiredCapacityType: g.extras.desiredCapacityType,
    DeletionProtection: g.extras.deletionProtection as AutoScalingGroup['DeletionProtection'],
    TrafficSources: elbv2.map((a) => ({ Identifier: a.identifier, Type: a.type })),
    Status: g.deleting ? 'Delete in progress' : undefined,
  };
  for (const k of Object.keys(out) as (keyof AutoScalingGroup)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** Opaque NextToken: the key of the last item returned, with its position as a fallback. */
export function paginate<T>(items: T[], key: (t: T) => string, max: number, nextToken: string | undefined): { page: T[]; NextToken?: string } {
  let start = 0;
  if (nextToken !== undefined) {
    let parsed: { k?: unknown; o?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(nextToken, 'base64url').toString('utf8'));
    } catch {
      throw new AwsFault('InvalidNextToken', 'The token provided is not valid.');
    }
    if (typeof parsed?.k !== 'string' || typeof parsed.o !== 'number') throw new AwsFault('InvalidNextToken', 'The token provided is not valid.');
    const at = items.findIndex((t) => key(t) === parsed.k);
    start = at >= 0 ? at + 1 : Math.min(parsed.o, items.length);
  }
  const page = items.slice(start, start + max);
  const end = start + page.length;
  if (end >= items.length || page.length === 0) return { page };
  const token = Buffer.from(JSON.stringify({ k: key(page[page.length - 1] as T), o: end }), 'utf8').toString('base64url');
  return { page, NextToken: token };
}
