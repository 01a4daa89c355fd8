/**
 * EventBridge Scheduler: schedule groups and schedules (`at()`, `rate()`, `cron()` in a time
 * zone) that invoke their target on the virtual clock, within the minute of the scheduled time
 * (or within the flexible window), and delete themselves with ActionAfterCompletion DELETE.
 *
 * An `at()` time already past when the schedule is created (or updated) is ACCEPTED and NEVER
 * RUNS (the Scheduler docs do not say whether such a time is rejected; this choice makes a late teardown schedule a visible leak
 * rather than an error the pipeline might swallow).
 */
import type {
  CreateScheduleCommandInput,
  CreateScheduleCommandOutput,
  CreateScheduleGroupCommandInput,
  CreateScheduleGroupCommandOutput,
  DeleteScheduleCommandInput,
  DeleteScheduleGroupCommandInput,
  GetScheduleCommandInput,
  GetScheduleCommandOutput,
  GetScheduleGroupCommandInput,
  GetScheduleGroupCommandOutput,
  ListSchedulesCommandInput,
  ListSchedulesCommandOutput,
  UpdateScheduleCommandInput,
  UpdateScheduleCommandOutput,
} from '@aws-sdk/client-scheduler';
import { AwsFault } from '../aws-fault.js';
import type { Cancel } from '../clock.js';
import type { SimContext } from '../context.js';
import { clockAt, deliver, type DeliveryError } from './eventbridge/delivery.js';
import { nextCronWall, utcToWall, wallToUtc } from './eventbridge/schedule-expression.js';
import { checkClientToken, checkName, constraint, definition, type Definition, validation } from './scheduler/validate.js';

type Out<T> = Omit<T, '$metadata'>;

const MINUTE = 60_000;

interface Group {
  name: string;
  arn: string;
  created: Date;
}

interface Stored extends Definition {
  arn: string;
  created: Date;
  modified: Date;
  clientToken?: string;
  timer?: Cancel;
  /** Scheduled (nominal) time of the pending invocation. */
  nominal?: number;
  /** When the pending invocation will actually happen (nominal + the minute/flexible jitter). */
  due?: number;
  /** A one-time schedule that has run. */
  done: boolean;
}

export class SchedulerSim {
  private readonly groups = new Map<string, Group>();
  private readonly schedules = new Map<string, Stored>();
  /** Invocations that failed for good (what a dead-letter queue would hold). */
  readonly deliveryErrors: DeliveryError[] = [];
  private duplicates = 0;

  constructor(readonly ctx: SimContext) {
    this.groups.set('default', { name: 'default', arn: this.groupArn('default'), created: new Date(ctx.clock.now()) });
  }

  CreateScheduleGroup(input: CreateScheduleGroupCommandInput): Out<CreateScheduleGroupCommandOutput> {
    const name = checkName('name', input.Name);
    checkClientToken(input.ClientToken);
    if (this.groups.has(name)) throw new AwsFault('ConflictException', `Schedule group ${name} already exists.`, 409);
    const group = { name, arn: this.groupArn(name), created: new Date(this.ctx.clock.now()) };
    this.groups.set(name, group);
    return { ScheduleGroupArn: group.arn };
  }

  GetScheduleGroup(input: GetScheduleGroupCommandInput): Out<GetScheduleGroupCommandOutput> {
    const g = this.group(checkName('name', input.Name));
    return { Arn: g.arn, Name: g.name, State: 'ACTIVE', CreationDate: g.created, LastModificationDate: g.created };
  }

  DeleteScheduleGroup(input: DeleteScheduleGroupCommandInput): Record<string, never> {
    const name = checkName('name', input.Name);
    checkClientToken(input.ClientToken);
    if (name === 'default') throw validation('The default schedule group cannot be deleted.');
    this.group(name);
    // Deleting a group deletes every schedule in it.
    for (const s of [...this.schedules.values()]) if (s.group === name) this.remove(s);
    this.groups.delete(name);
    return {};
  }

  CreateSchedule(input: CreateScheduleCommandInput): Out<CreateScheduleCommandOutput> {
    const def = definition(input, this.ctx.clock.now());
    this.group(def.group);
    const existing = this.schedules.get(key(def.group, def.name));
    if (existing) {
      // Same client token: a retry of the call that created it.
      if (input.ClientToken !== undefined && existing.clientToken === input.ClientToken) return { ScheduleArn: existing.arn };
      throw new AwsFault('ConflictException', `Schedule ${def.name} already exists.`, 409);
    }
    const now = new Date(this.ctx.clock.now());
    const s: Stored = { ...def, arn: this.ctx.ids.arn('scheduler', `schedule/${def.group}/${def.name}`), created: now, modified: now, clientToken: input.ClientToken, done: false };
    this.schedules.set(key(s.group, s.name), s);
    this.arm(s);
    return { ScheduleArn: s.arn };
  }

  GetSchedule(input: GetScheduleCommandInput): Out<GetScheduleCommandOutput> {
    const s = this.schedule(input.Name, input.GroupName);
    return {
      Arn: s.arn,
      Name: s.name,
      GroupName: s.group,
      ScheduleExpression: s.expression,
      ScheduleExpressionTimezone: s.timezone,
      FlexibleTimeWindow: { ...s.flexible },
      Target: structuredClone(s.target),
      State: s.state,
      ActionAfterCompletion: s.actionAfterCompletion,
      CreationDate: s.created,
      LastModificationDate: s.modified,
      ...(s.startDate ? { StartDate: s.startDate } : {}),
      ...(s.endDate ? { EndDate: s.endDate } : {}),
      ...(s.description !== undefined ? { Description: s.description } : {}),
      ...(s.kmsKeyArn !== undefined ? { KmsKeyArn: s.kmsKeyArn } : {}),
    };
  }

  /** Full replacement: every optional field left out returns to its default. */
  UpdateSchedule(input: UpdateScheduleCommandInput): Out<UpdateScheduleCommandOutput> {
    const def = definition(input, this.ctx.clock.now());
    const s = this.schedule(def.name, def.group);
    s.timer?.cancel();
    for (const k of ['startDate', 'endDate', 'description', 'kmsKeyArn'] as const) delete s[k];
    Object.assign(s, def, { modified: new Date(this.ctx.clock.now()), done: false });
    this.arm(s);
    return { ScheduleArn: s.arn };
  }

  DeleteSchedule(input: DeleteScheduleCommandInput): Record<string, never> {
    checkClientToken(input.ClientToken);
    this.remove(this.schedule(input.Name, input.GroupName));
    return {};
  }

  ListSchedules(input: ListSchedulesCommandInput): Out<ListSchedulesCommandOutput> {
    if (input.GroupName !== undefined) checkName('groupName', input.GroupName);
    if (input.NamePrefix !== undefined) checkName('namePrefix', input.NamePrefix);
    const max = input.MaxResults ?? 100;
    if (max < 1 || max > 100) throw constraint('maxResults', max, 'Member must have value between 1 and 100');
    const all = [...this.schedules.values()]
      .filter((s) => (input.GroupName === undefined || s.group === input.GroupName) && s.name.startsWith(input.NamePrefix ?? '') && (input.State === undefined || s.state === input.State))
      .sort((a, b) => (key(a.group, a.name) < key(b.group, b.name) ? -1 : 1));
    const start = input.NextToken ? decodeToken(input.NextToken) : 0;
    const page = all.slice(start, start + max);
    return {
      Schedules: page.map((s) => ({
        Arn: s.arn,
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        CreationDate: s.created,
        LastModificationDate: s.modified,
        Target: { Arn: s.target.Arn },
      })),
      ...(start + max < all.length ? { NextToken: encodeToken(start + max) } : {}),
    };
  }

  // ---- internal API ----

  /** Fault: invoke the schedule's target now, as if it fired early (then complete it as usual). */
  fireEarly(name: string, group = 'default'): void {
    const s = this.schedules.get(key(group, name));
    if (!s) throw new Error(`scheduler: no schedule ${group}/${name}`);
    s.timer?.cancel();
    this.fire(s, s.nominal ?? this.ctx.clock.now());
  }

  /** At-least-once delivery: each of the next `n` invocations happens twice. */
  duplicateNextInvocations(n: number): void {
    this.duplicates += n;
  }

  /** Epoch ms of the schedule's pending invocation, if one is pending. */
  nextInvocation(name: string, group = 'default'): number | undefined {
    return this.schedules.get(key(group, name))?.due;
  }

  // ---- helpers ----

  /** Schedule the next invocation after `after` (epoch ms); one pending clock event per schedule. */
  private arm(s: Stored, after = this.ctx.clock.now()): void {
    s.timer = undefined;
    s.due = undefined;
    s.nominal = undefined;
    if (s.state !== 'ENABLED' || s.done) return;
    const nominal = this.nextNominal(s, after);
    if (nominal === undefined) {
      // A recurring schedule past its EndDate has made its last invocation.
      if (s.schedule.kind !== 'at' && s.actionAfterCompletion === 'DELETE' && s.endDate) this.remove(s);
      return;
    }
    // Invocation lands within the minute of the scheduled time, or within the flexible window.
    const window = s.flexible.Mode === 'FLEXIBLE' ? (s.flexible.MaximumWindowInMinutes ?? 1) * MINUTE : MINUTE - (nominal % MINUTE);
    s.nominal = nominal;
    s.due = nominal + Math.floor(this.ctx.rng.next() * window);
    s.timer = clockAt(this.ctx, s.due, () => this.fire(s, nominal));
  }

  /** The first nominal invocation time after `after` (at() may be exactly `after`), or undefined. */
  private nextNominal(s: Stored, after: number): number | undefined {
    const sched = s.schedule;
    if (sched.kind === 'at') {
      const t = wallToUtc(sched.wall, s.timezone);
      return t >= after ? t : undefined;
    }
    const from = s.startDate ? Math.max(after, s.startDate.getTime() - 1) : after;
    let t: number | undefined;
    if (sched.kind === 'rate') {
      const base = s.startDate?.getTime() ?? s.created.getTime();
      t = base + Math.max(1, Math.floor((from - base) / sched.periodMs) + 1) * sched.periodMs;
    } else {
      const wall = nextCronWall(sched.cron, utcToWall(from, s.timezone));
      t = wall === undefined ? undefined : wallToUtc(wall, s.timezone);
    }
    if (t === undefined || (s.endDate && t > s.endDate.getTime())) return undefined;
    return t;
  }

  private fire(s: Stored, nominal: number): void {
    if (this.schedules.get(key(s.group, s.name)) !== s) return;
    this.invoke(s);
    if (s.schedule.kind === 'at') {
      s.done = true;
      s.timer = undefined;
      s.due = undefined;
      s.nominal = undefined;
      if (s.actionAfterCompletion === 'DELETE') this.remove(s);
      return;
    }
    this.arm(s, nominal);
  }

  private invoke(s: Stored): void {
    let payload: unknown = {};
    if (s.target.Input !== undefined) {
      try {
        payload = JSON.parse(s.target.Input);
      } catch {
        this.deliveryErrors.push({ at: this.ctx.clock.now(), source: `schedule/${s.group}/${s.name}`, target: s.target.Arn as string, error: 'ValidationException: Input is not valid JSON' });
        return;
      }
    }
    const retry = {
      maximumRetryAttempts: s.target.RetryPolicy?.MaximumRetryAttempts ?? 185,
      maximumEventAgeSeconds: s.target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
    };
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates--;
    const send = () => deliver(this.ctx, s.target.Arn as string, payload, { source: `schedule/${s.group}/${s.name}`, errors: this.deliveryErrors, retry });
    send();
    if (copies === 2) this.ctx.clock.after(1000, send);
  }

  private remove(s: Stored): void {
    s.timer?.cancel();
    s.timer = undefined;
    s.due = undefined;
    this.schedules.delete(key(s.group, s.name));
  }

  private group(name: string): Group {
    const g = this.groups.get(name);
    if (!g) throw new AwsFault('ResourceNotFoundException', `Schedule group ${name} does not exist.`, 404);
    return g;
  }

  private schedule(name: string | undefined, group: string | undefined): Stored {
    const n = checkName('name', name);
    const g = group === undefined ? 'default' : checkName('groupName', group);
    const s = this.schedules.get(key(g, n));
    if (!s) throw new AwsFault('ResourceNotFoundException', `Schedule ${n} does not exist.`, 404);
    return s;
  }

  private groupArn(name: string): string {
    return this.ctx.ids.arn('scheduler', `schedule-group/${name}`);
  }
}

const key = (group: string, name: string) => `${group}/${name}`;

const encodeToken = (n: number) => Buffer.from(`schedules:${n}`).toString('base64');

function decodeToken(token: string): number {
  const m = /^schedules:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!m) throw validation('The NextToken provided is invalid.');
  return Number(m[1]);
}
