/**
 * CloudWatch: metric alarms (with evaluation on the virtual clock) and metric reads. Simulated
 * services publish datapoints with `record` (the ELB simulation publishes AWS/ApplicationELB
 * metrics every minute); the parts live in `./cloudwatch/`.
 */
import type * as cw from '@aws-sdk/client-cloudwatch';
import type { SimContext } from '../context.js';
import { type AlarmState, Alarms } from './cloudwatch/alarms.js';
import { type MetricPoint, MetricStore } from './cloudwatch/metrics.js';
import { getMetricData, getMetricStatistics } from './cloudwatch/queries.js';

type Out<T> = Omit<T, '$metadata'>;

export class CloudWatchSim {
  readonly metrics = new MetricStore();
  readonly alarms: Alarms;

  constructor(readonly ctx: SimContext) {
    this.alarms = new Alarms(ctx, this.metrics);
  }

  // ---- internal methods ----

  /** Publish one aggregated datapoint (what simulated services call). */
  record(point: MetricPoint): void {
    this.metrics.record(point);
  }
  /** Force an alarm's state, as SetAlarmState does; the next evaluation may move it back. */
  flip(alarmName: string, state: AlarmState): void {
    this.alarms.flip(alarmName, state);
  }
  /** OK | ALARM | INSUFFICIENT_DATA, or undefined for an unknown alarm. */
  alarmState(alarmName: string): AlarmState | undefined {
    return this.alarms.stateOf(alarmName);
  }

  // ---- operations ----

  PutMetricAlarm(input: cw.PutMetricAlarmCommandInput): Out<cw.PutMetricAlarmCommandOutput> {
    this.alarms.put(input);
    return {};
  }
  DescribeAlarms(input: cw.DescribeAlarmsCommandInput): Out<cw.DescribeAlarmsCommandOutput> {
    return this.alarms.describe(input);
  }
  SetAlarmState(input: cw.SetAlarmStateCommandInput): Out<cw.SetAlarmStateCommandOutput> {
    this.alarms.setState(input);
    return {};
  }
  DeleteAlarms(input: cw.DeleteAlarmsCommandInput): Out<cw.DeleteAlarmsCommandOutput> {
    this.alarms.delete(input);
    return {};
  }
  GetMetricData(input: cw.GetMetricDataCommandInput): Out<cw.GetMetricDataCommandOutput> {
    this.ctx.elb.flushMetrics();
    return getMetricData(this.metrics, input);
  }
  GetMetricStatistics(input: cw.GetMetricStatisticsCommandInput): Out<cw.GetMetricStatisticsCommandOutput> {
    this.ctx.elb.flushMetrics();
    return getMetricStatistics(this.metrics, input);
  }
}
