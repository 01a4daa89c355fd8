/** CloudWatch metric reads for the deployment report: the load balancer's per-target-group series. */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { client } from './clients.js';

export interface SeriesQuery {
  id: string;
  metric: string;
  stat: 'Sum' | 'Average' | 'Maximum' | 'Minimum';
  /** `targetgroup/<name>/<id>` (the dimension form of a target group ARN). */
  targetGroup: string;
  /** `app/<name>/<id>`. */
  loadBalancer: string;
}

/** One-minute series of AWS/ApplicationELB metrics between two instants, as id → [epoch ms, value][]. */
export async function albSeries(queries: SeriesQuery[], start: number, end: number): Promise<Record<string, [number, number][]>> {
  const result: Record<string, [number, number][]> = Object.fromEntries(queries.map((q) => [q.id, []]));
  if (queries.length === 0) return result;
  const MetricDataQueries: MetricDataQuery[] = queries.map((q) => ({
    Id: q.id,
    MetricStat: {
      Metric: {
        Namespace: 'AWS/ApplicationELB',
        MetricName: q.metric,
        Dimensions: [
          { Name: 'TargetGroup', Value: q.targetGroup },
          { Name: 'LoadBalancer', Value: q.loadBalancer },
        ],
      },
      Period: 60,
      Stat: q.stat,
    },
  }));
  let NextToken: string | undefined;
  do {
    const out = await client(CloudWatchClient).send(
      new GetMetricDataCommand({ MetricDataQueries, StartTime: new Date(start), EndTime: new Date(end), ScanBy: 'TimestampAscending', ...(NextToken ? { NextToken } : {}) }),
    );
    for (const r of out.MetricDataResults ?? []) {
      const series = result[r.Id ?? ''];
      if (!series) continue;
      (r.Timestamps ?? []).forEach((ts, i) => series.push([new Date(ts).getTime(), r.Values?.[i] ?? 0]));
    }
    NextToken = out.NextToken;
  } while (NextToken);
  for (const s of Object.values(result)) s.sort((a, b) => a[0] - b[0]);
  return result;
}
