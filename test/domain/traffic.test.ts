import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardWeights, isValidSteps, MAX_FORWARD_WEIGHT, servedPercent, stepsProblem, trafficPlan } from '../../src/domain/traffic.js';

describe('forwardWeights', () => {
  it('maps a step to exact percentage weights; 100 is the new group only', () => {
    // Act / Assess
    expect(forwardWeights(10)).toEqual({ newWeight: 10, oldWeight: 90 });
    expect(forwardWeights(50)).toEqual({ newWeight: 50, oldWeight: 50 });
    expect(forwardWeights(100)).toEqual({ newWeight: 100, oldWeight: 0 });
  });

  it('rejects steps outside 1-100', () => {
    // Assess
    expect(() => forwardWeights(0)).toThrow(RangeError);
    expect(() => forwardWeights(101)).toThrow(RangeError);
    expect(() => forwardWeights(33.3)).toThrow(RangeError);
  });

  it('property: weights are within the ALB range and the new share is exactly the step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), (step) => {
        // Act
        const w = forwardWeights(step);
        // Assess
        expect(w.newWeight).toBeGreaterThanOrEqual(1);
        expect(w.newWeight).toBeLessThanOrEqual(MAX_FORWARD_WEIGHT);
        expect(w.oldWeight).toBeGreaterThanOrEqual(0);
        expect(w.oldWeight).toBeLessThanOrEqual(MAX_FORWARD_WEIGHT);
        expect(servedPercent(w)).toBe(step);
      }),
    );
  });
});

describe('forwardWeights with a fresh baseline', () => {
  it('gives the baseline the canary weight out of the live share, and nothing at 100', () => {
    // Act / Assess
    expect(forwardWeights(10, true)).toEqual({ newWeight: 10, oldWeight: 80, baselineWeight: 10 });
    expect(forwardWeights(50, true)).toEqual({ newWeight: 50, oldWeight: 0, baselineWeight: 50 });
    expect(forwardWeights(100, true)).toEqual({ newWeight: 100, oldWeight: 0 });
  });

  it('refuses a weighted step above 50 (the live group would need a negative weight)', () => {
    // Assess
    expect(() => forwardWeights(51, true)).toThrow(/at most 50/);
  });

  it('property: the three weights sum to 100 and canary and baseline are equal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (step) => {
        // Act
        const w = forwardWeights(step, true);
        // Assess
        expect(w.newWeight + w.oldWeight + (w.baselineWeight ?? 0)).toBe(100);
        expect(w.baselineWeight).toBe(w.newWeight);
        expect(w.oldWeight).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('servedPercent', () => {
  it('reads any weight pair, including what the console shows for a single group', () => {
    // Assess
    expect(servedPercent({ newWeight: 1, oldWeight: 0 })).toBe(100);
    expect(servedPercent({ newWeight: 0, oldWeight: 1 })).toBe(0);
    expect(servedPercent({ newWeight: 0, oldWeight: 0 })).toBe(0);
    expect(servedPercent({ newWeight: 1, oldWeight: 2 })).toBe(33);
  });
});

describe('isValidSteps / stepsProblem', () => {
  it.each<[unknown, boolean]>([
    [[100], true],
    [[10, 50, 100], true],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 100], true],
    [[], false],
    [[50], false],
    [[50, 50, 100], false],
    [[0, 100], false],
    [[10.5, 100], false],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100], false],
    ['100', false],
    [[100, 100], false],
  ])('%j → %s', (steps, valid) => {
    // Assess
    expect(isValidSteps(steps)).toBe(valid);
  });

  it('points at the offending index', () => {
    // Assess
    expect(stepsProblem([10, 5, 100])).toEqual({ index: 1, problem: 'must be greater than the step before it (10)' });
    expect(stepsProblem([10, 50])).toEqual({ index: 1, problem: 'the last step must be 100 (got 50)' });
  });

  it('property: any strictly increasing list ending at 100 of ≤ 10 steps is valid', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 9 }), (s) => {
        // Assess
        expect(isValidSteps([...s.sort((a, b) => a - b), 100])).toBe(true);
      }),
    );
  });
});

describe('trafficPlan', () => {
  it('waits between steps but not after the last', () => {
    // Act
    const plan = trafficPlan([10, 50, 100], 300);
    // Assess
    expect(plan).toEqual([
      { step: 10, newWeight: 10, oldWeight: 90, waitSeconds: 300 },
      { step: 50, newWeight: 50, oldWeight: 50, waitSeconds: 300 },
      { step: 100, newWeight: 100, oldWeight: 0, waitSeconds: 0 },
    ]);
  });

  it('rejects invalid steps', () => {
    // Assess
    expect(() => trafficPlan([50], 10)).toThrow('traffic steps[0]: the last step must be 100');
  });
});
