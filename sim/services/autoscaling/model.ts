/** The Auto Scaling simulator's state: groups, their instances, hooks, policies and activities. */
import type {
  Activity,
  LaunchTemplateSpecification,
  LifecycleHook,
  LifecycleState,
  MixedInstancesPolicy,
  ScalingActivityStatusCode,
  ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { Cancel } from '../../clock.js';
import type { SimContext } from '../../context.js';

export const PROCESSES = [
  'Launch',
  'Terminate',
  'AddToLoadBalancer',
  'AlarmNotification',
  'AZRebalance',
  'HealthCheck',
  'InstanceRefresh',
  'ReplaceUnhealthy',
  'ScheduledActions',
] as const;

export const LAUNCHING = 'autoscaling:EC2_INSTANCE_LAUNCHING';
export const TERMINATING = 'autoscaling:EC2_INSTANCE_TERMINATING';

/** One outstanding lifecycle action: an instance waiting on one hook. */
export interface PendingAction {
  hook: string;
  token: string;
  timer: Cancel;
  /** Epoch ms after which heartbeats no longer extend the wait. */
  globalDeadline: number;
}

export interface AsgInstance {
  id: string;
  group: Group;
  subnetId: string;
  az: string;
  instanceType?: string;
  imageId?: string;
  launchTemplate: LaunchTemplateSpecification;
  /** Numeric template version when known: OldestLaunchTemplate compares it. */
  versionNumber?: number;
  lifecycle: LifecycleState;
  healthy: boolean;
  /** Why it was marked Unhealthy: the cause of its replacement activity. */
  unhealthyCause?: string;
  protected: boolean;
  launchedAt: number;
  inServiceAt?: number;
  launchActivity?: Activity;
  terminateActivity?: Activity;
  actions: Map<string, PendingAction>;
  /** Target groups this instance was registered with. */
  registered: Set<string>;
  drainTimer?: Cancel;
  terminateRequested: boolean;
  /** Skip draining and terminating hooks (force delete). */
  hurried: boolean;
}

export interface Attachment {
  identifier: string;
  type: string;
  /** Attached through AttachLoadBalancerTargetGroups/TargetGroupARNs or AttachTrafficSources. */
  via: 'tg' | 'ts';
  state: 'Adding' | 'Added' | 'InService' | 'Removing';
  /** While Removing: the instances deregistered from it, and when they are done draining at the latest. */
  draining?: string[];
  removeBy?: number;
}

export interface GroupTag {
  Key: string;
  Value: string;
  PropagateAtLaunch: boolean;
}

export interface Group {
  name: string;
  arn: string;
  createdAt: number;
  launchTemplate?: LaunchTemplateSpecification;
  mixed?: MixedInstancesPolicy;
  min: number;
  max: number;
  desired: number;
  defaultCooldown: number;
  healthCheckType: string;
  grace: number;
  subnets: string[];
  /** Subnet id → Availability Zone. */
  zones: Map<string, string>;
  availabilityZones: string[];
  attachments: Attachment[];
  tags: Map<string, GroupTag>;
  terminationPolicies: string[];
  protectNew: boolean;
  suspended: Map<string, string>;
  instances: Map<string, AsgInstance>;
  hooks: Map<string, LifecycleHook>;
  policies: Map<string, ScalingPolicy>;
  activities: Activity[];
  extras: {
    maxInstanceLifetime?: number;
    capacityRebalance?: boolean;
    defaultInstanceWarmup?: number;
    placementGroup?: string;
    serviceLinkedRoleArn?: string;
    context?: string;
    desiredCapacityType?: string;
    deletionProtection?: string;
  };
  deleting: boolean;
  /** What the next launch/terminate activities cite as their cause. */
  capacityCause?: string;
  launchCursor: number;
  launchFailures: number;
  launchRetryAt: number;
  retry?: Cancel;
  reconcileQueued: boolean;
}

/** Everything the parts of the simulator share. */
export interface AsgState {
  ctx: SimContext;
  groups: Map<string, Group>;
  byInstance: Map<string, AsgInstance>;
  /** Activities of deleted groups, for IncludeDeletedGroups. */
  deletedActivities: Activity[];
}

export const QUOTA = { groups: 500, policies: 50, hooks: 50, targetGroups: 50, tags: 50 };

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function groupNotFound(name: string | undefined): AwsFault {
  return validationError(`AutoScalingGroup name not found - AutoScalingGroup '${name}' not found`);
}

export function getGroup(state: AsgState, name: string | undefined): Group {
  if (!name) throw validationError(`1 validation error detected: Value null at 'autoScalingGroupName' failed to satisfy constraint: Member must not be null`);
  const g = state.groups.get(name);
  if (!g) throw groupNotFound(name);
  return g;
}

/** A group being force-deleted accepts no further changes. */
export function getMutableGroup(state: AsgState, name: string | undefined): Group {
  const g = getGroup(state, name);
  if (g.deleting) throw new AwsFault('ScalingActivityInProgress', `AutoScalingGroup ${g.name} is pending delete.`);
  return g;
}

export function newActivity(state: AsgState, g: Group, description: string, cause: string, details?: Record<string, string>): Activity {
  const a: Activity = {
    ActivityId: state.ctx.ids.uuid(),
    AutoScalingGroupName: g.name,
    AutoScalingGroupARN: g.arn,
    Description: description,
    Cause: cause,
    StartTime: new Date(state.ctx.clock.now()),
    StatusCode: 'InProgress',
    Progress: 0,
    Details: JSON.stringify(details ?? {}),
  };
  g.activities.unshift(a);
  return a;
}

export function setActivity(state: AsgState, a: Activity | undefined, code: ScalingActivityStatusCode, message?: string): void {
  if (!a) return;
  a.StatusCode = code;
  if (message !== undefined) a.StatusMessage = message;
  if (code === 'Successful' || code === 'Failed' || code === 'Cancelled') {
    a.EndTime = new Date(state.ctx.clock.now());
    a.Progress = 100;
  } else {
    a.Progress = Math.max(a.Progress ?? 0, code === 'InProgress' ? 10 : 30);
  }
}

export function activityOpen(a: Activity): boolean {
  return a.StatusCode !== 'Successful' && a.StatusCode !== 'Failed' && a.StatusCode !== 'Cancelled';
}

export function isTerminating(i: AsgInstance): boolean {
  return i.lifecycle.startsWith('Terminating') || i.lifecycle === 'Terminated';
}

export function changed(state: AsgState, g: Group): void {
  state.ctx.hooks.emit('groupChanged', { name: g.name });
}
