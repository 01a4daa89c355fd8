/** CloudWatch: which of the given alarms are firing; the alarms behind scaling policies, for the clone; per-minute metric values for the canary judge. */
import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand, type MetricAlarm, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { client } from './clients.js';

/** Names of the alarms, among `names`, in state ALARM. One call per 100 names. */
export async function alarmsInAlarm(names: string[]): Promise<string[]> {
  const firing: string[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const out = await client(CloudWatchClient).send(
      new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), StateValue: 'ALARM', MaxRecords: 100 }),
    );
    // The state is checked here too: an emulator (moto) that ignores StateValue next to AlarmNames
    // would otherwise make every watched alarm look as if it fired.
    for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) if (a.AlarmName && a.StateValue === 'ALARM') firing.push(a.AlarmName);
  }
  return firing;
}

/** One metric query of `metricData`: a single statistic of one series, per minute. */
export interface MinuteQuery {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  stat: string;
}

/** Per-minute values of each query over [start, end) with GetMetricData: query id → minute (epoch ms) → value. */
export async function metricData(queries: readonly MinuteQuery[], start: number, end: number): Promise<Map<string, Map<number, number>>> {
  const out = new Map<string, Map<number, number>>(queries.map((q) => [q.id, new Map()]));
  if (end <= start || queries.length === 0) return out;
  // GetMetricData takes at most 500 queries per call, and pages its datapoints with NextToken.
  for (let i = 0; i < queries.length; i += 500) {
    let token: string | undefined;
    do {
      const page = await client(CloudWatchClient).send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(end),
          ScanBy: 'TimestampAscending',
          NextToken: token,
          MetricDataQueries: queries.slice(i, i + 500).map((q) => ({
            Id: q.id,
            MetricStat: { Metric: { Namespace: q.namespace, MetricName: q.metricName, Dimensions: q.dimensions }, Period: 60, Stat: q.stat },
            ReturnData: true,
          })),
        }),
      );
      for (const r of page.MetricDataResults ?? []) {
        const series = out.get(r.Id ?? '');
        if (!series) continue;
        (r.Timestamps ?? []).forEach((t, k) => {
          const v = r.Values?.[k];
          if (v !== undefined) series.set(new Date(t).getTime(), v);
        });
      }
      token = page.NextToken;
    } while (token);
  }
  return out;
}

/** The metric alarms of these names (one call per 100 names). */
export async function metricAlarms(names: string[]): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const out = await client(CloudWatchClient).send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }));
    alarms.push(...(out.MetricAlarms ?? []));
  }
  return alarms;
}

/** Creates or replaces an alarm (idempotent by name). */
export async function putAlarm(input: PutMetricAlarmCommandInput): Promise<void> {
  await client(CloudWatchClient).send(new PutMetricAlarmCommand(input));
}
