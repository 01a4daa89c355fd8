/**
 * Regression: a leftover of a failed deployment (newer than every serving group, e.g. kept by
 * `rollbackOnFailure: false`) is never a rollback target, so it takes no retention slot: the
 * sweep removes it even when the cluster is within `maxRemainingGroups`.
 */
import { describe, expect, it } from 'vitest';
import { type GroupState, selectForSweep } from '../../src/domain/teardown.js';

const g = (n: number, over: Partial<GroupState> = {}): GroupState => ({ name: `web-v00${n}`, sequence: n, createdAt: n, serving: false, healthy: 2, ...over });

describe('selectForSweep and leftovers', () => {
  it('removes a leftover even within the limit', () => {
    // Act
    const doomed = selectForSweep({ groups: [g(1, { serving: true }), g(2, { healthy: 0 })], maxRemaining: 2 });
    // Assess
    expect(doomed.map((x) => x.name)).toEqual(['web-v002']);
  });

  it('gives the free slots to previous releases only', () => {
    // Prepare: v001 previous, v002 serving, v003 failed and kept; room for three.
    const groups = [g(1), g(2, { serving: true }), g(3)];
    // Act
    const doomed = selectForSweep({ groups, maxRemaining: 3 });
    // Assess
    expect(doomed.map((x) => x.name)).toEqual(['web-v003']);
  });

  it('still never removes the last healthy group, leftover or not', () => {
    // Prepare: the serving group has no healthy target; only the leftover has.
    const doomed = selectForSweep({ groups: [g(1, { serving: true, healthy: 0 }), g(2)], maxRemaining: 2 });
    // Assess
    expect(doomed).toEqual([]);
  });
});
