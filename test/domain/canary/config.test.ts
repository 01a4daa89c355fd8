import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFAULTS, metricRules, minimumStepSeconds, thresholds } from '../../../src/domain/canary/rules.js';
import { parseClusterConfig } from '../../../src/domain/config.js';
import { InvalidClusterConfig } from '../../../src/domain/errors.js';
import { LISTENER_ARN } from '../arbitraries.js';

const STEPPED = { listenerArn: LISTENER_ARN, traffic: { steps: [10, 50, 100], waitSeconds: 300 } };

function rejection(doc: unknown): InvalidClusterConfig {
  try {
    parseClusterConfig(doc, 'web-prod');
  } catch (e) {
    if (e instanceof InvalidClusterConfig) return e;
    throw e;
  }
  throw new Error('expected InvalidClusterConfig');
}

describe('the canary section', () => {
  it('is optional: without it the judge does not run', () => {
    // Assess
    expect(parseClusterConfig(STEPPED, 'web-prod').canary).toBeUndefined();
  });

  it('an empty section judges the three built-in metrics with their documented defaults', () => {
    // Act
    const c = parseClusterConfig({ ...STEPPED, canary: {} }, 'web-prod').canary;
    // Assess
    expect(c).toEqual({});
    const rules = metricRules(c as NonNullable<typeof c>);
    expect(rules.map((r) => r.name)).toEqual(['errorRate', 'latencyP50', 'latencyP99']);
    expect(rules[0]).toEqual({ name: 'errorRate', direction: 'increase', confidence: 0.95, effectSize: 1, minAbsoluteChange: 0.0075, critical: true, weight: 2, minSamples: 3 });
    expect(thresholds(c as NonNullable<typeof c>)).toEqual({ pass: 95, marginal: 75, extendMinutes: 5 });
    expect(minimumStepSeconds(c as NonNullable<typeof c>)).toBe(240);
  });

  it('overrides a built-in field by field, drops one with false, and adds user metrics', () => {
    // Act
    const c = parseClusterConfig(
      {
        ...STEPPED,
        canary: {
          latencyP50: false,
          latencyP99: { effectSize: 0.3, critical: true },
          metrics: [{ name: 'checkoutFailures', namespace: 'Shop', metricName: 'CheckoutFailed', dimensions: [{ name: 'AutoScalingGroupName', value: '{serverGroup}' }], stat: 'Sum', missing: 'zero' }],
        },
      },
      'web-prod',
    ).canary;
    // Assess
    const rules = metricRules(c as NonNullable<typeof c>);
    expect(rules.map((r) => r.name)).toEqual(['errorRate', 'latencyP99', 'checkoutFailures']);
    expect(rules[1]).toEqual({ ...BUILTIN_DEFAULTS.latencyP99, effectSize: 0.3, critical: true });
    expect(rules[2]).toMatchObject({ direction: 'increase', confidence: 0.95, weight: 1, critical: false });
  });

  it.each([
    ['a single step', { listenerArn: LISTENER_ARN, canary: {} }, 'canary', 'at least one step before 100'],
    ['a wait too short for the samples', { ...STEPPED, traffic: { steps: [10, 100], waitSeconds: 120 }, canary: {} }, 'traffic.waitSeconds', 'must be at least 240'],
    ['marginal above pass', { ...STEPPED, canary: { pass: 80, marginal: 90 } }, 'canary.marginal', 'at most pass (80)'],
    ['a confidence out of range', { ...STEPPED, canary: { errorRate: { confidence: 1.5 } } }, 'canary.errorRate.confidence', '0.9999'],
    ['an unknown baseline', { ...STEPPED, canary: { baseline: 'old' } }, 'canary.baseline', 'must be live'],
    ['a step above 50 with a fresh baseline', { ...STEPPED, traffic: { steps: [10, 60, 100], waitSeconds: 300 }, canary: { baseline: 'fresh' } }, 'traffic.steps[1]', 'at most 50 with canary.baseline fresh'],
    ['a first step above 50 with a fresh baseline', { ...STEPPED, traffic: { steps: [75, 100], waitSeconds: 300 }, canary: { baseline: 'fresh' } }, 'traffic.steps[0]', 'got 75'],
    ['a misspelt key', { ...STEPPED, canary: { passScore: 90 } }, 'canary.passScore', 'unknown'],
    ['a user metric named like a built-in', { ...STEPPED, canary: { metrics: [{ name: 'errorRate', namespace: 'N', metricName: 'M', dimensions: [{ name: 'A', value: '{serverGroup}' }] }] } }, 'canary.metrics[0].name', 'already a metric name'],
    ['a bad statistic', { ...STEPPED, canary: { metrics: [{ name: 'm', namespace: 'N', metricName: 'M', dimensions: [{ name: 'A', value: 'x' }], stat: 'Median' }] } }, 'canary.metrics[0].stat', 'percentile'],
  ])('refuses %s, naming the field', (_, doc, field, problem) => {
    // Act
    const e = rejection(doc);
    // Assess
    expect(e.field).toBe(field);
    expect(e.problem).toContain(problem);
  });

  it('accepts a fresh baseline with every weighted step at most 50 (50 itself included)', () => {
    // Act
    const c = parseClusterConfig({ ...STEPPED, traffic: { steps: [10, 25, 50, 100], waitSeconds: 300 }, canary: { baseline: 'fresh' } }, 'web-prod');
    // Assess
    expect(c.canary?.baseline).toBe('fresh');
    expect(c.traffic.steps).toEqual([10, 25, 50, 100]);
  });

  it('lets the live baseline take steps above 50', () => {
    // Act
    const c = parseClusterConfig({ ...STEPPED, traffic: { steps: [10, 90, 100], waitSeconds: 300 }, canary: { baseline: 'live' } }, 'web-prod');
    // Assess
    expect(c.traffic.steps).toEqual([10, 90, 100]);
  });
});
