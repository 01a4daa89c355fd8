/**
 * What a live group carries beyond CreateAutoScalingGroup's input, copied onto its successor
 * after the group exists: warm pool, scheduled actions, SNS notification configurations, group
 * metrics collection, suspended processes, and the CloudWatch alarms that drive its simple and step
 * scaling policies (re-created against the new group's policies). docs/deploy.md has the table.
 * Every call is a put by name, so a retried LaunchGroup makes no duplicates.
 */
import type {
  AutoScalingGroup,
  EnableMetricsCollectionCommandInput,
  PutNotificationConfigurationCommandInput,
  PutScheduledUpdateGroupActionCommandInput,
  PutWarmPoolCommandInput,
  ScalingPolicy,
  SuspendProcessesCommandInput,
} from '@aws-sdk/client-auto-scaling';
import type { MetricAlarm, PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import {
  enableMetricsCollection,
  type GroupExtras,
  groupExtras,
  putNotificationConfiguration,
  putScheduledAction,
  putWarmPool,
  suspendProcesses,
} from '../../aws/autoscaling.js';
import { metricAlarms, putAlarm } from '../../aws/cloudwatch.js';

/**
 * Processes left running on the new group even when suspended on the live one: with Launch or
 * AddToLoadBalancer suspended the new group could never become healthy, so the deployment could
 * only fail. Every other suspended process is suspended on the new group too.
 */
export const NEVER_SUSPENDED = ['Launch', 'AddToLoadBalancer'];

export interface SettingsRequests {
  warmPool?: PutWarmPoolCommandInput;
  scheduled: PutScheduledUpdateGroupActionCommandInput[];
  notifications: PutNotificationConfigurationCommandInput[];
  metrics?: EnableMetricsCollectionCommandInput;
  suspend?: SuspendProcessesCommandInput;
}

/** Pure: the put requests that give `name` the live group's settings. `now` drops start times already past (AWS refuses them). */
export function settingsRequests(live: AutoScalingGroup, extras: GroupExtras, name: string, now: number): SettingsRequests {
  const pool = extras.warmPool;
  const byTopic = new Map<string, string[]>();
  for (const n of extras.notifications) {
    if (!n.TopicARN || !n.NotificationType) continue;
    byTopic.set(n.TopicARN, [...(byTopic.get(n.TopicARN) ?? []), n.NotificationType]);
  }
  const metrics = (live.EnabledMetrics ?? []).map((m) => m.Metric).filter((m): m is string => !!m);
  const suspended = (live.SuspendedProcesses ?? []).map((p) => p.ProcessName).filter((p): p is string => !!p && !NEVER_SUSPENDED.includes(p));
  return {
    ...(pool
      ? {
          warmPool: {
            AutoScalingGroupName: name,
            ...(pool.MaxGroupPreparedCapacity !== undefined ? { MaxGroupPreparedCapacity: pool.MaxGroupPreparedCapacity } : {}),
            ...(pool.MinSize !== undefined ? { MinSize: pool.MinSize } : {}),
            ...(pool.PoolState ? { PoolState: pool.PoolState } : {}),
            ...(pool.InstanceReusePolicy ? { InstanceReusePolicy: pool.InstanceReusePolicy } : {}),
          },
        }
      : {}),
    scheduled: extras.scheduled.map((a) => {
      const start = a.StartTime ?? a.Time;
      return {
        AutoScalingGroupName: name,
        ScheduledActionName: a.ScheduledActionName as string,
        ...(start && start.getTime() > now ? { StartTime: start } : {}),
        ...(a.EndTime ? { EndTime: a.EndTime } : {}),
        ...(a.Recurrence ? { Recurrence: a.Recurrence } : {}),
        ...(a.MinSize !== undefined ? { MinSize: a.MinSize } : {}),
        ...(a.MaxSize !== undefined ? { MaxSize: a.MaxSize } : {}),
        ...(a.DesiredCapacity !== undefined ? { DesiredCapacity: a.DesiredCapacity } : {}),
        ...(a.TimeZone ? { TimeZone: a.TimeZone } : {}),
      };
    }),
    notifications: [...byTopic].map(([TopicARN, NotificationTypes]) => ({ AutoScalingGroupName: name, TopicARN, NotificationTypes })),
    ...(metrics.length > 0 ? { metrics: { AutoScalingGroupName: name, Granularity: live.EnabledMetrics?.[0]?.Granularity ?? '1Minute', Metrics: metrics } } : {}),
    ...(suspended.length > 0 ? { suspend: { AutoScalingGroupName: name, ScalingProcesses: suspended } } : {}),
  };
}

/**
 * Pure: each alarm that invokes a live simple/step policy, re-pointed at the new group — its name
 * with the old group's name replaced (or suffixed), actions mapped to the new policies' ARNs, and
 * an `AutoScalingGroupName` dimension naming the new group. Deleting the new group later deletes
 * these alarms with it (AWS deletes the policies, their alarm actions, and any alarm left with
 * none: DeleteAutoScalingGroup, EC2 Auto Scaling API Reference).
 */
export function cloneAlarms(alarms: MetricAlarm[], policyArns: Map<string, string>, oldGroup: string, newGroup: string): PutMetricAlarmCommandInput[] {
  const mapActions = (list?: string[]) => list?.map((a) => policyArns.get(a) ?? a);
  return alarms
    .filter((a) => [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])].some((x) => policyArns.has(x)))
    .map((a) => ({
      AlarmName: (a.AlarmName as string).includes(oldGroup) ? (a.AlarmName as string).replaceAll(oldGroup, newGroup) : `${a.AlarmName}-${newGroup}`,
      ...(a.AlarmDescription ? { AlarmDescription: a.AlarmDescription } : {}),
      ActionsEnabled: a.ActionsEnabled ?? true,
      ...(a.AlarmActions ? { AlarmActions: mapActions(a.AlarmActions) } : {}),
      ...(a.OKActions ? { OKActions: mapActions(a.OKActions) } : {}),
      ...(a.InsufficientDataActions ? { InsufficientDataActions: mapActions(a.InsufficientDataActions) } : {}),
      ...(a.MetricName ? { MetricName: a.MetricName } : {}),
      ...(a.Namespace ? { Namespace: a.Namespace } : {}),
      ...(a.Statistic ? { Statistic: a.Statistic } : {}),
      ...(a.ExtendedStatistic ? { ExtendedStatistic: a.ExtendedStatistic } : {}),
      ...(a.Dimensions ? { Dimensions: a.Dimensions.map((d) => (d.Name === 'AutoScalingGroupName' && d.Value === oldGroup ? { ...d, Value: newGroup } : d)) } : {}),
      ...(a.Period !== undefined ? { Period: a.Period } : {}),
      ...(a.Unit ? { Unit: a.Unit } : {}),
      EvaluationPeriods: a.EvaluationPeriods as number,
      ...(a.DatapointsToAlarm !== undefined ? { DatapointsToAlarm: a.DatapointsToAlarm } : {}),
      ...(a.Threshold !== undefined ? { Threshold: a.Threshold } : {}),
      ComparisonOperator: a.ComparisonOperator,
      ...(a.TreatMissingData ? { TreatMissingData: a.TreatMissingData } : {}),
      ...(a.EvaluateLowSampleCountPercentile ? { EvaluateLowSampleCountPercentile: a.EvaluateLowSampleCountPercentile } : {}),
      ...(a.Metrics ? { Metrics: a.Metrics } : {}),
      ...(a.ThresholdMetricId ? { ThresholdMetricId: a.ThresholdMetricId } : {}),
    }));
}

/**
 * Copies the live group's settings and policy alarms onto the new group. `policyArns` maps each
 * live policy's ARN to the ARN of its copy on the new group.
 */
export async function copyGroupSettings(live: AutoScalingGroup, name: string, livePolicies: ScalingPolicy[], policyArns: Map<string, string>, now: number): Promise<void> {
  const liveName = live.AutoScalingGroupName as string;
  const r = settingsRequests(live, await groupExtras(liveName), name, now);
  if (r.warmPool) await putWarmPool(r.warmPool);
  for (const a of r.scheduled) await putScheduledAction(a);
  for (const n of r.notifications) await putNotificationConfiguration(n);
  if (r.metrics) await enableMetricsCollection(r.metrics);
  if (r.suspend) await suspendProcesses(r.suspend);
  // Target tracking policies make and own their alarms; simple and step policies list the alarms that invoke them.
  const names = livePolicies.filter((p) => p.PolicyType !== 'TargetTrackingScaling').flatMap((p) => (p.Alarms ?? []).map((a) => a.AlarmName as string));
  if (names.length === 0) return;
  for (const alarm of cloneAlarms(await metricAlarms([...new Set(names)]), policyArns, liveName, name)) await putAlarm(alarm);
}
