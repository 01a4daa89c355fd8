import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TrafficGuardViolation } from '../../src/domain/errors.js';
import { assertTrafficGuard, countHealthy, gateVerdict, requiredHealthy, type GateInput } from '../../src/domain/health.js';

const T0 = Date.UTC(2025, 0, 1);
/** 10 s interval × 3 checks: 30 s from registration to healthy at best. */
const HC = { intervalSeconds: 10, healthyThreshold: 3 };

function gate(over: Partial<GateInput>): GateInput {
  return { desired: 4, inService: 4, healthy: 4, minHealthyPercent: 100, alarmsInAlarm: [], now: T0, deadline: T0 + 20 * 60_000, ...over };
}

describe('requiredHealthy', () => {
  it.each<[number, number, number]>([
    [4, 100, 4],
    [4, 50, 2],
    [3, 50, 2],
    [7, 30, 3],
    [1, 1, 1],
    [10, 1, 1],
    [0, 100, 0],
  ])('desired %i at %i%% needs %i', (desired, pct, required) => {
    // Assess
    expect(requiredHealthy(desired, pct)).toBe(required);
  });

  it('rejects nonsense', () => {
    // Assess
    expect(() => requiredHealthy(-1, 50)).toThrow(RangeError);
    expect(() => requiredHealthy(2, 0)).toThrow(RangeError);
  });

  it('property: equals ceil(desired × pct / 100), at least 1 when desired > 0', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 1, max: 100 }), (desired, pct) => {
        // Act
        const r = requiredHealthy(desired, pct);
        // Assess
        expect(r).toBe(desired === 0 ? 0 : Math.max(1, Math.ceil((desired * pct) / 100)));
        expect(r).toBeLessThanOrEqual(desired);
      }),
    );
  });
});

describe('countHealthy', () => {
  it('counts only healthy targets', () => {
    // Assess
    expect(countHealthy(['healthy', 'initial', 'draining', 'unused', 'unhealthy', 'unavailable', 'unhealthy.draining', 'healthy'])).toBe(2);
    expect(countHealthy([])).toBe(0);
  });
});

describe('gateVerdict', () => {
  it('passes when enough targets are healthy and in service', () => {
    // Act
    const v = gateVerdict(gate({}));
    // Assess
    expect(v).toEqual({ status: 'passed', reason: '4/4 healthy, 4/4 in service', waitSeconds: 0 });
  });

  it('fails at once on alarms, even when healthy', () => {
    // Act
    const v = gateVerdict(gate({ alarmsInAlarm: ['web-5xx'] }));
    // Assess
    expect(v).toMatchObject({ status: 'failed', failure: 'alarm', reason: 'alarms in ALARM: web-5xx' });
  });

  it('fails a group with no desired capacity', () => {
    // Assess
    expect(gateVerdict(gate({ desired: 0, healthy: 0, inService: 0 }))).toMatchObject({ status: 'failed', failure: 'empty' });
  });

  it('fails at the deadline', () => {
    // Act
    const v = gateVerdict(gate({ healthy: 2, now: T0 + 20 * 60_000 }));
    // Assess
    expect(v).toMatchObject({ status: 'failed', failure: 'timeout', reason: 'health gate timed out: 2/4 healthy, 4/4 in service' });
  });

  it('sleeps until the first health checks can have passed, then a second more', () => {
    // Prepare: the group was created just now; 10 s interval × 3 checks
    const input = gate({ healthy: 0, inService: 0, since: T0, healthCheck: HC });
    // Act
    const v = gateVerdict(input);
    // Assess
    expect(v).toEqual({ status: 'waiting', reason: '0/4 healthy, 0/4 in service', waitSeconds: 31, readyNotBefore: T0 + 30_000 });
  });

  it('pushes the floor out while instances are still not InService (they register no sooner than now)', () => {
    // Prepare: 31 s after launch, two instances still booting
    const input = gate({ healthy: 0, inService: 2, since: T0, healthCheck: HC, readyNotBefore: T0 + 30_000, now: T0 + 31_000 });
    // Act
    const v = gateVerdict(input);
    // Assess
    expect(v.readyNotBefore).toBe(T0 + 61_000);
    expect(v.waitSeconds).toBe(31);
  });

  it('looks tightly once the floor has passed, and slower the more overdue the group is', () => {
    // Prepare: all InService, floor passed 1 s ago / 20 minutes ago
    const justDue = gateVerdict(gate({ healthy: 1, since: T0, healthCheck: HC, readyNotBefore: T0 + 30_000, now: T0 + 31_000 }));
    const overdue = gateVerdict(gate({ healthy: 1, since: T0, healthCheck: HC, readyNotBefore: T0 + 30_000, now: T0 + 1_230_000, deadline: T0 + 3_600_000 }));
    // Assess
    expect(justDue.waitSeconds).toBe(2);
    expect(overdue.waitSeconds).toBe(60);
  });

  it('polls longer while instances boot than while only checks are pending', () => {
    // Act
    const booting = gateVerdict(gate({ healthy: 0, inService: 1, healthCheck: HC, since: T0 - 31_000 }));
    const checking = gateVerdict(gate({ healthy: 1, inService: 4, healthCheck: HC, since: T0 - 31_000 }));
    // Assess
    expect(booting.waitSeconds).toBeGreaterThan(checking.waitSeconds);
  });

  it('never waits past the deadline', () => {
    // Assess
    expect(gateVerdict(gate({ healthy: 0, now: T0, deadline: T0 + 2_000, healthCheck: HC })).waitSeconds).toBe(2);
  });

  it('property: waiting intervals stay within 1-300 s and the deadline, and passing implies the required count', () => {
    fc.assert(
      fc.property(
        fc.record({
          desired: fc.integer({ min: 0, max: 50 }),
          inService: fc.integer({ min: 0, max: 50 }),
          healthy: fc.integer({ min: 0, max: 50 }),
          minHealthyPercent: fc.integer({ min: 1, max: 100 }),
          alarmsInAlarm: fc.array(fc.string(), { maxLength: 2 }),
          now: fc.integer({ min: 0, max: 10_000_000 }),
          deadline: fc.integer({ min: 0, max: 10_000_000 }),
          since: fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
          healthCheck: fc.option(fc.record({ intervalSeconds: fc.integer({ min: 5, max: 300 }), healthyThreshold: fc.integer({ min: 2, max: 10 }) }), { nil: undefined }),
          readyNotBefore: fc.option(fc.integer({ min: 0, max: 20_000_000 }), { nil: undefined }),
        }),
        (input) => {
          // Act
          const v = gateVerdict(input);
          // Assess
          if (v.status === 'waiting') {
            expect(v.waitSeconds).toBeGreaterThanOrEqual(1);
            expect(v.waitSeconds).toBeLessThanOrEqual(300);
            expect(input.now).toBeLessThan(input.deadline);
            expect(v.waitSeconds).toBeLessThanOrEqual(Math.max(1, Math.ceil((input.deadline - input.now) / 1000)));
          } else expect(v.waitSeconds).toBe(0);
          if (v.status === 'passed') {
            expect(input.healthy).toBeGreaterThanOrEqual(requiredHealthy(input.desired, input.minHealthyPercent));
            expect(input.alarmsInAlarm).toHaveLength(0);
            expect(input.desired).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});

describe('assertTrafficGuard', () => {
  it('allows enough healthy targets and refuses too few', () => {
    // Prepare
    const args = { targetGroup: 'web-prod-v002', desired: 4, minHealthyPercent: 75 };
    // Act / Assess
    expect(() => assertTrafficGuard({ ...args, healthy: 3 })).not.toThrow();
    expect(() => assertTrafficGuard({ ...args, healthy: 2 })).toThrow(TrafficGuardViolation);
    expect(() => assertTrafficGuard({ ...args, healthy: 2 })).toThrow('web-prod-v002: 2 healthy targets, 3 required');
  });

  it('never sends traffic to a group with no capacity', () => {
    // Assess
    expect(() => assertTrafficGuard({ targetGroup: 'tg', desired: 0, healthy: 0, minHealthyPercent: 100 })).toThrow(TrafficGuardViolation);
  });

  it('never sends traffic to a group scaled to 0, even while its last targets still pass health checks', () => {
    // Assess: a scaled-down group's draining instances may still count healthy for a while.
    expect(() => assertTrafficGuard({ targetGroup: 'web-prod-v001', desired: 0, healthy: 4, minHealthyPercent: 50 })).toThrow(
      'refusing to send traffic to web-prod-v001: its desired capacity is 0 (4 healthy targets)',
    );
  });

  it('property: passes exactly when desired > 0 and healthy ≥ max(1, ceil(desired × pct / 100))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 1, max: 100 }), (desired, healthy, pct) => {
        const passes = desired > 0 && healthy >= Math.max(1, Math.ceil((desired * pct) / 100));
        const run = () => assertTrafficGuard({ targetGroup: 'tg', desired, healthy, minHealthyPercent: pct });
        if (passes) expect(run).not.toThrow();
        else expect(run).toThrow(TrafficGuardViolation);
      }),
    );
  });
});
