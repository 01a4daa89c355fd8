/**
 * Traffic steps: the percentages of requests the new group gets, in order, e.g. [10, 50, 100].
 * ALB forward weights are relative integers 0–999 per target group, so a percentage maps
 * exactly to the weight pair (step, 100 − step): readable in the console and exact.
 */

export const MAX_TRAFFIC_STEPS = 10;
/** ALB's per-target-group weight limit. */
export const MAX_FORWARD_WEIGHT = 999;

export interface ForwardWeights {
  newWeight: number;
  oldWeight: number;
  /** With a fresh canary baseline: its weight, the canary's below 100; absent at 100 (it leaves the listener). */
  baselineWeight?: number;
}

/** Where a step list is wrong: the index (undefined for the list itself) and what is wrong. */
export function stepsProblem(steps: unknown): { index?: number; problem: string } | undefined {
  if (!Array.isArray(steps)) return { problem: 'must be a list of percentages' };
  if (steps.length === 0) return { problem: 'must hold at least one step' };
  if (steps.length > MAX_TRAFFIC_STEPS) return { problem: `must hold at most ${MAX_TRAFFIC_STEPS} steps (got ${steps.length})` };
  for (const [index, step] of steps.entries()) {
    if (!Number.isInteger(step) || step < 1 || step > 100) return { index, problem: `must be an integer percentage from 1 to 100 (got ${String(step)})` };
    const before = index > 0 ? (steps[index - 1] as unknown) : undefined;
    if (typeof before === 'number' && step <= before) return { index, problem: `must be greater than the step before it (${before})` };
  }
  const last = steps[steps.length - 1] as number;
  if (last !== 100) return { index: steps.length - 1, problem: `the last step must be 100 (got ${last})` };
  return undefined;
}

/** Strictly increasing integers 1–100, ending at 100, at most 10 of them. */
export function isValidSteps(steps: unknown): steps is number[] {
  return stepsProblem(steps) === undefined;
}

/**
 * Weights for a step: the new group gets `step` percent; at 100 the old group gets 0 (new only).
 * With a fresh baseline (`withBaseline`), the baseline gets as much as the new group out of the
 * old group's share (old = 100 − 2 × step), so steps above 50 other than 100 have no weights.
 */
export function forwardWeights(step: number, withBaseline = false): ForwardWeights {
  if (!Number.isInteger(step) || step < 1 || step > 100) throw new RangeError(`traffic step must be an integer 1-100, got ${step}`);
  if (!withBaseline || step === 100) return { newWeight: step, oldWeight: 100 - step };
  if (step > 50) throw new RangeError(`traffic step must be at most 50 (or 100) with a fresh baseline, got ${step}`);
  return { newWeight: step, oldWeight: 100 - 2 * step, baselineWeight: step };
}

/**
 * The percentage the new group receives under the given weights (rounded down), e.g. to find
 * which step a retried swap already applied. Both zero (no traffic at all) counts as 0.
 */
export function servedPercent(weights: ForwardWeights): number {
  const total = weights.newWeight + weights.oldWeight;
  return total === 0 ? 0 : Math.floor((weights.newWeight * 100) / total);
}

export interface TrafficStep extends ForwardWeights {
  step: number;
  /** Seconds to watch before the next step; 0 after the last (the deployment then finalizes). */
  waitSeconds: number;
}

/** The whole plan of a traffic shift. */
export function trafficPlan(steps: readonly number[], waitSeconds: number): TrafficStep[] {
  const problem = stepsProblem(steps);
  if (problem) throw new RangeError(`traffic steps${problem.index === undefined ? '' : `[${problem.index}]`}: ${problem.problem}`);
  return steps.map((step, i) => ({ step, ...forwardWeights(step), waitSeconds: i === steps.length - 1 ? 0 : waitSeconds }));
}
