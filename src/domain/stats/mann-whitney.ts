/**
 * The Mann–Whitney U test (Wilcoxon rank-sum), as the canary judge uses it: does the canary's
 * sample come from a distribution shifted against the baseline's? Pure, no dependencies.
 *
 * Conventions follow scipy.stats.mannwhitneyu so results can be checked against it: the statistic
 * is U of the first sample, `greater` means the first sample tends to be larger, and a two-sided
 * p-value is twice the smaller one-sided p (at most 1). Ties take midranks.
 *
 * - exact: for small samples (N ≤ EXACT_MAX_N) the p-value is the exact permutation probability
 *   of the observed rank sum given the (midranked, so tie-aware) ranks — every split of the pooled
 *   values into samples of these sizes counted once.
 * - normal: otherwise the normal approximation with the tie-corrected variance and a continuity
 *   correction of ½.
 */

export type Alternative = 'two-sided' | 'greater' | 'less';

export interface MannWhitneyResult {
  /** U of the first sample: pairs (x, y) with x > y, plus half the ties. */
  u: number;
  /** U of the second sample; u + uOther = n1·n2. */
  uOther: number;
  p: number;
  method: 'exact' | 'normal';
  /** Rank-biserial correlation 2u/(n1·n2) − 1 in [−1, 1]: +1 when every x exceeds every y. */
  effect: number;
  /** The normal approximation's z (0 for the exact method). */
  z: number;
}

/** Largest pooled size for which the exact permutation distribution is computed. */
export const EXACT_MAX_N = 30;

/** Midranks (1-based) of `values`, and Σ(t³ − t) over tie groups. */
export function midranks(values: readonly number[]): { ranks: number[]; tieTerm: number } {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && (order[j + 1] as readonly [number, number])[0] === (order[i] as readonly [number, number])[0]) j++;
    const rank = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[(order[k] as readonly [number, number])[1]] = rank;
    const t = j - i + 1;
    tieTerm += t * t * t - t;
    i = j + 1;
  }
  return { ranks, tieTerm };
}

/**
 * The test of `x` against `y`. Throws RangeError for an empty sample or a non-finite value: the
 * caller decides what missing data means, the test never guesses.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  alternative: Alternative = 'two-sided',
  method: 'auto' | 'exact' | 'normal' = 'auto',
): MannWhitneyResult {
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError('Mann-Whitney U needs at least one value in each sample');
  for (const v of [...x, ...y]) if (!Number.isFinite(v)) throw new RangeError(`Mann-Whitney U needs finite values, got ${v}`);
  const { ranks, tieTerm } = midranks([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i] as number;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const uOther = n1 * n2 - u;
  const effect = (2 * u) / (n1 * n2) - 1;
  const n = n1 + n2;
  if (method === 'exact' || (method === 'auto' && n <= EXACT_MAX_N)) {
    const { greater, less } = exactTails(ranks, n1, r1);
    return { u, uOther, p: pick(alternative, greater, less), method: 'exact', effect, z: 0 };
  }
  const mu = (n1 * n2) / 2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, uOther, p: 1, method: 'normal', effect, z: 0 };
  const sd = Math.sqrt(variance);
  let z: number;
  let p: number;
  if (alternative === 'greater') {
    z = (u - mu - 0.5) / sd;
    p = normalSf(z);
  } else if (alternative === 'less') {
    z = (u - mu + 0.5) / sd;
    p = normalSf(-z);
  } else {
    z = (Math.max(u, uOther) - mu - 0.5) / sd;
    p = Math.min(1, 2 * normalSf(z));
  }
  return { u, uOther, p, method: 'normal', effect, z };
}

function pick(alternative: Alternative, greater: number, less: number): number {
  if (alternative === 'greater') return greater;
  if (alternative === 'less') return less;
  return Math.min(1, 2 * Math.min(greater, less));
}

/**
 * P(R ≥ r1) and P(R ≤ r1) for the rank sum R of n1 values drawn without replacement from the
 * pooled ranks: a count of subsets by sum (ranks doubled so midranks are integers).
 */
function exactTails(ranks: readonly number[], n1: number, r1: number): { greater: number; less: number } {
  const doubled = ranks.map((r) => Math.round(r * 2));
  const maxSum = doubled.reduce((a, b) => a + b, 0);
  // ways[k][s]: subsets of k of the ranks seen so far whose doubled sum is s.
  const ways = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  (ways[0] as Float64Array)[0] = 1;
  let seen = 0;
  for (const r of doubled) {
    seen += r;
    for (let k = Math.min(n1, ranks.length) - 1; k >= 0; k--) {
      const from = ways[k] as Float64Array;
      const to = ways[k + 1] as Float64Array;
      for (let s = seen - r; s >= 0; s--) if (from[s] !== 0) to[s + r] = (to[s + r] as number) + (from[s] as number);
    }
  }
  const target = Math.round(r1 * 2);
  const dist = ways[n1] as Float64Array;
  let total = 0;
  let greater = 0;
  let less = 0;
  for (let s = 0; s <= maxSum; s++) {
    const w = dist[s] as number;
    if (w === 0) continue;
    total += w;
    if (s >= target) greater += w;
    if (s <= target) less += w;
  }
  return { greater: greater / total, less: less / total };
}

/** Upper tail of the standard normal, P(Z > z). */
export function normalSf(z: number): number {
  return 0.5 * erfc(z / Math.SQRT2);
}

/**
 * Complementary error function (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7
 * everywhere): plenty for p-values compared against thresholds like 0.05.
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
