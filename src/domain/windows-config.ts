/** The `windows` section of a cluster's configuration (what the times mean: windows.ts). */
import * as z from 'zod/mini';
import { DAYS, isTimeZone } from './windows.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

export const windowSchema = z.strictObject({
  /** Weekdays the window opens on: Mon … Sun. */
  days: z
    .array(z.enum(DAYS, { error: `must be one of ${DAYS.join(', ')}` }))
    .check(z.minLength(1, { error: 'must list at least one day' }), z.maxLength(7, { error: 'must list at most 7 days' })),
  /** Local opening time, HH:MM (24-hour). */
  start: z.string().check(z.regex(HHMM, { error: 'must be a time HH:MM from 00:00 to 23:59' })),
  /** Local closing time, HH:MM or 24:00; at or before `start`: the window ends the next day. */
  end: z.string().check(z.regex(HHMM, { error: 'must be a time HH:MM from 00:00 to 24:00' })),
  /** IANA time zone of start and end, e.g. Europe/Paris. Default UTC. */
  timeZone: z.optional(z.string().check(z.refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Paris or America/New_York' }))),
});

export const windowsSchema = z.array(windowSchema).check(z.maxLength(20, { error: 'must list at most 20 windows' }));

