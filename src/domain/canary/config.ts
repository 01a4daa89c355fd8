/**
 * The `canary` section of a cluster's configuration: how the judge compares the new group with a
 * baseline between traffic steps. Present = the judge runs; absent = only alarms are watched.
 * Kayenta's model: per-metric Mann–Whitney verdicts, critical metrics, a weighted score and two
 * thresholds. Every default is beside its field (and in docs/deploy.md).
 */
import * as z from 'zod/mini';
import { BUILTIN_NAMES } from './rules.js';

/** How one metric is judged. Built-in metrics have their own defaults (BUILTIN_DEFAULTS). */
const judgedFields = {
  /** Which change is bad: `increase` (default), `decrease`, or `either`. */
  direction: z.optional(z.enum(['increase', 'decrease', 'either'], { error: 'must be increase, decrease or either' })),
  /** Confidence the change is real (1 − the test's significance level), 0.5–0.9999. */
  confidence: z.optional(z.number().check(z.gte(0.5, { error: 'must be from 0.5 to 0.9999' }), z.lte(0.9999, { error: 'must be from 0.5 to 0.9999' }))),
  /** Smallest relative change of the mean that matters (0.2 = 20 %). */
  effectSize: z.optional(z.number().check(z.gte(0, { error: 'must be ≥ 0' }), z.lte(100, { error: 'must be ≤ 100' }))),
  /** Smallest absolute change of the mean that matters, in the metric's unit. */
  minAbsoluteChange: z.optional(z.number().check(z.gte(0, { error: 'must be ≥ 0' }))),
  /** A critical metric that fails fails the whole judgment, whatever the score. */
  critical: z.optional(z.boolean()),
  /** Weight in the score. */
  weight: z.optional(z.number().check(z.gt(0, { error: 'must be > 0' }), z.lte(1000, { error: 'must be ≤ 1000' }))),
  /** Per-minute datapoints each group needs before the metric is judged, 2–60. */
  minSamples: z.optional(z.int().check(z.gte(2, { error: 'must be an integer from 2 to 60' }), z.lte(60, { error: 'must be an integer from 2 to 60' }))),
};

const builtin = z.union([z.strictObject(judgedFields), z.literal(false)], { error: 'must be an object of judge settings, or false to leave the metric out' });

const dimension = z.strictObject({
  name: z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(255, { error: 'must be at most 255 characters' })),
  /** `{serverGroup}`, `{targetGroup}` and `{loadBalancer}` are replaced by each group's own value. */
  value: z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(1024, { error: 'must be at most 1024 characters' })),
});

const userMetric = z.strictObject({
  /** Name in verdicts and in `CanaryFailed` causes: letters, digits, _ and -. */
  name: z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, { error: 'must be a letter then up to 63 letters, digits, _ or -' })),
  namespace: z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(255, { error: 'must be at most 255 characters' })),
  metricName: z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(255, { error: 'must be at most 255 characters' })),
  dimensions: z.array(dimension).check(z.minLength(1, { error: 'must name at least one dimension with a group placeholder' }), z.maxLength(30, { error: 'must list at most 30 dimensions' })),
  /** CloudWatch statistic: Average, Sum, Minimum, Maximum, SampleCount or pNN. Default Average. */
  stat: z.optional(z.string().check(z.regex(/^(Average|Sum|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d{1,2})?)$/, { error: 'must be Average, Sum, Minimum, Maximum, SampleCount or a percentile like p99' }))),
  /** A minute without a datapoint: `skip` it (default) or count it as `zero` (counters that only publish non-zero). */
  missing: z.optional(z.enum(['skip', 'zero'], { error: 'must be skip or zero' })),
  ...judgedFields,
});

export const canarySchema = z
  .strictObject({
    /**
     * `live` (default): the live group is the baseline. `fresh`: a new group of the canary's size
     * from the live group's launch template version, launched with the canary so both are equally
     * young, given the canary's weight at each step, and deleted with the deployment. With `fresh`
     * no weighted step may exceed 50 (the cluster config checks it: live keeps 100 − 2 × step).
     */
    baseline: z.optional(z.enum(['live', 'fresh'], { error: 'must be live or fresh' })),
    /** Score (0–100) at or above which a step's end promotes. Default 95. */
    pass: z.optional(z.number().check(z.gte(0, { error: 'must be from 0 to 100' }), z.lte(100, { error: 'must be from 0 to 100' }))),
    /** Score below which any look rolls back; between it and `pass`, the judge keeps watching. Default 75. */
    marginal: z.optional(z.number().check(z.gte(0, { error: 'must be from 0 to 100' }), z.lte(100, { error: 'must be from 0 to 100' }))),
    /** Minutes a step is extended, once, when its end finds the score marginal (0: roll back instead). Default 5, 0–60. */
    extendMinutes: z.optional(z.int().check(z.gte(0, { error: 'must be an integer from 0 to 60' }), z.lte(60, { error: 'must be an integer from 0 to 60' }))),
    /** HTTPCode_Target_5XX_Count / RequestCount per minute. */
    errorRate: z.optional(builtin),
    /** TargetResponseTime p50. */
    latencyP50: z.optional(builtin),
    /** TargetResponseTime p99. */
    latencyP99: z.optional(builtin),
    /** Your own metrics, per group through a dimension placeholder. Default none, at most 10. */
    metrics: z.optional(z.array(userMetric).check(z.maxLength(10, { error: 'must list at most 10 metrics' }))),
  })
  .check(
    z.superRefine((c, ctx) => {
      if ((c.marginal ?? 75) > (c.pass ?? 95)) ctx.addIssue({ code: 'custom', path: ['marginal'], message: `must be at most pass (${c.pass ?? 95}), got ${c.marginal}` });
      const names = new Set<string>(BUILTIN_NAMES);
      for (const [i, m] of (c.metrics ?? []).entries()) {
        if (names.has(m.name)) ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], message: `${m.name} is already a metric name` });
        names.add(m.name);
      }
    }),
  );

export type CanaryConfig = z.output<typeof canarySchema>;
export type UserMetric = z.output<typeof userMetric>;
