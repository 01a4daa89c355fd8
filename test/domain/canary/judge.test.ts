import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DEFAULTS, type MetricRule } from '../../../src/domain/canary/rules.js';
import { classify, judge, type JudgeOptions, type Series } from '../../../src/domain/canary/judge.js';

const P99 = BUILTIN_DEFAULTS.latencyP99;
const P50 = BUILTIN_DEFAULTS.latencyP50;
const ERRORS = BUILTIN_DEFAULTS.errorRate;
const RULES = [ERRORS, P50, P99];
const END: JudgeOptions = { pass: 95, marginal: 75, final: true, extended: false, canExtend: true };
const MID: JudgeOptions = { ...END, final: false };

const same = (v: number[]): Series => ({ canary: v, baseline: v });
const healthy = (): Map<string, Series> =>
  new Map([
    ['errorRate', same([0.001, 0, 0.002, 0.001])],
    ['latencyP50', same([0.05, 0.051, 0.049, 0.05])],
    ['latencyP99', same([0.15, 0.16, 0.14, 0.15])],
  ]);

describe('classify', () => {
  it('a canary clearly and substantially slower is high', () => {
    // Act
    const v = classify(P99, { canary: [0.21, 0.22, 0.2, 0.21], baseline: [0.15, 0.16, 0.14, 0.15] });
    // Assess
    expect(v.verdict).toBe('high');
    expect(v.p).toBeCloseTo(1 / 70, 10);
    expect(v.change).toBeCloseTo(0.4, 1);
  });

  it('significant but smaller than the effect size passes', () => {
    // Act
    const v = classify(P99, { canary: [0.16, 0.161, 0.162, 0.163], baseline: [0.15, 0.151, 0.152, 0.153] });
    // Assess
    expect(v.p).toBeLessThan(0.05);
    expect(v.verdict).toBe('pass');
  });

  it('large but not significant passes (too few minutes to tell)', () => {
    // Act: 3 against 3 can never reach p < 0.05 (the smallest exact p is 1/20)
    const v = classify(P99, { canary: [0.3, 0.3, 0.3], baseline: [0.1, 0.1, 0.1] });
    // Assess
    expect(v.p).toBeCloseTo(0.05, 10);
    expect(v.verdict).toBe('pass');
  });

  it('an improvement is not a failure for an increase-only metric, but is for `either`', () => {
    // Prepare
    const faster = { canary: [0.1, 0.1, 0.11, 0.1], baseline: [0.15, 0.16, 0.14, 0.15] };
    // Assess
    expect(classify(P99, faster).verdict).toBe('pass');
    expect(classify({ ...P99, direction: 'either' }, faster).verdict).toBe('low');
    expect(classify({ ...P99, direction: 'decrease' }, faster).verdict).toBe('low');
  });

  it('errors from a zero baseline: infinite change, judged on the absolute floor', () => {
    // Act
    const few = classify(ERRORS, { canary: [0.003, 0.004, 0.003, 0.003], baseline: [0, 0, 0, 0] });
    const many = classify(ERRORS, { canary: [0.015, 0.02, 0.012, 0.018], baseline: [0, 0, 0, 0] });
    // Assess
    expect(few.change).toBeNull();
    expect(few.verdict).toBe('pass');
    expect(many.verdict).toBe('high');
  });

  it('too few datapoints is nodata, never a guess', () => {
    // Assess
    expect(classify(P99, { canary: [0.5, 0.5], baseline: [0.1, 0.1, 0.1, 0.1] }).verdict).toBe('nodata');
    expect(classify(P99, { canary: [], baseline: [] }).verdict).toBe('nodata');
  });
});

describe('judge', () => {
  it('promotes a healthy canary at the step end with score 100', () => {
    // Act
    const v = judge(RULES, healthy(), END);
    // Assess
    expect(v).toMatchObject({ score: 100, decision: 'promote', failing: [] });
  });

  it('keeps watching a healthy canary before the end', () => {
    // Assess
    expect(judge(RULES, healthy(), MID).decision).toBe('watch');
  });

  it('an early look needs 99 % confidence: four bad minutes fail at the end, not before', () => {
    // Prepare: 4 against 4 gives at best p = 1/70 ≈ 0.014
    const s = healthy();
    s.set('errorRate', { canary: [0.015, 0.02, 0.012, 0.018], baseline: [0.001, 0, 0.002, 0.001] });
    // Assess
    expect(judge(RULES, s, MID).decision).toBe('watch');
    expect(judge(RULES, s, END).decision).toBe('fail');
  });

  it('the mean of a rate is pooled by its weights: a busy minute counts for more', () => {
    // Prepare: per-minute rates average 0.0105 but the pooled rate is 0.0019
    const v = classify(ERRORS, { canary: [0.02, 0.001, 0.02, 0.001], baseline: [0, 0, 0, 0], canaryWeights: [10, 1000, 10, 1000], baselineWeights: [1000, 1000, 1000, 1000] });
    // Assess
    expect(v.canary.mean).toBeCloseTo((0.2 + 1 + 0.2 + 1) / 2020, 10);
    expect(v.verdict).toBe('pass');
  });

  it('fails at any look when a critical metric fails, naming it', () => {
    // Prepare: six minutes each, enough for an early look's 99 % confidence
    const s = healthy();
    s.set('errorRate', { canary: [0.015, 0.02, 0.012, 0.018, 0.016, 0.014], baseline: [0.001, 0, 0.002, 0.001, 0.001, 0] });
    // Act
    const v = judge(RULES, s, MID);
    // Assess
    expect(v.decision).toBe('fail');
    expect(v.failing).toEqual(['errorRate']);
    expect(v.reason).toMatch(/^critical metric failed: errorRate high/);
  });

  it('a score between marginal and pass extends the step once, then fails', () => {
    // Prepare: p99 alone fails: score 3/4 = 75
    const s = healthy();
    s.set('latencyP99', { canary: [0.21, 0.22, 0.2, 0.21], baseline: [0.15, 0.16, 0.14, 0.15] });
    // Act
    const mid = judge(RULES, s, MID);
    const first = judge(RULES, s, END);
    const second = judge(RULES, s, { ...END, extended: true });
    const noExtension = judge(RULES, s, { ...END, canExtend: false });
    // Assess
    expect(mid.decision).toBe('watch');
    expect(first).toMatchObject({ score: 75, decision: 'extend', failing: ['latencyP99'] });
    expect(second.decision).toBe('fail');
    expect(second.reason).toMatch(/after the extension: latencyP99 high \(\+40%/);
    expect(noExtension.decision).toBe('fail');
  });

  it('a score below marginal fails at any look', () => {
    // Prepare: both latencies fail: score 2/4 = 50
    const s = healthy();
    s.set('latencyP50', { canary: [0.07, 0.071, 0.072, 0.07, 0.071, 0.07], baseline: [0.05, 0.051, 0.049, 0.05, 0.05, 0.05] });
    s.set('latencyP99', { canary: [0.21, 0.22, 0.2, 0.21, 0.21, 0.22], baseline: [0.15, 0.16, 0.14, 0.15, 0.15, 0.15] });
    // Act
    const v = judge(RULES, s, MID);
    // Assess
    expect(v.score).toBe(50);
    expect(v.decision).toBe('fail');
    expect(v.failing).toEqual(['latencyP50', 'latencyP99']);
  });

  it('no data: watched before the end; at the end a critical metric without data fails', () => {
    // Prepare
    const s = healthy();
    s.set('errorRate', { canary: [0], baseline: [0] });
    // Act
    const mid = judge(RULES, s, MID);
    const end = judge(RULES, s, END);
    const nothing = judge([P50, P99], new Map(), END);
    // Assess
    expect(mid.decision).toBe('watch');
    expect(end.decision).toBe('fail');
    expect(end.failing).toEqual(['errorRate']);
    expect(nothing).toMatchObject({ score: null, decision: 'fail' });
  });

  it('weights: a heavy metric failing alone drags the score under marginal', () => {
    // Prepare
    const heavy: MetricRule = { ...P99, weight: 10 };
    const s = healthy();
    s.set('latencyP99', { canary: [0.21, 0.22, 0.2, 0.21], baseline: [0.15, 0.16, 0.14, 0.15] });
    // Act
    const v = judge([ERRORS, P50, heavy], s, END);
    // Assess
    expect(v.score).toBeCloseTo((100 * 3) / 13, 6);
    expect(v.decision).toBe('fail');
  });

  it('property: identical series never fail and always score 100', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 3, maxLength: 40 }), fc.boolean(), (values, final) => {
        const s = new Map(RULES.map((r) => [r.name, same(values)]));
        const v = judge(RULES, s, { ...END, final });
        expect(v.score).toBe(100);
        expect(v.decision).toBe(final ? 'promote' : 'watch');
      }),
    );
  });

  it('property: the score is within [0, 100] and a fail always names a reason', () => {
    const series = fc.record({ canary: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), baseline: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }) });
    fc.assert(
      fc.property(series, series, series, fc.boolean(), fc.boolean(), (e, p50, p99, final, extended) => {
        const v = judge(RULES, new Map([['errorRate', e], ['latencyP50', p50], ['latencyP99', p99]]), { ...END, final, extended });
        if (v.score !== null) {
          expect(v.score).toBeGreaterThanOrEqual(0);
          expect(v.score).toBeLessThanOrEqual(100);
        }
        if (v.decision === 'fail') expect(v.reason.length).toBeGreaterThan(0);
        if (v.decision === 'promote') expect(v.score).toBeGreaterThanOrEqual(95);
      }),
    );
  });
});
