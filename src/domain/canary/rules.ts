/**
 * The canary judge's rules with every default filled in, from the `canary` section of a cluster's
 * configuration (schema: config.ts). No schema library here: the judge's bundle needs only this.
 */
import type { CanaryConfig } from './config.js';

export const BUILTIN_NAMES = ['errorRate', 'latencyP50', 'latencyP99'] as const;
export type BuiltinName = (typeof BUILTIN_NAMES)[number];

/** One metric's complete settings, defaults filled in. */
export interface MetricRule {
  name: string;
  direction: 'increase' | 'decrease' | 'either';
  confidence: number;
  effectSize: number;
  minAbsoluteChange: number;
  critical: boolean;
  weight: number;
  minSamples: number;
}

/**
 * Defaults of the built-in metrics, tuned with `npm run bench` (tools/bench/lib/judge.ts). Errors
 * are critical: a 1 % 5xx canary must never pass on latency alone. It fails when its pooled error
 * rate is at least double the baseline's AND 0.75 percentage points above it: at a 10 % step a
 * canary sees a few hundred requests a minute, and a handful of chance errors must not fail a
 * healthy release. Latency: a 20 % higher mean of the per-minute percentile, significant at 95 %.
 */
export const BUILTIN_DEFAULTS: Record<BuiltinName, MetricRule> = {
  errorRate: { name: 'errorRate', direction: 'increase', confidence: 0.95, effectSize: 1, minAbsoluteChange: 0.0075, critical: true, weight: 2, minSamples: 3 },
  latencyP50: { name: 'latencyP50', direction: 'increase', confidence: 0.95, effectSize: 0.2, minAbsoluteChange: 0, critical: false, weight: 1, minSamples: 3 },
  latencyP99: { name: 'latencyP99', direction: 'increase', confidence: 0.95, effectSize: 0.2, minAbsoluteChange: 0, critical: false, weight: 1, minSamples: 3 },
};

const USER_DEFAULTS: Omit<MetricRule, 'name'> = { direction: 'increase', confidence: 0.95, effectSize: 0.2, minAbsoluteChange: 0, critical: false, weight: 1, minSamples: 3 };

/** The per-metric fields a config may set (config.ts `judgedFields`). */
type Judged = Partial<Omit<MetricRule, 'name'>>;

const fill = (base: Omit<MetricRule, 'name'>, name: string, over: Judged): MetricRule => ({
  name,
  direction: over.direction ?? base.direction,
  confidence: over.confidence ?? base.confidence,
  effectSize: over.effectSize ?? base.effectSize,
  minAbsoluteChange: over.minAbsoluteChange ?? base.minAbsoluteChange,
  critical: over.critical ?? base.critical,
  weight: over.weight ?? base.weight,
  minSamples: over.minSamples ?? base.minSamples,
});

/** The rules of every judged metric (built-ins left out with `false` are not judged). */
export function metricRules(c: CanaryConfig): MetricRule[] {
  const rules: MetricRule[] = [];
  for (const name of BUILTIN_NAMES) {
    const over = c[name];
    if (over === false) continue;
    rules.push(fill(BUILTIN_DEFAULTS[name], name, over ?? {}));
  }
  for (const m of c.metrics ?? []) rules.push(fill(USER_DEFAULTS, m.name, m));
  return rules;
}

/** The judge's thresholds with defaults. */
export function thresholds(c: CanaryConfig): { pass: number; marginal: number; extendMinutes: number } {
  return { pass: c.pass ?? 95, marginal: c.marginal ?? 75, extendMinutes: c.extendMinutes ?? 5 };
}

/** The wait a traffic step needs for every metric to reach its sample count (one datapoint a minute, the first minute partial). */
export function minimumStepSeconds(c: CanaryConfig): number {
  const most = Math.max(0, ...metricRules(c).map((r) => r.minSamples));
  return (most + 1) * 60;
}
