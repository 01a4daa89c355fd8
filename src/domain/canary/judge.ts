/**
 * The canary judgment, pure: per-minute series of each metric for the canary and its baseline in,
 * per-metric verdicts, a score and a decision out (Kayenta's model).
 *
 * - A metric is `high`/`low` when the Mann–Whitney test finds the canary shifted in a bad direction
 *   with the rule's confidence AND the shift of the mean is at least `effectSize` (relative) and
 *   `minAbsoluteChange` (absolute): significant and large enough to matter. Otherwise `pass`. The
 *   mean of a rate is the pooled rate (weighted by its denominator, see Series).
 * - `nodata`: either group has fewer than `minSamples` datapoints. Left out of the score; at a
 *   step's end a critical metric without data fails (nobody can vouch for it).
 * - Score = 100 × (weight of passing metrics) / (weight of judged metrics).
 * - Looks before the step's end judge at EARLY_CONFIDENCE at least (repeated looks).
 * - Decision: a failing critical metric, or a score below `marginal`, is `fail` at any look. At the
 *   step's end a score ≥ `pass` promotes; a marginal one `extend`s the step once, then fails.
 *   Before the end the judge `watch`es.
 */
import { mannWhitneyU } from '../stats/mann-whitney.js';
import type { MetricRule } from './rules.js';

export interface Series {
  canary: number[];
  baseline: number[];
  /**
   * Weight of each datapoint in the mean (a rate's denominator, e.g. requests of the minute): the
   * mean is then the pooled rate, far steadier than the average of per-minute rates when a canary
   * gets few requests. Absent: every datapoint counts the same.
   */
  canaryWeights?: number[];
  baselineWeights?: number[];
}

export interface Summary {
  n: number;
  mean: number;
  median: number;
}

export interface MetricVerdict {
  metric: string;
  verdict: 'pass' | 'high' | 'low' | 'nodata';
  critical: boolean;
  weight: number;
  canary: Summary;
  baseline: Summary;
  /** Relative change of the mean, (canary − baseline) / baseline; null when the baseline mean is 0 and the canary's is not. */
  change?: number | null;
  p?: number;
  u?: number;
}

export type Decision = 'promote' | 'watch' | 'extend' | 'fail';

export interface Verdict {
  score: number | null;
  decision: Decision;
  metrics: MetricVerdict[];
  /** Metrics that made the judgment fail (or marginal), worst first. */
  failing: string[];
  reason: string;
}

const summary = (xs: readonly number[], ws?: readonly number[]): Summary => {
  if (xs.length === 0) return { n: 0, mean: 0, median: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  const total = ws?.length === xs.length ? ws.reduce((a, b) => a + b, 0) : 0;
  const mean = total > 0 ? xs.reduce((a, x, i) => a + x * (ws?.[i] as number), 0) / total : xs.reduce((a, b) => a + b, 0) / xs.length;
  return { n: xs.length, mean, median };
};

/**
 * Before a step's end the judge looks every minute at a growing sample: each look is another
 * chance of a false alarm, so an early look fails a metric only at this confidence or the rule's,
 * whichever is higher. The step's end judges at the rule's own confidence.
 */
export const EARLY_CONFIDENCE = 0.99;

/** One metric's verdict (`early`: a look before the step's end). */
export function classify(rule: MetricRule, series: Series, early = false): MetricVerdict {
  const base = { metric: rule.name, critical: rule.critical, weight: rule.weight, canary: summary(series.canary, series.canaryWeights), baseline: summary(series.baseline, series.baselineWeights) };
  if (series.canary.length < rule.minSamples || series.baseline.length < rule.minSamples) return { ...base, verdict: 'nodata' };
  const alternative = rule.direction === 'increase' ? 'greater' : rule.direction === 'decrease' ? 'less' : 'two-sided';
  const test = mannWhitneyU(series.canary, series.baseline, alternative);
  const diff = base.canary.mean - base.baseline.mean;
  const change = base.baseline.mean === 0 ? (diff === 0 ? 0 : null) : diff / Math.abs(base.baseline.mean);
  const big = (sign: 1 | -1) => sign * diff > 0 && Math.abs(diff) >= rule.minAbsoluteChange && (change === null || Math.abs(change) >= rule.effectSize);
  // 1 − 0.95 is 0.050000000000000044 in floating point: round, so p = 1/20 is not "below 0.05".
  const alpha = Math.round((1 - (early ? Math.max(rule.confidence, EARLY_CONFIDENCE) : rule.confidence)) * 1e9) / 1e9;
  const significant = test.p < alpha;
  let verdict: MetricVerdict['verdict'] = 'pass';
  if (significant && rule.direction !== 'decrease' && big(1)) verdict = 'high';
  else if (significant && rule.direction !== 'increase' && big(-1)) verdict = 'low';
  return { ...base, verdict, change, p: test.p, u: test.u };
}

const pct = (change: number | null | undefined) => (change === null || change === undefined ? 'from 0' : `${change >= 0 ? '+' : ''}${Math.round(change * 100)}%`);

/** `latencyP99 high (+41%, p=0.004)`. */
export function describeVerdict(v: MetricVerdict): string {
  if (v.verdict === 'nodata') return `${v.metric} no data (${v.canary.n} canary, ${v.baseline.n} baseline datapoints)`;
  return `${v.metric} ${v.verdict} (${pct(v.change)}, p=${(v.p ?? 1).toPrecision(2)})`;
}

export interface JudgeOptions {
  pass: number;
  marginal: number;
  /** This look is at (or past) the step's end. */
  final: boolean;
  /** The step was extended already (a marginal end fails now). */
  extended: boolean;
  /** Extension available at all (extendMinutes > 0). */
  canExtend: boolean;
}

export function judge(rules: readonly MetricRule[], series: ReadonlyMap<string, Series>, o: JudgeOptions): Verdict {
  const metrics = rules.map((r) => classify(r, series.get(r.name) ?? { canary: [], baseline: [] }, !o.final));
  const bad = metrics.filter((m) => m.verdict === 'high' || m.verdict === 'low');
  const criticalBad = bad.filter((m) => m.critical);
  const criticalMissing = o.final ? metrics.filter((m) => m.critical && m.verdict === 'nodata') : [];
  const judged = metrics.filter((m) => m.verdict !== 'nodata');
  const total = judged.reduce((s, m) => s + m.weight, 0);
  const score = total === 0 ? null : (100 * judged.filter((m) => m.verdict === 'pass').reduce((s, m) => s + m.weight, 0)) / total;
  const failing = [...criticalBad, ...bad.filter((m) => !m.critical), ...criticalMissing].map((m) => m.metric);
  const detail = [...criticalBad, ...bad.filter((m) => !m.critical), ...criticalMissing].map(describeVerdict).join(', ');
  const scoreText = score === null ? 'no score' : `score ${Math.round(score)}`;
  const result = (decision: Decision, reason: string): Verdict => ({ score, decision, metrics, failing, reason });

  if (criticalBad.length > 0) return result('fail', `critical metric failed: ${detail}`);
  if (criticalMissing.length > 0) return result('fail', `no data for critical metric at the step's end: ${detail}`);
  if (score !== null && score < o.marginal) return result('fail', `${scoreText} < marginal ${o.marginal}: ${detail}`);
  if (!o.final) return result('watch', `${scoreText}${detail ? `: ${detail}` : ''}`);
  if (score === null) return result('fail', `no metric has enough data at the step's end`);
  if (score >= o.pass) return result('promote', `${scoreText} ≥ pass ${o.pass}`);
  if (o.canExtend && !o.extended) return result('extend', `${scoreText} is marginal (< pass ${o.pass}): ${detail}`);
  return result('fail', `${scoreText} < pass ${o.pass}${o.extended ? ' after the extension' : ''}: ${detail}`);
}
