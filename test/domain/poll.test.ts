import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatBakeSeconds,
  learnedSeconds,
  MAX_EXPECTED_WAIT_SECONDS,
  MAX_POLL_SECONDS,
  parseBakeSeconds,
  pollSeconds,
  type PollTiming,
  watchSeconds,
} from '../../src/domain/poll.js';

const T0 = Date.UTC(2026, 0, 1);
const s = (n: number) => T0 + n * 1000;

describe('pollSeconds', () => {
  it('sleeps until the expected moment, plus a second so the look lands after the change', () => {
    // Act
    const wait = pollSeconds({ now: s(0), since: s(0), expectedAt: s(158) });
    // Assess
    expect(wait).toBe(159);
  });

  it('looks tightly right after the expected moment', () => {
    // Assess
    expect(pollSeconds({ now: s(159), since: s(0), expectedAt: s(158) })).toBe(2);
    expect(pollSeconds({ now: s(159), since: s(0), expectedAt: s(158), tightSeconds: 5 })).toBe(5);
  });

  it('backs off as the phase gets overdue: a quarter of the lateness, at most a twentieth of its age, at most 60 s', () => {
    // Assess
    expect(pollSeconds({ now: s(170), since: s(0), expectedAt: s(158) })).toBe(3);
    expect(pollSeconds({ now: s(300), since: s(0), expectedAt: s(158) })).toBe(15);
    expect(pollSeconds({ now: s(7200), since: s(0), expectedAt: s(158) })).toBe(MAX_POLL_SECONDS);
  });

  it('with nothing expected, spaces looks by a twentieth of the phase age', () => {
    // Assess
    expect(pollSeconds({ now: s(5), since: s(0) })).toBe(2);
    expect(pollSeconds({ now: s(100), since: s(0) })).toBe(5);
  });

  it('keeps counting lateness from the first expectation when a later floor moves out', () => {
    // Prepare: the floor moved to 1330 s, but the phase was due at 30 s
    const t: PollTiming = { now: s(1300), since: s(0), expectedAt: s(1330), lateAfter: s(30) };
    // Assess: 60 s (overdue backoff) rather than 31 s (until the floor)
    expect(pollSeconds(t)).toBe(60);
  });

  it('never sleeps past the deadline, and never less than a second', () => {
    // Assess
    expect(pollSeconds({ now: s(0), since: s(0), expectedAt: s(600), deadline: s(40) })).toBe(40);
    expect(pollSeconds({ now: s(40), since: s(0), deadline: s(40) })).toBe(1);
    expect(pollSeconds({ now: s(0), since: s(0), expectedAt: s(3600) })).toBe(MAX_EXPECTED_WAIT_SECONDS);
  });

  it('property: an integer from 1 to 300, within the deadline; past the expected time it overshoots by at most max(tight, lateness/4, age/20)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
        (since, elapsed, expected, untilDeadline) => {
          // Prepare
          const now = s(since + elapsed);
          const t: PollTiming = { now, since: s(since), ...(expected === undefined ? {} : { expectedAt: s(expected) }), ...(untilDeadline === undefined ? {} : { deadline: now + untilDeadline * 1000 }) };
          // Act
          const wait = pollSeconds(t);
          // Assess
          expect(Number.isInteger(wait)).toBe(true);
          expect(wait).toBeGreaterThanOrEqual(1);
          expect(wait).toBeLessThanOrEqual(MAX_EXPECTED_WAIT_SECONDS);
          if (untilDeadline !== undefined) expect(wait).toBeLessThanOrEqual(untilDeadline);
          if (expected !== undefined && s(expected) <= now) expect(wait).toBeLessThanOrEqual(Math.max(2, Math.ceil(elapsed / 20)));
        },
      ),
    );
  });
});

describe('learnedSeconds', () => {
  it('learns the last look that found the phase unfinished (a lower bound)', () => {
    // Assess: looked at 159 (pending) and 161 (done); expected 158
    expect(learnedSeconds({ since: s(0), lastPendingAt: s(159), expectedAt: s(158) })).toBe(159);
  });

  it('expects a little sooner when the first look at the expected time already found it done', () => {
    // Assess: the look at 159 found it done; the phase may have got faster
    expect(learnedSeconds({ since: s(0), lastPendingAt: s(100), expectedAt: s(158) })).toBe(156);
  });

  it('without history, learns the lower bound', () => {
    // Assess
    expect(learnedSeconds({ since: s(0), lastPendingAt: s(150) })).toBe(150);
    expect(learnedSeconds({ since: s(0) })).toBe(0);
  });

  it('property: never more than the moment the phase was seen done', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 5000 }), (pending, gap, expected) => {
        // Prepare: seen pending at `pending`, done at `pending + gap`, with the first look no sooner than the expected time
        const doneAt = Math.max(pending + gap, expected + 1);
        // Act
        const learned = learnedSeconds({ since: s(0), lastPendingAt: s(pending), expectedAt: s(expected) });
        // Assess
        expect(learned).toBeLessThan(doneAt);
        expect(learned).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});

describe('bake seconds tag', () => {
  it('round-trips and ignores what it cannot read', () => {
    // Assess
    expect(formatBakeSeconds({ builder: 158, image: 59 })).toBe('builder=158,image=59');
    expect(parseBakeSeconds('builder=158,image=59')).toEqual({ builder: 158, image: 59 });
    expect(parseBakeSeconds('image=59,junk')).toEqual({ image: 59 });
    expect(parseBakeSeconds('nonsense')).toBeUndefined();
    expect(parseBakeSeconds(undefined)).toBeUndefined();
    expect(formatBakeSeconds({})).toBeUndefined();
  });
});

describe('watchSeconds', () => {
  it('sleeps through a step wait in one go when nothing is watched, in one-minute slices otherwise, never past its end', () => {
    // Assess
    expect(watchSeconds(s(300), s(0), false)).toBe(300);
    expect(watchSeconds(s(300), s(0), true)).toBe(60);
    expect(watchSeconds(s(300), s(270), true)).toBe(30);
    expect(watchSeconds(s(300), s(300), true)).toBe(0);
  });
});
