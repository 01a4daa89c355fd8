import { describe, expect, it } from 'vitest';
import { binomial, drawMinute, minuteLatencies, percentile } from '../../sim/request-model.js';
import { Rng } from '../../sim/rng.js';

const MODEL = { medianSeconds: 0.05, p99Seconds: 0.15, jitter: 0 };

describe('the request model', () => {
  it('draws latencies whose median and p99 are those of the release', () => {
    // Act
    const xs = minuteLatencies(new Rng(3), MODEL, 200_000);
    // Assess
    expect(percentile(xs, 50)).toBeCloseTo(0.05, 2);
    expect(percentile(xs, 99) / 0.15).toBeCloseTo(1, 1);
  });

  it('jitter moves whole minutes: the spread of minute medians grows with it', () => {
    // Prepare
    const spread = (jitter: number) => {
      const rng = new Rng(9);
      const medians = Array.from({ length: 200 }, () => percentile(minuteLatencies(rng, { ...MODEL, jitter }, 300), 50));
      const mean = medians.reduce((a, b) => a + b, 0) / medians.length;
      return Math.sqrt(medians.reduce((a, b) => a + (b - mean) ** 2, 0) / medians.length) / mean;
    };
    // Assess
    expect(spread(0.25)).toBeGreaterThan(3 * spread(0));
  });

  it('fails requests binomially: the mean count is n·p, exact counts at the extremes', () => {
    // Prepare
    const rng = new Rng(5);
    // Act
    const small = Array.from({ length: 2000 }, () => binomial(rng, 300, 0.015));
    const large = Array.from({ length: 2000 }, () => binomial(rng, 3000, 0.4));
    // Assess
    expect(small.reduce((a, b) => a + b, 0) / small.length).toBeCloseTo(4.5, 0);
    expect(large.reduce((a, b) => a + b, 0) / large.length / 1200).toBeCloseTo(1, 2);
    expect(binomial(rng, 100, 0)).toBe(0);
    expect(binomial(rng, 100, 1)).toBe(100);
  });

  it('a minute keeps a bounded, sorted sample and the response time of every request', () => {
    // Act
    const m = drawMinute(new Rng(1), 3000, 0.01, MODEL);
    // Assess
    expect(m.samples).toHaveLength(1000);
    expect([...m.samples].sort((a, b) => a - b)).toEqual(m.samples);
    expect(m.responseSum / 3000).toBeGreaterThan(0.04);
    expect(m.responseSum / 3000).toBeLessThan(0.08);
  });

  it('the same seed gives the same minute', () => {
    // Assess
    expect(drawMinute(new Rng(42), 500, 0.02, MODEL)).toEqual(drawMinute(new Rng(42), 500, 0.02, MODEL));
  });
});
