/**
 * The judge benchmark's runs tell a bad release from a good one (otherwise its rates mean nothing):
 * on the same seeds, the step run and the approval-wait run roll back a release failing 1.5 % of
 * requests and keep a healthy one.
 */
import { describe, expect, it } from 'vitest';
import { approvalWaitRun, JUDGE_CLASSES, seriesRun } from '../../../tools/bench/lib/judge.js';

const byName = (prefix: string) => JUDGE_CLASSES.find((c) => c.name.startsWith(prefix)) as (typeof JUDGE_CLASSES)[number];
const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8];

describe('judge benchmark runs', () => {
  it('a traffic step: subtle errors are rolled back on errorRate, a healthy release is not', () => {
    // Act
    const bad = SEEDS.map((seed) => seriesRun(byName('subtle errors (1.5'), seed));
    const good = SEEDS.map((seed) => seriesRun(byName('healthy'), seed));
    // Assess
    expect(bad.every((o) => o.rolledBack && o.failing?.includes('errorRate'))).toBe(true);
    expect(good.some((o) => o.rolledBack)).toBe(false);
  });

  it('an approval wait: looks every minute roll back subtle errors and leave a healthy release alone', () => {
    // Act
    const bad = SEEDS.map((seed) => approvalWaitRun(byName('subtle errors (1.5'), seed, 30));
    const good = SEEDS.map((seed) => approvalWaitRun(byName('healthy'), seed, 30));
    // Assess
    expect(bad).toEqual(SEEDS.map(() => true));
    expect(good).toEqual(SEEDS.map(() => false));
  });
});
