/**
 * The metric store: per-minute aggregates as services publish them (`record`), and the
 * statistics CloudWatch computes from them over any period. Series are keyed by namespace, name
 * and the exact dimension set (CloudWatch matches dimension sets exactly).
 */
import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { percentile } from '../../request-model.js';

export interface Aggregate {
  sum: number;
  count: number;
  min: number;
  max: number;
  /** Sorted sample of the values behind the aggregate, when the publisher keeps one: percentiles come from it. */
  samples?: number[];
}

/** Merges b into a (sample lists stay sorted). */
function merge(a: Aggregate, b: Aggregate): void {
  a.sum += b.sum;
  a.count += b.count;
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  if (b.samples) a.samples = a.samples ? [...a.samples, ...b.samples].sort((x, y) => x - y) : [...b.samples];
}

const copy = (a: Aggregate): Aggregate => ({ sum: a.sum, count: a.count, min: a.min, max: a.max, ...(a.samples ? { samples: [...a.samples] } : {}) });

/** What a simulated service publishes: one aggregated datapoint. */
export interface MetricPoint extends Aggregate {
  namespace: string;
  metricName: string;
  dimensions: Dimension[];
  /** Epoch ms (start of the minute it covers). */
  timestamp: number;
  unit: string;
}

interface Series {
  unit: string;
  points: ({ t: number } & Aggregate)[];
}

export const STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

export const seriesKey = (namespace: string, metricName: string, dimensions: Dimension[] | undefined): string =>
  `${namespace}\u0000${metricName}\u0000${[...(dimensions ?? [])]
    .map((d) => `${d.Name}=${d.Value}`)
    .sort()
    .join('\u0000')}`;

export class MetricStore {
  private readonly series = new Map<string, Series>();

  record(p: MetricPoint): void {
    const k = seriesKey(p.namespace, p.metricName, p.dimensions);
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { unit: p.unit, points: [] }));
    const last = s.points[s.points.length - 1];
    // Points arrive in time order; a second point for the same instant is merged into it.
    if (last && last.t === p.timestamp) merge(last, p);
    else s.points.push({ t: p.timestamp, ...copy(p) });
  }

  unitOf(namespace: string, metricName: string, dimensions: Dimension[] | undefined): string | undefined {
    return this.series.get(seriesKey(namespace, metricName, dimensions))?.unit;
  }

  /**
   * Aggregates per period over [start, end): periods start at `start` and step by `periodMs`;
   * periods without any datapoint are absent (CloudWatch does not zero-fill).
   */
  buckets(namespace: string, metricName: string, dimensions: Dimension[] | undefined, start: number, end: number, periodMs: number, unit?: string): Map<number, Aggregate> {
    const out = new Map<number, Aggregate>();
    const s = this.series.get(seriesKey(namespace, metricName, dimensions));
    if (!s || (unit !== undefined && unit !== s.unit)) return out;
    for (const p of s.points) {
      if (p.t < start || p.t >= end) continue;
      const b = start + Math.floor((p.t - start) / periodMs) * periodMs;
      const a = out.get(b);
      if (!a) out.set(b, copy(p));
      else merge(a, p);
    }
    return out;
  }
}

/** One statistic of an aggregate; percentiles come from its sample, else are approximated from the aggregate. */
export function statistic(a: Aggregate, stat: string): number {
  switch (stat) {
    case 'Sum':
      return a.sum;
    case 'SampleCount':
      return a.count;
    case 'Minimum':
      return a.min;
    case 'Maximum':
      return a.max;
    case 'Average':
      return a.count === 0 ? 0 : a.sum / a.count;
    default: {
      const p = /^p(\d{1,2}(\.\d{1,2})?|100)$/.exec(stat);
      if (!p) return NaN;
      const q = Number(p[1]);
      if (a.samples && a.samples.length > 0) return percentile(a.samples, q);
      if (q >= 99) return a.max;
      if (q <= 1) return a.min;
      return a.count === 0 ? 0 : a.sum / a.count;
    }
  }
}

export const isStatistic = (stat: string): boolean => (STATISTICS as readonly string[]).includes(stat) || /^p(\d{1,2}(\.\d{1,2})?|100)$/.test(stat);
