import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TeardownRefused } from '../../src/domain/errors.js';
import { assertCanTearDown, canTearDown, selectForSweep, type GroupState } from '../../src/domain/teardown.js';

const HOUR = 3_600_000;

/** Group v<n> created n hours in. */
function g(n: number, over: Partial<GroupState> = {}): GroupState {
  return { name: `web-v${String(n).padStart(3, '0')}`, sequence: n, createdAt: n * HOUR, serving: false, healthy: 2, ...over };
}
const names = (groups: GroupState[]): string[] => groups.map((x) => x.name);

describe('selectForSweep', () => {
  it('keeps the serving group and the newest previous ones, deleting the oldest first', () => {
    // Prepare
    const groups = [g(1), g(2), g(3), g(4, { serving: true })];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 2 });
    // Assess
    expect(names(doomed)).toEqual(['web-v001', 'web-v002']);
  });

  it('deletes nothing when within the limit', () => {
    // Assess
    expect(selectForSweep({ groups: [g(1), g(2, { serving: true })], maxRemaining: 2 })).toEqual([]);
  });

  it('never deletes serving groups, even beyond the limit (mid-shift both serve)', () => {
    // Act
    const doomed = selectForSweep({ groups: [g(1), g(2, { serving: true }), g(3, { serving: true })], maxRemaining: 1 });
    // Assess
    expect(names(doomed)).toEqual(['web-v001']);
  });

  it('removes leftovers of failed deployments before previous releases', () => {
    // Prepare: v003 is newer than the serving v002 but never took traffic.
    const groups = [g(1), g(2, { serving: true }), g(3, { healthy: 0 })];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 2 });
    // Assess
    expect(names(doomed)).toEqual(['web-v003']);
  });

  it('never deletes protected groups (a deployment in progress)', () => {
    // Prepare
    const groups = [g(1), g(2, { serving: true }), g(3, { healthy: 0 })];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 1, protect: ['web-v003'] });
    // Assess
    expect(names(doomed)).toEqual(['web-v001']);
  });

  it('keeps the last healthy group even when retention would delete it', () => {
    // Prepare: nothing serves (listener points elsewhere); only the oldest group is healthy.
    const groups = [g(1), g(2, { healthy: 0 }), g(3, { healthy: 0 })];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 1 });
    // Assess
    expect(names(doomed)).toEqual(['web-v002']);
  });

  it('orders by creation time, not by number (numbers wrap)', () => {
    // Prepare: v999 then v000 then v001 (wrapped).
    const groups = [g(999, { createdAt: 1 * HOUR }), g(0, { createdAt: 2 * HOUR }), g(1, { createdAt: 3 * HOUR, serving: true })];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 2 });
    // Assess
    expect(names(doomed)).toEqual(['web-v999']);
  });

  it('rejects a retention below 1', () => {
    // Assess
    expect(() => selectForSweep({ groups: [], maxRemaining: 0 })).toThrow(RangeError);
  });

  it('property: never a serving group, never the last healthy one, and at most maxRemaining kept beyond what must stay', () => {
    const groupsArb = fc
      .uniqueArray(fc.integer({ min: 0, max: 999 }), { minLength: 0, maxLength: 12 })
      .chain((seqs) =>
        fc.tuple(...seqs.map((n) => fc.record({ serving: fc.boolean(), healthy: fc.integer({ min: 0, max: 3 }), createdAt: fc.integer({ min: 0, max: 100 }) }).map((r) => g(n, r)))),
      );
    fc.assert(
      fc.property(groupsArb, fc.integer({ min: 1, max: 10 }), (groups, maxRemaining) => {
        // Act
        const doomed = selectForSweep({ groups, maxRemaining });
        // Assess
        const kept = groups.filter((x) => !doomed.includes(x));
        expect(doomed.every((x) => !x.serving)).toBe(true);
        if (groups.some((x) => x.healthy > 0)) expect(kept.some((x) => x.healthy > 0)).toBe(true);
        const serving = groups.filter((x) => x.serving).length;
        expect(kept.length).toBeLessThanOrEqual(Math.max(maxRemaining, serving) + 1);
        if (groups.length > Math.max(maxRemaining, serving) + 1) expect(doomed.length).toBeGreaterThan(0);
        for (const x of doomed) expect(canTearDown(x, { groups: kept }).ok).toBe(true);
      }),
    );
  });
});

describe('canTearDown', () => {
  it('allows a non-serving group while another group is healthy', () => {
    // Assess
    expect(canTearDown(g(1), { groups: [g(1), g(2, { serving: true })] })).toEqual({ ok: true });
  });

  it('refuses a serving group, judged by the current state of the cluster', () => {
    // Prepare: the schedule was made for v001, then a rollback moved traffic back to it.
    const stale = g(1);
    // Act
    const verdict = canTearDown(stale, { groups: [g(1, { serving: true }), g(2)] });
    // Assess
    expect(verdict).toEqual({ ok: false, reason: 'it serves traffic' });
  });

  it("refuses the cluster's only healthy group", () => {
    // Assess
    expect(canTearDown(g(1), { groups: [g(1), g(2, { healthy: 0 })] })).toEqual({ ok: false, reason: "it is the cluster's only healthy group" });
  });

  it('allows an unhealthy group even when nothing else is healthy', () => {
    // Assess
    expect(canTearDown(g(1, { healthy: 0 }), { groups: [g(1, { healthy: 0 })] })).toEqual({ ok: true });
  });

  it('assertCanTearDown throws TeardownRefused with the reason', () => {
    // Assess
    expect(() => assertCanTearDown(g(1, { serving: true }), { groups: [] })).toThrow(TeardownRefused);
    expect(() => assertCanTearDown(g(1, { serving: true }), { groups: [] })).toThrow('refusing to tear down web-v001: it serves traffic');
  });
});
