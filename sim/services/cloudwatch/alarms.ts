/**
 * Metric alarms: PutMetricAlarm validation, DescribeAlarms, SetAlarmState, DeleteAlarms and the
 * evaluation every Period seconds (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html). A new alarm starts INSUFFICIENT_DATA; each
 * evaluation looks at the last EvaluationPeriods periods, counts breaching datapoints against
 * DatapointsToAlarm and applies TreatMissingData (CloudWatch's "M out of N" rule).
 */
import type {
  DeleteAlarmsCommandInput,
  DescribeAlarmsCommandInput,
  DescribeAlarmsCommandOutput,
  Dimension,
  MetricAlarm,
  MetricDataQuery,
  PutMetricAlarmCommandInput,
  SetAlarmStateCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { AwsFault } from '../../aws-fault.js';
import type { Cancel } from '../../clock.js';
import type { SimContext } from '../../context.js';
import { isStatistic, type MetricStore, statistic } from './metrics.js';
import { checkDimensions, checkPeriod, cwValidation, formatReasonDate, mustHave } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;
export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

const STATES = ['OK', 'ALARM', 'INSUFFICIENT_DATA'];
const OPERATORS: Record<string, [string, (v: number, t: number) => boolean]> = {
  GreaterThanOrEqualToThreshold: ['greater than or equal to', (v, t) => v >= t],
  GreaterThanThreshold: ['greater than', (v, t) => v > t],
  LessThanThreshold: ['less than', (v, t) => v < t],
  LessThanOrEqualToThreshold: ['less than or equal to', (v, t) => v <= t],
};
const BAND_OPERATORS = ['LessThanLowerOrGreaterThanUpperThreshold', 'LessThanLowerThreshold', 'GreaterThanUpperThreshold'];
const TREAT_MISSING = ['breaching', 'notBreaching', 'ignore', 'missing'];

interface WatchedMetric {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  stat: string;
  period: number;
  unit?: string;
}

interface AlarmRec {
  input: PutMetricAlarmCommandInput;
  arn: string;
  metric: WatchedMetric;
  state: AlarmState;
  reason: string;
  reasonData?: string;
  stateUpdated: number;
  stateTransitioned: number;
  configUpdated: number;
  timer?: Cancel;
}

export class Alarms {
  private readonly alarms = new Map<string, AlarmRec>();

  constructor(
    private readonly ctx: SimContext,
    private readonly store: MetricStore,
  ) {}

  put(input: PutMetricAlarmCommandInput): void {
    const name = mustHave(input.AlarmName, 'AlarmName');
    if (name.length < 1 || name.length > 255) throw cwValidation(`The parameter AlarmName must be between 1 and 255 characters long`);
    if ((input.AlarmDescription?.length ?? 0) > 1024) throw cwValidation('The parameter AlarmDescription must be no longer than 1024 characters');
    const op = mustHave(input.ComparisonOperator, 'ComparisonOperator');
    if (BAND_OPERATORS.includes(op)) throw new Error(`embedded cloud: anomaly detection alarms (${op}) are not simulated`);
    if (!OPERATORS[op]) throw cwValidation(`Value '${op}' at 'comparisonOperator' failed to satisfy constraint: Member must satisfy enum value set: [${[...Object.keys(OPERATORS), ...BAND_OPERATORS].join(', ')}]`);
    const periods = mustHave(input.EvaluationPeriods, 'EvaluationPeriods');
    if (!Number.isInteger(periods) || periods < 1) throw cwValidation('The parameter EvaluationPeriods must be greater than or equal to 1');
    const toAlarm = input.DatapointsToAlarm ?? periods;
    if (!Number.isInteger(toAlarm) || toAlarm < 1 || toAlarm > periods) {
      throw cwValidation('DatapointsToAlarm must be greater than or equal to 1 and less than or equal to EvaluationPeriods');
    }
    mustHave(input.Threshold, 'Threshold');
    if (input.TreatMissingData !== undefined && !TREAT_MISSING.includes(input.TreatMissingData)) {
      throw cwValidation(`Invalid value '${input.TreatMissingData}' for TreatMissingData; valid values are ${TREAT_MISSING.join(', ')}`);
    }
    for (const list of [input.AlarmActions, input.OKActions, input.InsufficientDataActions]) {
      if ((list?.length ?? 0) > 5) throw cwValidation('An alarm can have at most 5 actions per state');
    }
    const metric = this.watched(input);
    const maxSpan = metric.period >= 3600 ? 7 * 86400 : 86400;
    if (metric.period * periods > maxSpan) throw cwValidation(`The product of EvaluationPeriods and Period must not exceed ${maxSpan} seconds`);

    const now = this.ctx.clock.now();
    const existing = this.alarms.get(name);
    existing?.timer?.cancel();
    // Updating an alarm keeps its state; a new one starts INSUFFICIENT_DATA.
    const rec: AlarmRec = existing
      ? { ...existing, input: structuredClone(input), metric, configUpdated: now }
      : {
          input: structuredClone(input),
          arn: `arn:aws:cloudwatch:${this.ctx.region}:${this.ctx.accountId}:alarm:${name}`,
          metric,
          state: 'INSUFFICIENT_DATA',
          reason: 'Unchecked: Initial alarm creation',
          stateUpdated: now,
          stateTransitioned: now,
          configUpdated: now,
        };
    this.alarms.set(name, rec);
    this.schedule(rec);
  }

  /** The one metric an alarm watches: MetricName/Namespace/Statistic, or a single-MetricStat `Metrics`. */
  private watched(input: PutMetricAlarmCommandInput): WatchedMetric {
    const single = input.MetricName !== undefined || input.Namespace !== undefined || input.Statistic !== undefined || input.ExtendedStatistic !== undefined;
    if (single && input.Metrics) throw cwValidation('Metrics list cannot be specified together with MetricName, Namespace, Statistic or ExtendedStatistic');
    if (input.Metrics) return this.fromQueries(input.Metrics);
    const metricName = mustHave(input.MetricName, 'MetricName');
    const namespace = mustHave(input.Namespace, 'Namespace');
    if ((input.Statistic === undefined) === (input.ExtendedStatistic === undefined)) {
      throw cwValidation('Exactly one of Statistic or ExtendedStatistic must be specified');
    }
    const stat = (input.Statistic ?? input.ExtendedStatistic) as string;
    if (!isStatistic(stat)) throw cwValidation(`Invalid statistic '${stat}'`);
    checkDimensions(input.Dimensions);
    const period = mustHave(input.Period, 'Period');
    checkPeriod(period, true);
    return { namespace, metricName, dimensions: input.Dimensions ?? [], stat, period, ...(input.Unit ? { unit: input.Unit } : {}) };
  }

  private fromQueries(queries: MetricDataQuery[]): WatchedMetric {
    if (queries.some((q) => q.Expression !== undefined)) throw new Error('embedded cloud: metric math in alarms is not simulated');
    const returned = queries.filter((q) => q.ReturnData !== false);
    if (returned.length !== 1) throw cwValidation('Exactly one element of the Metrics list must return data');
    const ms = returned[0]?.MetricStat;
    if (!ms) throw cwValidation('Each element of the Metrics list must have a MetricStat or an Expression');
    const stat = mustHave(ms.Stat, 'Stat');
    if (!isStatistic(stat)) throw cwValidation(`Invalid statistic '${stat}'`);
    checkDimensions(ms.Metric?.Dimensions);
    const period = mustHave(ms.Period, 'Period');
    checkPeriod(period, true);
    return {
      namespace: mustHave(ms.Metric?.Namespace, 'Namespace'),
      metricName: mustHave(ms.Metric?.MetricName, 'MetricName'),
      dimensions: ms.Metric?.Dimensions ?? [],
      stat,
      period,
      ...(ms.Unit ? { unit: ms.Unit } : {}),
    };
  }

  describe(input: DescribeAlarmsCommandInput): Out<DescribeAlarmsCommandOutput> {
    if (input.AlarmNames && input.AlarmNamePrefix !== undefined) {
      throw new AwsFault('InvalidParameterCombination', 'AlarmNames and AlarmNamePrefix cannot be specified together');
    }
    if ((input.AlarmNames?.length ?? 0) > 100) throw cwValidation('The parameter AlarmNames must contain at most 100 names');
    if (input.StateValue !== undefined && !STATES.includes(input.StateValue)) {
      throw cwValidation(`1 validation error detected: Value '${input.StateValue}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(', ')}]`);
    }
    const max = input.MaxRecords ?? 50;
    if (!Number.isInteger(max) || max < 1 || max > 100) throw cwValidation('The parameter MaxRecords must be between 1 and 100');
    let start = 0;
    if (input.NextToken !== undefined) {
      const m = /^a(\d+)$/.exec(input.NextToken);
      if (!m) throw new AwsFault('InvalidNextToken', 'The service returned an invalid NextToken');
      start = Number(m[1]);
    }
    const wantMetric = !input.AlarmTypes || input.AlarmTypes.includes('MetricAlarm');
    const composites = input.AlarmTypes?.includes('CompositeAlarm') ? { CompositeAlarms: [] } : {};
    if (!wantMetric || input.ChildrenOfAlarmName || input.ParentsOfAlarmName) return { MetricAlarms: [], ...composites };
    const names = input.AlarmNames ? new Set(input.AlarmNames) : undefined;
    const list = [...this.alarms.values()]
      .filter((a) => !names || names.has(a.input.AlarmName as string))
      .filter((a) => input.AlarmNamePrefix === undefined || (a.input.AlarmName as string).startsWith(input.AlarmNamePrefix))
      .filter((a) => input.StateValue === undefined || a.state === input.StateValue)
      .filter((a) => {
        const p = input.ActionPrefix;
        return p === undefined || [...(a.input.AlarmActions ?? []), ...(a.input.OKActions ?? []), ...(a.input.InsufficientDataActions ?? [])].some((x) => x.startsWith(p));
      })
      .sort((a, b) => (a.input.AlarmName as string).localeCompare(b.input.AlarmName as string));
    const slice = list.slice(start, start + max);
    return {
      MetricAlarms: slice.map((a) => this.output(a)),
      ...composites,
      ...(start + max < list.length ? { NextToken: `a${start + max}` } : {}),
    };
  }

  private output(a: AlarmRec): MetricAlarm {
    const i = a.input;
    const out: MetricAlarm = {
      AlarmName: i.AlarmName,
      AlarmArn: a.arn,
      AlarmDescription: i.AlarmDescription,
      AlarmConfigurationUpdatedTimestamp: new Date(a.configUpdated),
      ActionsEnabled: i.ActionsEnabled ?? true,
      OKActions: i.OKActions ?? [],
      AlarmActions: i.AlarmActions ?? [],
      InsufficientDataActions: i.InsufficientDataActions ?? [],
      StateValue: a.state,
      StateReason: a.reason,
      StateReasonData: a.reasonData,
      StateUpdatedTimestamp: new Date(a.stateUpdated),
      StateTransitionedTimestamp: new Date(a.stateTransitioned),
      MetricName: i.MetricName,
      Namespace: i.Namespace,
      Statistic: i.Statistic,
      ExtendedStatistic: i.ExtendedStatistic,
      Dimensions: i.Metrics ? undefined : (i.Dimensions ?? []),
      Period: i.Period,
      Unit: i.Unit,
      EvaluationPeriods: i.EvaluationPeriods,
      DatapointsToAlarm: i.DatapointsToAlarm,
      Threshold: i.Threshold,
      ComparisonOperator: i.ComparisonOperator,
      TreatMissingData: i.TreatMissingData,
      Metrics: i.Metrics,
    };
    for (const k of Object.keys(out) as (keyof MetricAlarm)[]) if (out[k] === undefined) delete out[k];
    return out;
  }

  setState(input: SetAlarmStateCommandInput): void {
    const name = mustHave(input.AlarmName, 'AlarmName');
    const state = mustHave(input.StateValue, 'StateValue');
    const reason = mustHave(input.StateReason, 'StateReason');
    if (!STATES.includes(state)) {
      throw cwValidation(`1 validation error detected: Value '${state}' at 'stateValue' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(', ')}]`);
    }
    if (reason.length > 1023) throw cwValidation('The parameter StateReason must be no longer than 1023 characters');
    if (input.StateReasonData !== undefined) {
      try {
        JSON.parse(input.StateReasonData);
      } catch {
        throw new AwsFault('InvalidFormat', 'StateReasonData is not valid JSON');
      }
    }
    const a = this.alarms.get(name);
    if (!a) throw new AwsFault('ResourceNotFound', `Alarm ${name} not found`, 404);
    this.transition(a, state as AlarmState, reason, input.StateReasonData);
  }

  /** Force an alarm into a state (what tests and fault scenarios use); it holds until the next evaluation. */
  flip(name: string, state: AlarmState, reason = 'Set by the embedded cloud'): void {
    const a = this.alarms.get(name);
    if (!a) throw new Error(`embedded cloud: no alarm named ${name}`);
    this.transition(a, state, reason, undefined);
  }

  stateOf(name: string): AlarmState | undefined {
    return this.alarms.get(name)?.state;
  }

  delete(input: DeleteAlarmsCommandInput): void {
    const names = mustHave(input.AlarmNames, 'AlarmNames');
    if (names.length > 100) throw cwValidation('The parameter AlarmNames must contain at most 100 names');
    const missing = names.find((n) => !this.alarms.has(n));
    if (missing !== undefined) throw new AwsFault('ResourceNotFound', `Alarm ${missing} not found`, 404);
    for (const n of names) {
      this.alarms.get(n)?.timer?.cancel();
      this.alarms.delete(n);
    }
  }

  private transition(a: AlarmRec, state: AlarmState, reason: string, data: string | undefined): void {
    const now = this.ctx.clock.now();
    if (a.state !== state) a.stateTransitioned = now;
    a.state = state;
    a.reason = reason;
    a.reasonData = data;
    a.stateUpdated = now;
  }

  /** Next evaluation at the next multiple of the period (epoch aligned). */
  private schedule(a: AlarmRec): void {
    const p = a.metric.period * 1000;
    const next = (Math.floor(this.ctx.clock.now() / p) + 1) * p;
    a.timer = this.ctx.clock.at(next, () => {
      if (this.alarms.get(a.input.AlarmName as string) !== a) return;
      this.evaluate(a);
      this.schedule(a);
    });
  }

  private evaluate(a: AlarmRec): void {
    this.ctx.elb.flushMetrics();
    const m = a.metric;
    const now = this.ctx.clock.now();
    const p = m.period * 1000;
    const periods = a.input.EvaluationPeriods as number;
    const toAlarm = a.input.DatapointsToAlarm ?? periods;
    const threshold = a.input.Threshold as number;
    const [opText, breaches] = OPERATORS[a.input.ComparisonOperator as string] as [string, (v: number, t: number) => boolean];
    const start = now - periods * p;
    const buckets = this.store.buckets(m.namespace, m.metricName, m.dimensions, start, now, p, m.unit);
    // Newest first, as CloudWatch lists them in the reason.
    const points: { t: number; v?: number }[] = [];
    for (let i = periods - 1; i >= 0; i--) {
      const t = start + i * p;
      const agg = buckets.get(t);
      points.push(agg ? { t, v: statistic(agg, m.stat) } : { t });
    }
    const present = points.filter((x): x is { t: number; v: number } => x.v !== undefined);
    const treat = a.input.TreatMissingData ?? 'missing';
    const missing = points.length - present.length;
    const breaching = present.filter((x) => breaches(x.v, threshold)).length + (treat === 'breaching' ? missing : 0);
    let next: AlarmState;
    let reason: string;
    const list = present.map((x) => `${x.v.toFixed(1)} (${formatReasonDate(x.t)})`).join(', ');
    const plural = (n: number) => (n === 1 ? 'datapoint' : 'datapoints');
    if (present.length === 0 && (treat === 'missing' || treat === 'ignore')) {
      if (treat === 'ignore') return;
      next = 'INSUFFICIENT_DATA';
      reason = `Insufficient Data: ${periods} ${plural(periods)} ${periods === 1 ? 'was' : 'were'} unknown.`;
    } else if (breaching >= toAlarm) {
      next = 'ALARM';
      reason = `Threshold Crossed: ${breaching} out of the last ${periods} ${plural(periods)} [${list}] ${breaching === 1 ? 'was' : 'were'} ${opText} the threshold (${threshold.toFixed(1)}) (minimum ${toAlarm} ${plural(toAlarm)} for OK -> ALARM transition).`;
    } else {
      next = 'OK';
      reason = `Threshold Crossed: ${periods - breaching} out of the last ${periods} ${plural(periods)} [${list}] ${periods - breaching === 1 ? 'was' : 'were'} not ${opText} the threshold (${threshold.toFixed(1)}) (minimum 1 datapoint for ALARM -> OK transition).`;
    }
    if (next === a.state) return;
    const data = JSON.stringify({
      version: '1.0',
      queryDate: new Date(now).toISOString(),
      startDate: new Date(start).toISOString(),
      statistic: m.stat,
      period: m.period,
      recentDatapoints: present.map((x) => x.v),
      threshold,
      evaluatedDatapoints: present.map((x) => ({ timestamp: new Date(x.t).toISOString(), value: x.v })),
    });
    this.transition(a, next, reason, data);
  }
}
