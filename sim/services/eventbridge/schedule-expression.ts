/**
 * Schedule expressions shared by EventBridge rules and EventBridge Scheduler:
 * `rate(N minute|minutes|hour|hours|day|days)`, `cron(min hour dom month dow year)` and, for the
 * Scheduler only, `at(yyyy-mm-ddThh:mm:ss)`. Times are computed on "wall" milliseconds (the
 * local time of a zone written as if it were UTC) and converted with the zone's offset.
 */

export class ExpressionError extends Error {}

export interface Cron {
  minutes: number[];
  hours: number[];
  months: Set<number>;
  years: Set<number>;
  /** Day-of-month or day-of-week rule (the other field is `?`). */
  day: (year: number, month: number, day: number) => boolean;
}

export type Schedule = { kind: 'at'; wall: number } | { kind: 'rate'; periodMs: number } | { kind: 'cron'; cron: Cron };

const MINUTE = 60_000;
const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { minute: MINUTE, hour: 3_600_000, day: DAY };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

export function parseSchedule(expression: string, options: { allowAt: boolean }): Schedule {
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at && options.allowAt) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number) as [number, number, number, number, number, number];
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(wall);
    if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
      throw new ExpressionError(`invalid date/time in ${expression}`);
    }
    return { kind: 'at', wall };
  }
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const n = Number(rate[1]);
    const unit = rate[2] as string;
    if (n <= 0) throw new ExpressionError('the rate value must be a positive number');
    // "If the value is 1, the unit must be singular; otherwise plural."
    if ((n === 1) !== !unit.endsWith('s')) throw new ExpressionError(`unit ${unit} does not agree with value ${n}`);
    return { kind: 'rate', periodMs: n * (UNIT_MS[unit.replace(/s$/, '')] as number) };
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1] as string) };
  throw new ExpressionError(`unrecognised schedule expression ${expression}`);
}

export function parseCron(body: string): Cron {
  const f = body.trim().split(/\s+/);
  if (f.length !== 6) throw new ExpressionError('a cron expression has 6 fields: minutes hours day-of-month month day-of-week year');
  const [min, hour, dom, month, dow, year] = f as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) throw new ExpressionError('exactly one of day-of-month and day-of-week must be ?');
  return {
    minutes: [...parseSet(min, 0, 59)].sort((a, b) => a - b),
    hours: [...parseSet(hour, 0, 23)].sort((a, b) => a - b),
    months: parseSet(month, 1, 12, MONTHS),
    years: parseSet(year, 1970, 2199),
    day: dom !== '?' ? dayOfMonth(dom) : dayOfWeek(dow),
  };
}

function parseSet(field: string, lo: number, hi: number, names?: string[]): Set<number> {
  const value = (s: string): number => {
    const named = names?.indexOf(s.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + lo : /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(n >= lo && n <= hi)) throw new ExpressionError(`value ${s} out of range ${lo}-${hi}`);
    return n;
  };
  const out = new Set<number>();
  for (const item of field.split(',')) {
    const [base, stepText, extra] = item.split('/');
    if (extra !== undefined || base === undefined || base === '') throw new ExpressionError(`bad cron item ${item}`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) throw new ExpressionError(`bad step in ${item}`);
    let from: number;
    let to: number;
    if (base === '*') [from, to] = [lo, hi];
    else if (base.includes('-')) {
      const [a, b] = base.split('-') as [string, string];
      [from, to] = [value(a), value(b)];
      if (from > to) throw new ExpressionError(`bad range ${base}`);
    } else {
      from = value(base);
      to = stepText === undefined ? from : hi;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
/** 1 = Sunday … 7 = Saturday, as in AWS cron. */
const weekday = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 1;

function dayOfMonth(field: string): Cron['day'] {
  if (field === 'L') return (y, m, d) => d === daysIn(y, m);
  if (field === 'LW') return (y, m, d) => d === nearestWeekday(y, m, daysIn(y, m));
  const w = /^(\d{1,2})W$/.exec(field);
  if (w) {
    const n = Number(w[1]);
    if (n < 1 || n > 31) throw new ExpressionError(`bad day-of-month ${field}`);
    return (y, m, d) => d === nearestWeekday(y, m, Math.min(n, daysIn(y, m)));
  }
  const days = parseSet(field, 1, 31);
  return (_y, _m, d) => days.has(d);
}

function nearestWeekday(y: number, m: number, n: number): number {
  const wd = weekday(y, m, n);
  if (wd === 7) return n === 1 ? 3 : n - 1;
  if (wd === 1) return n === daysIn(y, m) ? n - 2 : n + 1;
  return n;
}

function dayOfWeek(field: string): Cron['day'] {
  const dayValue = (s: string) => [...parseSet(s, 1, 7, WEEKDAYS)][0] as number;
  if (field === 'L') return (y, m, d) => weekday(y, m, d) === 7;
  const last = /^(\w+)L$/.exec(field);
  if (last) {
    const wd = dayValue(last[1] as string);
    return (y, m, d) => weekday(y, m, d) === wd && d + 7 > daysIn(y, m);
  }
  const nth = /^(\w+)#([1-5])$/.exec(field);
  if (nth) {
    const wd = dayValue(nth[1] as string);
    const k = Number(nth[2]);
    return (y, m, d) => weekday(y, m, d) === wd && Math.ceil(d / 7) === k;
  }
  const days = parseSet(field, 1, 7, WEEKDAYS);
  return (y, m, d) => days.has(weekday(y, m, d));
}

/** The first minute strictly after `afterWall` that the cron expression selects, or undefined. */
export function nextCronWall(cron: Cron, afterWall: number): number | undefined {
  const first = Math.floor(afterWall / MINUTE) * MINUTE + MINUTE;
  const firstDay = first - (((first % DAY) + DAY) % DAY);
  let day = firstDay;
  for (;;) {
    const date = new Date(day);
    const y = date.getUTCFullYear();
    const m = date.getUTCMonth() + 1;
    if (y > 2199) return undefined;
    if (!cron.years.has(y)) {
      day = Date.UTC(y + 1, 0, 1);
      continue;
    }
    if (!cron.months.has(m)) {
      day = Date.UTC(y, m, 1);
      continue;
    }
    if (cron.day(y, m, date.getUTCDate())) {
      const from = day === firstDay ? first - day : 0;
      for (const h of cron.hours) {
        for (const mi of cron.minutes) {
          const offset = h * 3_600_000 + mi * MINUTE;
          if (offset >= from) return day + offset;
        }
      }
    }
    day += DAY;
  }
}

// ---- time zones ----

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at the instant `utc`, in ms. */
function offsetMs(zone: string, utc: number): number {
  if (zone === 'UTC') return 0;
  const p: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(new Date(utc))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const wall = Date.UTC(p.year as number, (p.month as number) - 1, p.day, p.hour, p.minute, p.second);
  return wall - Math.floor(utc / 1000) * 1000;
}

export const utcToWall = (utc: number, zone: string): number => utc + offsetMs(zone, utc);

export function wallToUtc(wall: number, zone: string): number {
  const guess = wall - offsetMs(zone, wall);
  return wall - offsetMs(zone, guess);
}
