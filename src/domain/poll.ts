/**
 * The one place that decides how long a polling step sleeps before it looks again (bake,
 * image, health gate). Pure: times are epoch milliseconds passed in by the caller.
 *
 * The rule: sleep until the moment the awaited change is expected (plus a second, so the poll
 * lands after the change rather than racing it), then look tightly; the longer the change is
 * overdue, the slower the looks, so a stuck phase costs few polls. Every poll past the expected
 * time overshoots the change by at most a quarter of its lateness and a twentieth of the phase's
 * age: at most ~5 % on the phase, which is what a deployment's overhead ratio is made of.
 */

/** Bounds of any wait, seconds. */
export const MIN_POLL_SECONDS = 1;
/** Longest sleep towards a known expected time: a failure meanwhile is seen at most this late. */
export const MAX_EXPECTED_WAIT_SECONDS = 300;
/** Longest sleep once the expected time has passed (or when nothing is expected). */
export const MAX_POLL_SECONDS = 60;
/** Default interval of the tight looks right after the expected time. */
export const TIGHT_POLL_SECONDS = 2;
/** Seconds after the expected time the first look lands. */
export const SETTLE_SECONDS = 1;
/** A cluster's first bake has no history: first look at the builder (boot plus an install rarely finish sooner)… */
export const FIRST_BUILDER_LOOK_SECONDS = 120;
/** …and at a new image: snapshotting even a small root volume takes about a minute or more. */
export const FIRST_IMAGE_LOOK_SECONDS = 45;
/**
 * A duration learned from the last run is one run's: boots, installs and snapshots vary, so the
 * next can be a quarter faster. The first look comes at this share of it; the tight looks that follow cost
 * a few invocations, a look that comes late costs the whole difference.
 */
export const LEARNED_SHARE = 0.75;
/** When to first look at a phase that began at `since`: at the learned share of its last duration, else after `firstSeconds`. */
export function expectedAt(since: number, learnedSeconds: number | undefined, firstSeconds: number): number {
  return since + (learnedSeconds === undefined ? firstSeconds : learnedSeconds * LEARNED_SHARE) * 1000;
}

/**
 * The health gate looks less often once overdue: a group's readiness depends on its app's start,
 * which the pipeline does not know, so a gate is "late" for most of its wait; looks as dense as a
 * bake's would cost about half again as many transitions for ~1 % of overhead.
 */
export const GATE_SHARES = { lateness: 0.5, age: 0.1 };
/** Overdue: the next look after at most this share of the lateness… */
export const LATENESS_SHARE = 0.25;
/** …and of the time the phase has run. */
export const AGE_SHARE = 0.05;

export interface PollTiming {
  now: number;
  /** When the awaited phase began (builder launched, image requested, group created). */
  since: number;
  /** The earliest moment the change can happen, from physics or from an earlier run. */
  expectedAt?: number;
  /** From when the phase counts as overdue (default: `expectedAt`, else `since`). A lower bound that moves later keeps this. */
  lateAfter?: number;
  /** Never sleep past this (a look is due at the deadline to fail on time). */
  deadline?: number;
  tightSeconds?: number;
  /**
   * `expectedAt` is an early share of a learned duration (expectedAt()): the phase most likely ends
   * later, so the looks after it come every twentieth of the phase's age rather than tightly.
   */
  early?: boolean;
  /** Overdue looks as shares of lateness and age (default LATENESS_SHARE, AGE_SHARE). */
  shares?: { lateness: number; age: number };
}

/** Seconds to sleep before the next look: an integer ≥ 1 (a Step Functions Wait). */
export function pollSeconds(t: PollTiming): number {
  const tight = Math.max(t.tightSeconds ?? TIGHT_POLL_SECONDS, t.early ? AGE_SHARE * Math.max(0, (t.now - t.since) / 1000) : 0);
  const lateRef = t.lateAfter ?? t.expectedAt ?? t.since;
  const expected = t.expectedAt ?? lateRef;
  const untilExpected = expected > t.now ? Math.min((expected - t.now) / 1000 + SETTLE_SECONDS, MAX_EXPECTED_WAIT_SECONDS) : 0;
  let overdue = 0;
  if (t.now >= lateRef) {
    const lateness = (t.now - lateRef) / 1000;
    const age = Math.max(0, (t.now - t.since) / 1000);
    const shares = t.shares ?? { lateness: LATENESS_SHARE, age: AGE_SHARE };
    overdue = Math.min(Math.max(tight, Math.min(shares.lateness * lateness, shares.age * age)), MAX_POLL_SECONDS);
  }
  let wait = Math.max(untilExpected, overdue);
  if (t.deadline !== undefined) wait = Math.min(wait, (t.deadline - t.now) / 1000);
  return Math.max(MIN_POLL_SECONDS, Math.ceil(wait));
}

/**
 * What a finished phase teaches the next run, in seconds from its start: the last look that
 * found it unfinished (a lower bound, so the next run's first look never comes late). When the
 * very first look at the expected time already found it done, the phase may have got faster:
 * expect it one tight poll sooner next time, so the estimate follows a speed-up too.
 */
export function learnedSeconds(p: { since: number; lastPendingAt?: number; expectedAt?: number; tightSeconds?: number }): number {
  const lower = Math.max(0, ((p.lastPendingAt ?? p.since) - p.since) / 1000);
  const pendingSeenAfterExpected = p.expectedAt !== undefined && p.lastPendingAt !== undefined && p.lastPendingAt >= p.expectedAt;
  if (p.expectedAt === undefined || pendingSeenAfterExpected) return Math.floor(lower);
  const probe = (p.expectedAt - p.since) / 1000 - (p.tightSeconds ?? TIGHT_POLL_SECONDS);
  return Math.floor(Math.max(lower, probe, 0));
}

/** How long a cluster's last bake took: builder launch → powered off, and image request → available. */
export interface BakeSeconds {
  builder?: number;
  image?: number;
}

/** The value of the `redblack:bake-seconds` tag: `builder=158,image=59`. */
export function formatBakeSeconds(s: BakeSeconds): string | undefined {
  const parts = (['builder', 'image'] as const).filter((k) => s[k] !== undefined).map((k) => `${k}=${Math.round(s[k] as number)}`);
  return parts.length > 0 ? parts.join(',') : undefined;
}

/** Parses the tag; anything unreadable is ignored (the bake then polls as if it had no history). */
export function parseBakeSeconds(value: string | undefined): BakeSeconds | undefined {
  if (!value) return undefined;
  const out: BakeSeconds = {};
  for (const part of value.split(',')) {
    const m = /^(builder|image)=(\d{1,6})$/.exec(part.trim());
    if (m) out[m[1] as keyof BakeSeconds] = Number(m[2]);
  }
  return out.builder === undefined && out.image === undefined ? undefined : out;
}

/**
 * While a traffic step's wait runs, the watched alarms are looked at this often: a standard
 * CloudWatch alarm changes state at most once per evaluation period (a minute by default), so a
 * firing alarm is acted on within about a period instead of at the next step.
 */
export const WATCH_SECONDS = 60;

/** Seconds to sleep inside a step's wait that ends at `until`: whole, or in watch slices when alarms are watched. */
export function watchSeconds(until: number, now: number, watching: boolean): number {
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return watching ? Math.min(WATCH_SECONDS, left) : left;
}
