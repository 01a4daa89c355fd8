/** GetMetricData and GetMetricStatistics over the metric store (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html). */
import type {
  Datapoint,
  GetMetricDataCommandInput,
  GetMetricDataCommandOutput,
  GetMetricStatisticsCommandInput,
  GetMetricStatisticsCommandOutput,
  MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { AwsFault } from '../../aws-fault.js';
import { isStatistic, type MetricStore, STATISTICS, statistic } from './metrics.js';
import { checkDimensions, checkPeriod, cwValidation, mustHave } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

const MINUTE = 60_000;
const MAX_POINTS_GET_STATISTICS = 1440;

const toMs = (d: Date | string | number): number => (d instanceof Date ? d.getTime() : new Date(d).getTime());

export function getMetricData(store: MetricStore, input: GetMetricDataCommandInput): Out<GetMetricDataCommandOutput> {
  const queries = mustHave(input.MetricDataQueries, 'MetricDataQueries');
  if (queries.length === 0 || queries.length > 500) throw cwValidation('The parameter MetricDataQueries must contain between 1 and 500 queries');
  const start = toMs(mustHave(input.StartTime, 'StartTime'));
  const end = toMs(mustHave(input.EndTime, 'EndTime'));
  if (start === end) throw cwValidation('The parameter StartTime must not equal parameter EndTime.');
  if (end < start) throw cwValidation('The parameter EndTime must be greater than StartTime.');
  if (input.ScanBy !== undefined && input.ScanBy !== 'TimestampAscending' && input.ScanBy !== 'TimestampDescending') {
    throw cwValidation(`Value '${input.ScanBy}' at 'scanBy' failed to satisfy constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]`);
  }
  const ids = new Set<string>();
  for (const q of queries) {
    const id = mustHave(q.Id, 'Id');
    if (!/^[a-z][a-zA-Z0-9_]*$/.test(id) || id.length > 255) throw cwValidation(`The value ${id} for parameter MetricDataQueries.member.Id is not valid: it must start with a lowercase letter and contain only letters, numbers and underscores`);
    if (ids.has(id)) throw cwValidation(`The value ${id} for parameter MetricDataQueries.member.Id is non-unique`);
    ids.add(id);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) throw cwValidation(`Exactly one of MetricStat and Expression must be set for query '${id}'`);
    if (q.Expression !== undefined) throw new Error('embedded cloud: metric math expressions are not simulated');
    const ms = q.MetricStat as NonNullable<typeof q.MetricStat>;
    const period = mustHave(ms.Period, 'Period');
    checkPeriod(period, false);
    const stat = mustHave(ms.Stat, 'Stat');
    if (!isStatistic(stat)) throw cwValidation(`The value ${stat} for parameter MetricDataQueries.member.MetricStat.Stat is not a valid statistic`);
    checkDimensions(ms.Metric?.Dimensions);
  }
  // StartTime is rounded down to the minute (recent data), as CloudWatch does.
  const from = Math.floor(start / MINUTE) * MINUTE;
  const ascending = input.ScanBy === 'TimestampAscending';
  const results: MetricDataResult[] = [];
  for (const q of queries) {
    if (q.ReturnData === false) continue;
    const ms = q.MetricStat as NonNullable<typeof q.MetricStat>;
    const metric = ms.Metric ?? {};
    const buckets = store.buckets(metric.Namespace ?? '', metric.MetricName ?? '', metric.Dimensions, from, end, (ms.Period as number) * 1000, ms.Unit);
    const times = [...buckets.keys()].sort((a, b) => (ascending ? a - b : b - a));
    results.push({
      Id: q.Id,
      Label: q.Label ?? metric.MetricName,
      Timestamps: times.map((t) => new Date(t)),
      Values: times.map((t) => statistic(buckets.get(t) as NonNullable<ReturnType<typeof buckets.get>>, ms.Stat as string)),
      StatusCode: 'Complete',
      Messages: [],
    });
  }
  return { MetricDataResults: results, Messages: [] };
}

export function getMetricStatistics(store: MetricStore, input: GetMetricStatisticsCommandInput): Out<GetMetricStatisticsCommandOutput> {
  const missing = (name: string) => new AwsFault('MissingParameter', `The parameter ${name} is required.`);
  const namespace = input.Namespace ?? '';
  if (!input.Namespace) throw missing('Namespace');
  if (!input.MetricName) throw missing('MetricName');
  if (input.StartTime === undefined) throw missing('StartTime');
  if (input.EndTime === undefined) throw missing('EndTime');
  if (input.Period === undefined) throw missing('Period');
  checkPeriod(input.Period, false);
  const stats = input.Statistics ?? [];
  const extended = input.ExtendedStatistics ?? [];
  if ((stats.length === 0) === (extended.length === 0)) throw new AwsFault('InvalidParameterCombination', 'Must specify either Statistics or ExtendedStatistics, but not both.');
  if (stats.length > 5 || extended.length > 10) throw new AwsFault('InvalidParameterValue', 'Too many statistics requested');
  for (const s of stats) if (!(STATISTICS as readonly string[]).includes(s)) throw new AwsFault('InvalidParameterValue', `The parameter Statistics contains an invalid value: ${s}`);
  for (const s of extended) if (!isStatistic(s) || !s.startsWith('p')) throw new AwsFault('InvalidParameterValue', `The parameter ExtendedStatistics contains an invalid value: ${s}`);
  const dims = input.Dimensions;
  try {
    checkDimensions(dims);
  } catch (err) {
    throw new AwsFault('InvalidParameterValue', (err as Error).message);
  }
  const start = toMs(input.StartTime);
  const end = toMs(input.EndTime);
  if (end <= start) throw new AwsFault('InvalidParameterValue', 'The parameter StartTime must be less than the parameter EndTime.');
  const periodMs = input.Period * 1000;
  const wanted = Math.ceil((end - start) / periodMs);
  if (wanted > MAX_POINTS_GET_STATISTICS) {
    throw new AwsFault('InvalidParameterCombination', `You have requested up to ${wanted} datapoints, which exceeds the limit of ${MAX_POINTS_GET_STATISTICS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const from = Math.floor(start / MINUTE) * MINUTE;
  const unit = input.Unit ?? store.unitOf(namespace, input.MetricName, dims);
  const buckets = store.buckets(namespace, input.MetricName, dims, from, end, periodMs, input.Unit);
  const datapoints: Datapoint[] = [...buckets.keys()]
    .sort((a, b) => a - b)
    .map((t) => {
      const agg = buckets.get(t) as NonNullable<ReturnType<typeof buckets.get>>;
      const dp: Datapoint = { Timestamp: new Date(t), Unit: unit as Datapoint['Unit'] };
      for (const s of stats) dp[s as 'Sum'] = statistic(agg, s);
      if (extended.length) dp.ExtendedStatistics = Object.fromEntries(extended.map((s) => [s, statistic(agg, s)]));
      return dp;
    });
  return { Label: input.MetricName, Datapoints: datapoints };
}
