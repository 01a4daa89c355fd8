/**
 * Group settings that shape no instance in the simulator but must round-trip through the API as
 * AWS keeps them: warm pool configuration (no warm instances are run), scheduled actions (stored,
 * not fired), SNS notification configurations, group metrics collection, the instance maintenance
 * policy. Kept beside the group (a WeakMap) so they go when the group goes. Also the link AWS
 * keeps between simple/step scaling policies and the CloudWatch alarms that invoke them.
 */
import type {
  DeleteNotificationConfigurationCommandInput,
  DeleteScheduledActionCommandInput,
  DeleteWarmPoolCommandInput,
  DescribeNotificationConfigurationsCommandInput,
  DescribeNotificationConfigurationsCommandOutput,
  DescribeScheduledActionsCommandInput,
  DescribeScheduledActionsCommandOutput,
  DescribeWarmPoolCommandInput,
  DescribeWarmPoolCommandOutput,
  DisableMetricsCollectionCommandInput,
  EnableMetricsCollectionCommandInput,
  InstanceMaintenancePolicy,
  PutNotificationConfigurationCommandInput,
  PutScheduledUpdateGroupActionCommandInput,
  PutWarmPoolCommandInput,
  ScheduledUpdateGroupAction,
  WarmPoolConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { validationError } from '../../aws-fault.js';
import { type AsgState, getGroup, getMutableGroup, type Group } from './model.js';

type Out<T> = Omit<T, '$metadata'>;

/** The metrics EnableMetricsCollection accepts when none are named ("all"). */
export const GROUP_METRICS = [
  'GroupMinSize',
  'GroupMaxSize',
  'GroupDesiredCapacity',
  'GroupInServiceInstances',
  'GroupPendingInstances',
  'GroupStandbyInstances',
  'GroupTerminatingInstances',
  'GroupTotalInstances',
  'GroupInServiceCapacity',
  'GroupPendingCapacity',
  'GroupStandbyCapacity',
  'GroupTerminatingCapacity',
  'GroupTotalCapacity',
  'WarmPoolDesiredCapacity',
  'WarmPoolWarmedCapacity',
  'WarmPoolPendingCapacity',
  'WarmPoolTerminatingCapacity',
  'WarmPoolTotalCapacity',
  'GroupAndWarmPoolDesiredCapacity',
  'GroupAndWarmPoolTotalCapacity',
];

const NOTIFICATION_TYPES = [
  'autoscaling:EC2_INSTANCE_LAUNCH',
  'autoscaling:EC2_INSTANCE_LAUNCH_ERROR',
  'autoscaling:EC2_INSTANCE_TERMINATE',
  'autoscaling:EC2_INSTANCE_TERMINATE_ERROR',
  'autoscaling:TEST_NOTIFICATION',
];

export interface GroupSettings {
  warmPool?: WarmPoolConfiguration;
  scheduled: Map<string, ScheduledUpdateGroupAction>;
  /** Topic ARN → notification types. */
  notifications: Map<string, Set<string>>;
  metrics: { granularity: string; names: Set<string> };
  maintenance?: InstanceMaintenancePolicy;
}

const store = new WeakMap<Group, GroupSettings>();

export function settingsOf(g: Group): GroupSettings {
  let s = store.get(g);
  if (!s) {
    s = { scheduled: new Map(), notifications: new Map(), metrics: { granularity: '1Minute', names: new Set() } };
    store.set(g, s);
  }
  return s;
}

function checkMaintenance(p: InstanceMaintenancePolicy): void {
  const min = p.MinHealthyPercentage ?? -1;
  const max = p.MaxHealthyPercentage ?? -1;
  if (min === -1 && max === -1) return;
  if (min < 0 || min > 100 || max < 100 || max > 200 || max - min > 100) {
    throw validationError('MinHealthyPercentage must be 0-100, MaxHealthyPercentage 100-200, and their difference at most 100 (or both -1).');
  }
}

/** CreateAutoScalingGroup / UpdateAutoScalingGroup: the instance maintenance policy. */
export function setMaintenance(g: Group, policy: InstanceMaintenancePolicy | undefined): void {
  if (policy === undefined) return;
  checkMaintenance(policy);
  settingsOf(g).maintenance = { MinHealthyPercentage: policy.MinHealthyPercentage ?? -1, MaxHealthyPercentage: policy.MaxHealthyPercentage ?? -1 };
}

// ── Warm pools ────────────────────────────────────────────────────────────────────────────

export function putWarmPool(s: AsgState, input: PutWarmPoolCommandInput): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const state = input.PoolState ?? 'Stopped';
  if (!['Stopped', 'Running', 'Hibernated'].includes(state)) throw validationError(`Invalid PoolState ${state}`);
  if (input.MinSize !== undefined && input.MinSize < 0) throw validationError('MinSize must be at least 0');
  settingsOf(g).warmPool = {
    ...(input.MaxGroupPreparedCapacity !== undefined ? { MaxGroupPreparedCapacity: input.MaxGroupPreparedCapacity } : {}),
    MinSize: input.MinSize ?? 0,
    PoolState: state,
    ...(input.InstanceReusePolicy ? { InstanceReusePolicy: structuredClone(input.InstanceReusePolicy) } : {}),
  };
}

export function describeWarmPool(s: AsgState, input: DescribeWarmPoolCommandInput): Out<DescribeWarmPoolCommandOutput> {
  const g = getGroup(s, input.AutoScalingGroupName);
  const pool = settingsOf(g).warmPool;
  return pool ? { WarmPoolConfiguration: structuredClone(pool), Instances: [] } : { Instances: [] };
}

export function deleteWarmPool(s: AsgState, input: DeleteWarmPoolCommandInput): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  delete settingsOf(g).warmPool;
}

// ── Scheduled actions ─────────────────────────────────────────────────────────────────────

export function putScheduledAction(s: AsgState, input: PutScheduledUpdateGroupActionCommandInput): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const name = input.ScheduledActionName;
  if (!name) throw validationError("1 validation error detected: Value null at 'scheduledActionName' failed to satisfy constraint: Member must not be null");
  if (input.MinSize === undefined && input.MaxSize === undefined && input.DesiredCapacity === undefined) {
    throw validationError('At least one of MinSize, MaxSize or DesiredCapacity must be specified.');
  }
  const action: ScheduledUpdateGroupAction = {
    AutoScalingGroupName: g.name,
    ScheduledActionName: name,
    ScheduledActionARN: s.ctx.ids.arn('autoscaling', `scheduledUpdateGroupAction:${s.ctx.ids.uuid()}:autoScalingGroupName/${g.name}:scheduledActionName/${name}`),
    ...(input.Recurrence !== undefined ? { Recurrence: input.Recurrence } : {}),
    ...(input.StartTime !== undefined ? { StartTime: new Date(input.StartTime), Time: new Date(input.StartTime) } : {}),
    ...(input.EndTime !== undefined ? { EndTime: new Date(input.EndTime) } : {}),
    ...(input.MinSize !== undefined ? { MinSize: input.MinSize } : {}),
    ...(input.MaxSize !== undefined ? { MaxSize: input.MaxSize } : {}),
    ...(input.DesiredCapacity !== undefined ? { DesiredCapacity: input.DesiredCapacity } : {}),
    ...(input.TimeZone !== undefined ? { TimeZone: input.TimeZone } : {}),
  };
  settingsOf(g).scheduled.set(name, action);
}

export function describeScheduledActions(s: AsgState, input: DescribeScheduledActionsCommandInput): Out<DescribeScheduledActionsCommandOutput> {
  const groups = input.AutoScalingGroupName ? [getGroup(s, input.AutoScalingGroupName)] : [...s.groups.values()];
  const names = input.ScheduledActionNames?.length ? input.ScheduledActionNames : undefined;
  const actions = groups.flatMap((g) => [...settingsOf(g).scheduled.values()]).filter((a) => !names || names.includes(a.ScheduledActionName as string));
  return { ScheduledUpdateGroupActions: actions.map((a) => structuredClone(a)) };
}

export function deleteScheduledAction(s: AsgState, input: DeleteScheduledActionCommandInput): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  if (!settingsOf(g).scheduled.delete(input.ScheduledActionName ?? '')) throw validationError(`Scheduled Update Group Action not found - ${input.ScheduledActionName}`);
}

// ── Notification configurations ───────────────────────────────────────────────────────────

export function putNotificationConfiguration(s: AsgState, input: PutNotificationConfigurationCommandInput): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  if (!input.TopicARN) throw validationError("1 validation error detected: Value null at 'topicARN' failed to satisfy constraint: Member must not be null");
  const types = input.NotificationTypes ?? [];
  for (const t of types) if (!NOTIFICATION_TYPES.includes(t)) throw validationError(`Invalid notification type ${t}`);
  settingsOf(g).notifications.set(input.TopicARN, new Set(types));
}

export function describeNotificationConfigurations(
  s: AsgState,
  input: DescribeNotificationConfigurationsCommandInput,
): Out<DescribeNotificationConfigurationsCommandOutput> {
  const groups = input.AutoScalingGroupNames?.length ? input.AutoScalingGroupNames.map((n) => getGroup(s, n)) : [...s.groups.values()];
  return {
    NotificationConfigurations: groups.flatMap((g) =>
      [...settingsOf(g).notifications].flatMap(([TopicARN, types]) => [...types].sort().map((NotificationType) => ({ AutoScalingGroupName: g.name, TopicARN, NotificationType }))),
    ),
  };
}

export function deleteNotificationConfiguration(s: AsgState, input: DeleteNotificationConfigurationCommandInput): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  settingsOf(g).notifications.delete(input.TopicARN ?? '');
}

// ── Group metrics collection ──────────────────────────────────────────────────────────────

export function enableMetricsCollection(s: AsgState, input: EnableMetricsCollectionCommandInput): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  if (input.Granularity !== '1Minute') throw validationError('Valid value for granularity: 1Minute');
  const names = input.Metrics?.length ? input.Metrics : GROUP_METRICS;
  for (const m of names) if (!GROUP_METRICS.includes(m)) throw validationError(`Invalid metric ${m}`);
  const metrics = settingsOf(g).metrics;
  metrics.granularity = input.Granularity;
  for (const m of names) metrics.names.add(m);
}

export function disableMetricsCollection(s: AsgState, input: DisableMetricsCollectionCommandInput): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const names = input.Metrics?.length ? input.Metrics : GROUP_METRICS;
  for (const m of names) settingsOf(g).metrics.names.delete(m);
}

/** DescribeAutoScalingGroups' view of these settings. */
export function settingsShape(g: Group): { EnabledMetrics: { Metric: string; Granularity: string }[]; WarmPoolConfiguration?: WarmPoolConfiguration; InstanceMaintenancePolicy?: InstanceMaintenancePolicy } {
  const st = settingsOf(g);
  return {
    EnabledMetrics: [...st.metrics.names].sort().map((Metric) => ({ Metric, Granularity: st.metrics.granularity })),
    ...(st.warmPool ? { WarmPoolConfiguration: structuredClone(st.warmPool) } : {}),
    ...(st.maintenance ? { InstanceMaintenancePolicy: { ...st.maintenance } } : {}),
  };
}

// ── Scaling policies and their alarms ─────────────────────────────────────────────────────

interface AlarmView {
  AlarmName?: string;
  AlarmArn?: string;
  AlarmActions?: string[];
  OKActions?: string[];
  InsufficientDataActions?: string[];
}

function alarms(s: AsgState): AlarmView[] {
  return (s.ctx.cloudwatch.DescribeAlarms({}).MetricAlarms ?? []) as AlarmView[];
}

/** DescribePolicies lists, for a simple or step policy, the alarms whose actions invoke it. */
export function alarmsInvoking(s: AsgState, policyArn: string): { AlarmName: string; AlarmARN: string }[] {
  return alarms(s)
    .filter((a) => [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])].includes(policyArn))
    .map((a) => ({ AlarmName: a.AlarmName as string, AlarmARN: a.AlarmArn as string }));
}

/**
 * Deleting a group deletes its policies, "the underlying alarm actions, and any alarm that no
 * longer has an associated action" (DeleteAutoScalingGroup, EC2 Auto Scaling API Reference).
 */
export function dropPolicyAlarms(s: AsgState, g: Group): void {
  const arns = new Set([...g.policies.values()].map((p) => p.PolicyARN as string));
  if (arns.size === 0) return;
  const cw = s.ctx.cloudwatch;
  for (const a of alarms(s)) {
    const keep = (list?: string[]) => list?.filter((x) => !arns.has(x));
    const [alarm, ok, insufficient] = [keep(a.AlarmActions), keep(a.OKActions), keep(a.InsufficientDataActions)];
    const before = (a.AlarmActions?.length ?? 0) + (a.OKActions?.length ?? 0) + (a.InsufficientDataActions?.length ?? 0);
    const after = (alarm?.length ?? 0) + (ok?.length ?? 0) + (insufficient?.length ?? 0);
    if (after === before) continue;
    if (after === 0) cw.DeleteAlarms({ AlarmNames: [a.AlarmName as string] });
    else cw.PutMetricAlarm({ ...(a as object), AlarmActions: alarm, OKActions: ok, InsufficientDataActions: insufficient } as never);
  }
}
