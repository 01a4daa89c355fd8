/**
 * How one minute of a target group's requests turns out: how many fail, and how long the answered
 * ones took. The ELB traffic simulation publishes CloudWatch datapoints from it, and the judge's
 * bench draws metric series from the very same model. Seeded (the caller's Rng), no clock.
 *
 * Latency is log-normal, set by its median and 99th percentile; `jitter` scales a whole minute by
 * a log-normal factor (a noisy neighbour, a GC-heavy minute), so minutes vary more than requests
 * alone would make them. Failures are binomial: each request fails with the release's error rate.
 */
import type { Rng } from './rng.js';

export interface LatencyModel {
  /** Median seconds of an answered request. */
  medianSeconds: number;
  /** 99th percentile seconds (≥ median). */
  p99Seconds: number;
  /** σ of the per-minute log-normal factor; 0 = every minute alike. */
  jitter: number;
}

/** z of the 99th percentile of the standard normal. */
const Z99 = 2.3263478740408408;
/** Seconds a failed request takes (fails fast). */
export const FAILED_RESPONSE_SECONDS = 0.005;
/** Latencies drawn per target group and minute at most: percentiles of more requests come from this many. */
export const MAX_LATENCY_SAMPLES = 1000;

/** A standard normal draw (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Failures among `n` requests that each fail with probability `p`. */
export function binomial(rng: Rng, n: number, p: number): number {
  if (p <= 0 || n <= 0) return 0;
  if (p >= 1) return n;
  // Normal approximation where it is good, exact draws where counts are small.
  if (n * p > 30 && n * (1 - p) > 30) return Math.min(n, Math.max(0, Math.round(n * p + gaussian(rng) * Math.sqrt(n * p * (1 - p)))));
  let k = 0;
  for (let i = 0; i < n; i++) if (rng.next() < p) k++;
  return k;
}

/** `count` latencies of answered requests in one minute, sorted ascending. */
export function minuteLatencies(rng: Rng, m: LatencyModel, count: number): number[] {
  const sigma = Math.max(0, Math.log(m.p99Seconds / m.medianSeconds) / Z99);
  const minute = m.jitter > 0 ? Math.exp(gaussian(rng) * m.jitter) : 1;
  const mu = Math.log(m.medianSeconds * minute);
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = Math.exp(mu + sigma * gaussian(rng));
  return out.sort((a, b) => a - b);
}

export interface MinuteOutcome {
  requests: number;
  failed: number;
  /** Sorted latencies of a sample of the answered requests (failures take FAILED_RESPONSE_SECONDS). */
  samples: number[];
  /** Estimated total seconds of all answered requests. */
  responseSum: number;
}

/** One minute of `requests` to a group whose app fails `errorRate` of them and answers as `latency`. */
export function drawMinute(rng: Rng, requests: number, errorRate: number, latency: LatencyModel): MinuteOutcome {
  const failed = binomial(rng, requests, errorRate);
  const ok = requests - failed;
  const k = Math.min(requests, MAX_LATENCY_SAMPLES);
  const okSamples = Math.round((k * ok) / Math.max(1, requests));
  const samples = minuteLatencies(rng, latency, okSamples);
  for (let i = okSamples; i < k; i++) samples.push(FAILED_RESPONSE_SECONDS);
  samples.sort((a, b) => a - b);
  const mean = k > 0 ? samples.reduce((s, v) => s + v, 0) / k : 0;
  return { requests, failed, samples, responseSum: mean * requests };
}

/** Nearest-rank percentile of sorted values (what CloudWatch's pNN statistic reports). */
export function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((q / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}
