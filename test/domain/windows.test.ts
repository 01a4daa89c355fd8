import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activeFreeze, type DeploymentWindow, insideWindows, nextOpening, wallClock, windowOpen } from '../../src/domain/windows.js';

const iso = (s: string) => Date.parse(s);
const at = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

const PARIS_WEEKDAYS: DeploymentWindow = { days: ['Mon', 'Tue', 'Wed', 'Thu'], start: '09:00', end: '16:00', timeZone: 'Europe/Paris' };

describe('windows in a time zone', () => {
  it('is open inside local hours and closed outside, whatever UTC says', () => {
    // Assess: Paris is UTC+1 in winter
    expect(windowOpen(PARIS_WEEKDAYS, iso('2026-12-01T08:30:00Z'))).toBe(true); // Tue 09:30 Paris
    expect(windowOpen(PARIS_WEEKDAYS, iso('2026-12-01T07:59:00Z'))).toBe(false); // Tue 08:59
    expect(windowOpen(PARIS_WEEKDAYS, iso('2026-12-01T15:00:00Z'))).toBe(false); // Tue 16:00: the end is excluded
    expect(windowOpen(PARIS_WEEKDAYS, iso('2026-12-04T10:00:00Z'))).toBe(false); // Friday
  });

  it('names the next opening: Friday afternoon → Monday 09:00 Paris', () => {
    // Act
    const next = nextOpening([PARIS_WEEKDAYS], iso('2026-12-04T14:00:00Z'));
    // Assess
    expect(at(next)).toBe('2026-12-07T08:00:00.000Z');
  });

  it('a window across midnight belongs to its start day', () => {
    // Prepare: Tokyo, Sat 22:00 → Sun 02:00
    const night: DeploymentWindow = { days: ['Sat'], start: '22:00', end: '02:00', timeZone: 'Asia/Tokyo' };
    // Assess
    expect(windowOpen(night, iso('2026-12-05T14:30:00Z'))).toBe(true); // Sat 23:30 Tokyo
    expect(windowOpen(night, iso('2026-12-05T16:30:00Z'))).toBe(true); // Sun 01:30
    expect(windowOpen(night, iso('2026-12-05T17:00:00Z'))).toBe(false); // Sun 02:00
    expect(at(nextOpening([night], iso('2026-12-06T00:00:00Z')))).toBe('2026-12-12T13:00:00.000Z');
  });

  it('no windows: always open', () => {
    // Assess
    expect(insideWindows(undefined, 0)).toBe(true);
    expect(insideWindows([], 0)).toBe(true);
    expect(nextOpening([], 123)).toBe(123);
  });
});

describe('daylight-saving changes', () => {
  it('keeps local hours across the change: 09:00 New York is 14:00 UTC before it and 13:00 after', () => {
    // Prepare: US DST starts Sunday 2027-03-14
    const ny: DeploymentWindow = { days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'], start: '09:00', end: '17:00', timeZone: 'America/New_York' };
    // Assess
    expect(at(nextOpening([ny], iso('2027-03-12T22:00:00Z')))).toBe('2027-03-15T13:00:00.000Z');
    expect(at(nextOpening([ny], iso('2027-03-11T22:00:00Z')))).toBe('2027-03-12T14:00:00.000Z');
  });

  it('a window starting inside the spring-forward gap opens at the first minute that exists', () => {
    // Prepare: Paris skips 02:00–03:00 on Sunday 2027-03-28
    const early: DeploymentWindow = { days: ['Sun'], start: '02:30', end: '04:00', timeZone: 'Europe/Paris' };
    // Act
    const next = nextOpening([early], iso('2027-03-27T12:00:00Z'));
    // Assess: 03:00 CEST = 01:00Z, and it is open then
    expect(next).toBeDefined();
    expect(windowOpen(early, next as number)).toBe(true);
    expect(wallClock(next as number, 'Europe/Paris').minute).toBeLessThan(4 * 60);
    expect(at(next)).toBe('2027-03-28T01:00:00.000Z');
  });

  it('the repeated hour of the autumn change is inside a window that covers it', () => {
    // Prepare: Paris repeats 02:00–03:00 on Sunday 2026-10-25
    const w: DeploymentWindow = { days: ['Sun'], start: '01:00', end: '04:00', timeZone: 'Europe/Paris' };
    // Assess: both 02:30s
    expect(windowOpen(w, iso('2026-10-25T00:30:00Z'))).toBe(true);
    expect(windowOpen(w, iso('2026-10-25T01:30:00Z'))).toBe(true);
  });

  it('property: the next opening is open, not before now, and nothing earlier after now is open (minute grid)', () => {
    const zones = fc.constantFrom('UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham');
    const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const window = fc.record({ days: fc.uniqueArray(fc.constantFrom('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun' as const), { minLength: 1, maxLength: 7 }), start: hhmm, end: hhmm, timeZone: zones });
    fc.assert(
      fc.property(window, fc.integer({ min: iso('2026-01-01T00:00:00Z') / 60_000, max: iso('2028-01-01T00:00:00Z') / 60_000 }), (w, minute) => {
        const now = minute * 60_000;
        const next = nextOpening([w as DeploymentWindow], now);
        expect(next).toBeDefined();
        const n = next as number;
        expect(n).toBeGreaterThanOrEqual(now);
        expect(windowOpen(w as DeploymentWindow, n)).toBe(true);
        // Coarse check of "earliest": no open quarter-hour strictly between now and next.
        for (let t = Math.ceil(now / 900_000) * 900_000; t < n; t += 900_000) expect(windowOpen(w as DeploymentWindow, t)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});

describe('the change freeze', () => {
  const P = '/redblack/freeze';
  it('holds until its time, then lapses', () => {
    // Prepare
    const value = JSON.stringify({ reason: 'year-end freeze', until: '2027-01-04T08:00:00Z' });
    // Assess
    expect(activeFreeze(value, iso('2026-12-20T00:00:00Z'), P)).toEqual({ reason: 'year-end freeze', until: iso('2027-01-04T08:00:00Z') });
    expect(activeFreeze(value, iso('2027-01-04T08:00:00Z'), P)).toBeUndefined();
  });

  it('no parameter (or an empty one) is no freeze', () => {
    // Assess
    expect(activeFreeze(undefined, 0, P)).toBeUndefined();
    expect(activeFreeze('  ', 0, P)).toBeUndefined();
  });

  it('an unreadable value is a freeze whose reason says what to fix', () => {
    // Assess
    expect(activeFreeze('frozen!', 0, P)?.reason).toMatch(/is not JSON/);
    expect(activeFreeze('{"reason":"x","until":"next monday"}', 0, P)).toEqual({ reason: `${P} needs "until" as an ISO 8601 time, e.g. "2026-12-27T00:00:00Z"` });
  });
});
