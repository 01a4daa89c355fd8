/**
 * Deployment windows and the account-wide change freeze. Pure: times are epoch ms passed in, time
 * zones are IANA names read with `Intl` (no time-zone library: Node ships the tz database).
 *
 * A window is open on its `days` (the local weekday of its start) from `start` to `end`, local
 * time in `timeZone`; an `end` at or before `start` runs past midnight into the next day. With
 * no windows configured a cluster may deploy at any time. A freeze (SSM parameter, JSON
 * `{"reason", "until"}`) closes every cluster until `until`.
 */
export const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;
export type Day = (typeof DAYS)[number];

/** True when `tz` is an IANA time zone this runtime knows. */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** One window of the cluster config (schema: windows-config.ts). */
export interface DeploymentWindow {
  days: Day[];
  start: string;
  end: string;
  timeZone?: string | undefined;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

interface Wall {
  year: number;
  month: number;
  day: number;
  weekday: Day;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The local calendar date, weekday and minute of the day of instant `t` in `tz`. */
export function wallClock(t: number, tz: string): Wall {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(tz, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: parts.weekday as Day,
    minute: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

/**
 * An instant at which the local time `minute` of the given date shows in `tz`: the offset is
 * taken twice, so a date on either side of a daylight-saving change lands right. A time inside a
 * spring-forward gap does not exist: the caller also tries an hour later.
 */
function localToInstant(year: number, month: number, day: number, minute: number, tz: string): number {
  const asUtc = Date.UTC(year, month - 1, day, 0, minute);
  const offset = (t: number) => {
    const w = wallClock(t, tz);
    return Date.UTC(w.year, w.month - 1, w.day, 0, w.minute) - Math.floor(t / 60_000) * 60_000;
  };
  return asUtc - offset(asUtc - offset(asUtc));
}

const previous = (d: Day): Day => DAYS[(DAYS.indexOf(d) + 6) % 7] as Day;

/** Is the window open at instant `t`? */
export function windowOpen(w: DeploymentWindow, t: number): boolean {
  const local = wallClock(t, w.timeZone ?? 'UTC');
  const start = minutes(w.start);
  const end = minutes(w.end);
  if (start < end) return w.days.includes(local.weekday) && local.minute >= start && local.minute < end;
  return (w.days.includes(local.weekday) && local.minute >= start) || (w.days.includes(previous(local.weekday)) && local.minute < end);
}

/** Open when no windows are configured, or when any one is open. */
export function insideWindows(windows: readonly DeploymentWindow[] | undefined, t: number): boolean {
  return !windows || windows.length === 0 || windows.some((w) => windowOpen(w, t));
}

/** The next instant at or after `t` that some window is open; undefined when none ever opens (cannot happen with valid windows). */
export function nextOpening(windows: readonly DeploymentWindow[] | undefined, t: number): number | undefined {
  if (insideWindows(windows, t)) return t;
  let best: number | undefined;
  for (const w of windows ?? []) {
    const tz = w.timeZone ?? 'UTC';
    const today = wallClock(t, tz);
    for (let d = 0; d <= 8; d++) {
      // Calendar arithmetic in UTC on the local date, then back to an instant in the zone.
      const date = new Date(Date.UTC(today.year, today.month - 1, today.day + d));
      const at = localToInstant(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), minutes(w.start), tz);
      let candidate: number | undefined;
      if (wallClock(at, tz).minute === minutes(w.start)) candidate = windowOpen(w, at) ? at : undefined;
      else {
        // The start fell in a spring-forward gap (that local time does not exist): the window opens
        // at the first minute after the jump, found by halving the hour around it.
        const hi0 = [at, at + 3600_000].find((x) => windowOpen(w, x));
        if (hi0 !== undefined) {
          let lo = hi0 - 3600_000;
          let hi = hi0;
          while (hi - lo > 60_000) {
            const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
            if (windowOpen(w, mid)) hi = mid;
            else lo = mid;
          }
          candidate = hi;
        }
      }
      if (candidate !== undefined && candidate > t && (best === undefined || candidate < best)) best = candidate;
    }
  }
  return best;
}

export interface Freeze {
  reason: string;
  /** Epoch ms the freeze ends; undefined for an unreadable freeze (it holds until fixed). */
  until?: number;
}

/**
 * The freeze parameter's value → the freeze in force at `now`, or undefined. An unreadable value
 * is a freeze (whoever wrote it meant one): its reason says what to fix.
 */
export function activeFreeze(value: string | undefined, now: number, parameter: string): Freeze | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return { reason: `${parameter} is not JSON {"reason": "…", "until": "<ISO 8601 time>"}` };
  }
  const d = doc as { reason?: unknown; until?: unknown };
  const until = typeof d.until === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(d.until) ? Date.parse(d.until) : NaN;
  if (typeof d !== 'object' || d === null || Number.isNaN(until)) return { reason: `${parameter} needs "until" as an ISO 8601 time, e.g. "2026-12-27T00:00:00Z"` };
  if (now >= until) return undefined;
  return { reason: typeof d.reason === 'string' && d.reason !== '' ? d.reason : 'change freeze', until };
}
