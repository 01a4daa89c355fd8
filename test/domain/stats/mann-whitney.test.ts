import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU, midranks, normalSf } from '../../../src/domain/stats/mann-whitney.js';

// Reference values computed with scipy 1.17.1 `scipy.stats.mannwhitneyu` (the males/females sample
// is the example of its documentation); exact-with-ties against `method=PermutationMethod(n_resamples=inf)`.
const MALES = [19, 22, 16, 29, 24];
const FEMALES = [20, 11, 17, 12];
const TIED_A = [1, 2, 2, 3, 3, 3, 4];
const TIED_B = [2, 3, 4, 4, 5, 5, 6, 7];
const BIG_X = [10.7, 11.6, 10.7, 7.4, 11.8, 10.9, 8.9, 11.2, 10.7, 10.6, 10.1, 11.1, 8.5, 9.7, 9.0, 11.2, 10.1, 9.4, 8.4, 9.5, 10.0, 9.4, 12.6, 12.0, 4.6, 6.2, 9.7, 9.2, 10.4, 10.4, 14.2, 7.8, 9.2, 14.1, 11.3, 11.3, 9.0, 6.7, 10.3, 10.2];
const BIG_Y = [8.5, 9.6, 10.9, 9.1, 10.8, 11.2, 11.1, 10.0, 12.2, 12.8, 11.6, 9.4, 12.5, 10.0, 12.8, 8.9, 12.8, 11.0, 8.5, 10.4, 11.1, 11.5, 9.0, 8.8, 11.4, 10.1, 11.5, 12.5, 7.7, 11.5, 13.4, 10.4, 9.4, 12.5, 11.5];

const sample = fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 });

describe('mannWhitneyU: known values (scipy)', () => {
  it('gives U = 17 and the exact two-sided p = 1/9 for the documented males/females example', () => {
    // Act
    const r = mannWhitneyU(MALES, FEMALES);
    // Assess
    expect(r.u).toBe(17);
    expect(r.uOther).toBe(3);
    expect(r.method).toBe('exact');
    expect(r.p).toBeCloseTo(0.1111111111111111, 12);
  });

  it('gives the exact one-sided p of the other direction', () => {
    // Assess
    expect(mannWhitneyU(MALES, FEMALES, 'less').p).toBeCloseTo(0.9682539682539683, 12);
  });

  it('matches the normal approximation with continuity correction', () => {
    // Assess
    expect(mannWhitneyU(MALES, FEMALES, 'two-sided', 'normal').p).toBeCloseTo(0.11134688653314041, 6);
    expect(mannWhitneyU(MALES, FEMALES, 'greater', 'normal').p).toBeCloseTo(0.055673443266570206, 6);
  });

  it('corrects the variance for ties (U = 8.5)', () => {
    // Act
    const two = mannWhitneyU(TIED_A, TIED_B, 'two-sided', 'normal');
    // Assess
    expect(two.u).toBe(8.5);
    expect(two.p).toBeCloseTo(0.025279736885893914, 6);
    expect(mannWhitneyU(TIED_A, TIED_B, 'less', 'normal').p).toBeCloseTo(0.012639868442946957, 6);
  });

  it('counts the exact permutation distribution with tied midranks', () => {
    // Assess
    expect(mannWhitneyU(TIED_A, TIED_B).p).toBeCloseTo(0.02672882672882673, 12);
    expect(mannWhitneyU(TIED_A, TIED_B, 'less').p).toBeCloseTo(0.013364413364413364, 12);
  });

  it('uses the normal approximation for large samples', () => {
    // Act
    const r = mannWhitneyU(BIG_X, BIG_Y);
    // Assess
    expect(r.method).toBe('normal');
    expect(r.u).toBe(528.5);
    expect(r.p).toBeCloseTo(0.06922768123792249, 6);
    expect(mannWhitneyU(BIG_X, BIG_Y, 'less').p).toBeCloseTo(0.03461384061896124, 6);
    expect(mannWhitneyU(BIG_X, BIG_Y, 'greater').p).toBeCloseTo(0.9661919163983886, 6);
  });
});

describe('mannWhitneyU: edge cases', () => {
  it('tiny samples: one value each can never be significant', () => {
    // Act
    const r = mannWhitneyU([5], [1], 'greater');
    // Assess
    expect(r.u).toBe(1);
    expect(r.p).toBe(0.5);
  });

  it('all values tied: p = 1 both ways', () => {
    // Assess
    expect(mannWhitneyU([0, 0, 0], [0, 0, 0, 0]).p).toBe(1);
    expect(mannWhitneyU(Array(20).fill(0), Array(20).fill(0), 'greater').p).toBe(1);
  });

  it('a single non-zero among zeros (errors in one minute) is weak evidence', () => {
    // Assess: scipy's permutation p for this case is 0.5
    expect(mannWhitneyU([0, 0, 0, 0.01, 0], [0, 0, 0, 0, 0], 'greater').p).toBeCloseTo(0.5, 12);
  });

  it('no data is refused, not guessed', () => {
    // Assess
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([1], [])).toThrow(RangeError);
    expect(() => mannWhitneyU([NaN], [1])).toThrow(/finite/);
  });

  it('the strongest separation of 4 against 4 gives the exact floor 1/70', () => {
    // Assess
    expect(mannWhitneyU([5, 6, 7, 8], [1, 2, 3, 4], 'greater').p).toBeCloseTo(1 / 70, 12);
  });
});

describe('midranks', () => {
  it('averages ranks of tied values and sums t³ − t', () => {
    // Act
    const { ranks, tieTerm } = midranks([3, 1, 3, 2, 3]);
    // Assess
    expect(ranks).toEqual([4, 1, 4, 2, 4]);
    expect(tieTerm).toBe(24);
  });
});

describe('normal tail', () => {
  it('matches known quantiles', () => {
    // Assess
    expect(normalSf(1.6448536269514722)).toBeCloseTo(0.05, 6);
    expect(normalSf(0)).toBeCloseTo(0.5, 7);
    expect(normalSf(-1.959963984540054)).toBeCloseTo(0.975, 6);
    expect(erfc(0)).toBeCloseTo(1, 7);
  });
});

describe('mannWhitneyU: properties', () => {
  it('U of both samples add up to n1·n2 and the effect is within [−1, 1]', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const r = mannWhitneyU(x, y);
        expect(r.u + r.uOther).toBe(x.length * y.length);
        expect(Math.abs(r.effect)).toBeLessThanOrEqual(1);
        expect(r.p).toBeGreaterThan(0);
        expect(r.p).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('swapping the samples swaps the one-sided p-values and keeps the two-sided one', () => {
    fc.assert(
      fc.property(sample, sample, fc.constantFrom('exact' as const, 'normal' as const), (x, y, method) => {
        const a = mannWhitneyU(x, y, 'greater', method);
        const b = mannWhitneyU(y, x, 'less', method);
        expect(a.p).toBeCloseTo(b.p, 10);
        expect(mannWhitneyU(x, y, 'two-sided', method).p).toBeCloseTo(mannWhitneyU(y, x, 'two-sided', method).p, 10);
      }),
    );
  });

  it('the exact distribution agrees with brute-force enumeration of every split', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 2, maxLength: 9 }), fc.nat(), (pooled, cut) => {
        const n1 = 1 + (cut % (pooled.length - 1));
        const x = pooled.slice(0, n1);
        const y = pooled.slice(n1);
        const observed = mannWhitneyU(x, y).u;
        // Every subset of n1 positions as the first sample.
        let total = 0;
        let atLeast = 0;
        const n = pooled.length;
        for (let mask = 0; mask < 1 << n; mask++) {
          let bits = 0;
          for (let i = 0; i < n; i++) if (mask & (1 << i)) bits++;
          if (bits !== n1) continue;
          const xs = pooled.filter((_, i) => mask & (1 << i));
          const ys = pooled.filter((_, i) => !(mask & (1 << i)));
          total++;
          if (mannWhitneyU(xs, ys).u >= observed - 1e-9) atLeast++;
        }
        expect(mannWhitneyU(x, y, 'greater').p).toBeCloseTo(atLeast / total, 10);
      }),
      { numRuns: 60 },
    );
  });

  it('shifting the first sample up never raises the one-sided p of `greater`', () => {
    fc.assert(
      fc.property(sample, sample, fc.integer({ min: 1, max: 30 }), (x, y, shift) => {
        const before = mannWhitneyU(x, y, 'greater').p;
        const after = mannWhitneyU(
          x.map((v) => v + shift),
          y,
          'greater',
        ).p;
        expect(after).toBeLessThanOrEqual(before + 1e-12);
      }),
    );
  });
});
