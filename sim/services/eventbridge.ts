/**
 * EventBridge on the default event bus: rules (event patterns and schedules), targets (Lambda,
 * Step Functions), PutEvents. Delivery is asynchronous (a short delay on the virtual clock) and
 * at least once; scheduled rules fire on the virtual clock with a "Scheduled Event".
 */
import type {
  DeleteRuleCommandInput,
  DescribeRuleCommandInput,
  DescribeRuleCommandOutput,
  DisableRuleCommandInput,
  EnableRuleCommandInput,
  ListRulesCommandInput,
  ListRulesCommandOutput,
  ListTargetsByRuleCommandInput,
  ListTargetsByRuleCommandOutput,
  PutEventsCommandInput,
  PutEventsCommandOutput,
  PutEventsResultEntry,
  PutRuleCommandInput,
  PutRuleCommandOutput,
  PutTargetsCommandInput,
  PutTargetsCommandOutput,
  RemoveTargetsCommandInput,
  RemoveTargetsCommandOutput,
  RuleState,
  Target,
} from '@aws-sdk/client-eventbridge';
import { AwsFault } from '../aws-fault.js';
import type { Cancel } from '../clock.js';
import type { SimContext } from '../context.js';
import { clockAt, deliver, type DeliveryError, isoSeconds, selectPath } from './eventbridge/delivery.js';
import { type CompiledPattern, compilePattern, matchesPattern } from './eventbridge/pattern.js';
import { ExpressionError, nextCronWall, parseSchedule, type Schedule } from './eventbridge/schedule-expression.js';
import { checkName, checkTarget, constraint, entrySize, validation } from './eventbridge/validate.js';

type Out<T> = Omit<T, '$metadata'>;

/** EventBridge usually delivers within about half a second. */
export const EVENT_DELIVERY_DELAY_MS = 500;
const MAX_TARGETS_PER_RULE = 5;
const MAX_PUT_EVENTS_BYTES = 256 * 1024;

interface Rule {
  name: string;
  arn: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  eventPattern?: string;
  pattern?: CompiledPattern;
  scheduleExpression?: string;
  schedule?: Schedule;
  targets: Map<string, Target>;
  timer?: Cancel;
  nextFire?: number;
}

export class EventBridgeSim {
  private readonly rules = new Map<string, Rule>();
  /** Deliveries that failed for good (what a dead-letter queue would hold). */
  readonly deliveryErrors: DeliveryError[] = [];
  private duplicates = 0;

  constructor(readonly ctx: SimContext) {}

  PutRule(input: PutRuleCommandInput): Out<PutRuleCommandOutput> {
    const name = checkName('name', input.Name);
    this.bus(input.EventBusName);
    if (!input.EventPattern && !input.ScheduleExpression) throw validation('Parameter(s) EventPattern or ScheduleExpression must be specified.');
    if (input.Description !== undefined && input.Description.length > 512) throw constraint('description', input.Description, 'Member must have length less than or equal to 512');
    const state = input.State ?? 'ENABLED';
    if (!['ENABLED', 'DISABLED', 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS'].includes(state)) {
      throw constraint('state', state, 'Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]');
    }
    const pattern = input.EventPattern ? compilePattern(input.EventPattern) : undefined;
    let schedule: Schedule | undefined;
    if (input.ScheduleExpression) {
      try {
        schedule = parseSchedule(input.ScheduleExpression, { allowAt: false });
      } catch (err) {
        if (err instanceof ExpressionError) throw validation('Parameter ScheduleExpression is not valid.');
        throw err;
      }
    }
    const existing = this.rules.get(name);
    const rule: Rule = existing ?? { name, arn: this.ctx.ids.arn('events', `rule/${name}`), state, targets: new Map() };
    // PutRule is an upsert; an unchanged schedule keeps its phase.
    const rearm = !existing || existing.scheduleExpression !== input.ScheduleExpression || existing.state !== state;
    Object.assign(rule, {
      state,
      description: input.Description,
      roleArn: input.RoleArn,
      eventPattern: input.EventPattern,
      pattern,
      scheduleExpression: input.ScheduleExpression,
      schedule,
    });
    this.rules.set(name, rule);
    if (rearm) {
      rule.timer?.cancel();
      rule.timer = undefined;
      rule.nextFire = undefined;
      this.arm(rule);
    }
    return { RuleArn: rule.arn };
  }

  DescribeRule(input: DescribeRuleCommandInput): Out<DescribeRuleCommandOutput> {
    const r = this.rule(input.Name, input.EventBusName);
    return { ...this.summary(r), CreatedBy: this.ctx.accountId };
  }

  ListRules(input: ListRulesCommandInput): Out<ListRulesCommandOutput> {
    this.bus(input.EventBusName);
    const limit = input.Limit ?? 100;
    if (limit < 1 || limit > 100) throw constraint('limit', limit, 'Member must have value between 1 and 100');
    const all = [...this.rules.values()].filter((r) => r.name.startsWith(input.NamePrefix ?? '')).sort((a, b) => (a.name < b.name ? -1 : 1));
    const start = input.NextToken ? decodeToken(input.NextToken) : 0;
    const page = all.slice(start, start + limit);
    return { Rules: page.map((r) => this.summary(r)), ...(start + limit < all.length ? { NextToken: encodeToken(start + limit) } : {}) };
  }

  DeleteRule(input: DeleteRuleCommandInput): Record<string, never> {
    checkName('name', input.Name);
    this.bus(input.EventBusName);
    const r = this.rules.get(input.Name as string);
    if (!r) return {}; // deleting an unknown rule succeeds silently on AWS
    if (r.targets.size > 0) throw validation("Rule can't be deleted since it has targets.");
    r.timer?.cancel();
    this.rules.delete(r.name);
    return {};
  }

  EnableRule(input: EnableRuleCommandInput): Record<string, never> {
    this.setState(this.rule(input.Name, input.EventBusName), 'ENABLED');
    return {};
  }

  DisableRule(input: DisableRuleCommandInput): Record<string, never> {
    this.setState(this.rule(input.Name, input.EventBusName), 'DISABLED');
    return {};
  }

  PutTargets(input: PutTargetsCommandInput): Out<PutTargetsCommandOutput> {
    const targets = input.Targets ?? [];
    if (targets.length < 1 || targets.length > 10) throw constraint('targets', `[${targets.length} targets]`, 'Member must have length between 1 and 10');
    targets.forEach(checkTarget);
    const r = this.rule(input.Rule, input.EventBusName);
    const ids = new Set([...r.targets.keys(), ...targets.map((t) => t.Id as string)]);
    if (ids.size > MAX_TARGETS_PER_RULE) throw new AwsFault('LimitExceededException', `The requested resource exceeds the maximum number allowed (${MAX_TARGETS_PER_RULE} targets per rule).`);
    for (const t of targets) r.targets.set(t.Id as string, structuredClone(t));
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  RemoveTargets(input: RemoveTargetsCommandInput): Out<RemoveTargetsCommandOutput> {
    const ids = input.Ids ?? [];
    if (ids.length < 1 || ids.length > 100) throw constraint('ids', `[${ids.length} ids]`, 'Member must have length between 1 and 100');
    const r = this.rule(input.Rule, input.EventBusName);
    for (const id of ids) r.targets.delete(id);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  ListTargetsByRule(input: ListTargetsByRuleCommandInput): Out<ListTargetsByRuleCommandOutput> {
    const r = this.rule(input.Rule, input.EventBusName);
    const limit = input.Limit ?? 100;
    if (limit < 1 || limit > 100) throw constraint('limit', limit, 'Member must have value between 1 and 100');
    const all = [...r.targets.values()];
    const start = input.NextToken ? decodeToken(input.NextToken) : 0;
    return {
      Targets: all.slice(start, start + limit).map((t) => structuredClone(t)),
      ...(start + limit < all.length ? { NextToken: encodeToken(start + limit) } : {}),
    };
  }

  PutEvents(input: PutEventsCommandInput): Out<PutEventsCommandOutput> {
    const entries = input.Entries ?? [];
    if (entries.length < 1 || entries.length > 10) throw constraint('entries', `[${entries.length} entries]`, 'Member must have length less than or equal to 10');
    if (entries.reduce((n, e) => n + entrySize(e), 0) > MAX_PUT_EVENTS_BYTES) {
      throw validation('Total size of the entries in the request is over the limit.');
    }
    const results: PutEventsResultEntry[] = [];
    for (const e of entries) {
      const fail = (ErrorCode: string, ErrorMessage: string) => results.push({ ErrorCode, ErrorMessage });
      if (!e.Source) fail('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
      else if (!e.DetailType) fail('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
      else if (!e.Detail) fail('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
      else if (e.EventBusName !== undefined && !this.isDefaultBus(e.EventBusName)) fail('ResourceNotFoundException', `Event bus ${e.EventBusName} does not exist.`);
      else if (e.Source.startsWith('aws.')) fail('NotAuthorizedForSourceException', 'Not authorized for the source.');
      else {
        const detail = parseDetail(e.Detail);
        if (detail === undefined) {
          fail('MalformedDetail', 'Detail is malformed.');
          continue;
        }
        const id = this.ctx.ids.uuid();
        this.putEventInternal({
          version: '0',
          id,
          'detail-type': e.DetailType,
          source: e.Source,
          account: this.ctx.accountId,
          time: isoSeconds(e.Time ? new Date(e.Time).getTime() : this.ctx.clock.now()),
          region: this.ctx.region,
          resources: e.Resources ?? [],
          detail,
        });
        results.push({ EventId: id });
      }
    }
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  // ---- internal API ----

  /** Route a complete event (id, time, account, region already set) on the default bus. */
  putEventInternal(event: Record<string, unknown>): void {
    for (const r of this.rules.values()) {
      if (!r.pattern || !isEnabled(r.state) || !matchesPattern(r.pattern, event)) continue;
      this.sendToTargets(r, event);
    }
  }

  /** At-least-once delivery: each of the next `n` target deliveries happens twice. */
  duplicateNextDeliveries(n: number): void {
    this.duplicates += n;
  }

  // ---- helpers ----

  private sendToTargets(r: Rule, event: Record<string, unknown>): void {
    for (const t of r.targets.values()) {
      const payload = t.Input !== undefined ? JSON.parse(t.Input) : t.InputPath !== undefined ? (selectPath(event, t.InputPath) ?? {}) : structuredClone(event);
      const copies = this.duplicates > 0 ? 2 : 1;
      if (this.duplicates > 0) this.duplicates--;
      const retry = {
        maximumRetryAttempts: t.RetryPolicy?.MaximumRetryAttempts ?? 185,
        maximumEventAgeSeconds: t.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
      };
      for (let copy = 0; copy < copies; copy++) {
        this.ctx.clock.after(EVENT_DELIVERY_DELAY_MS * (copy + 1), () =>
          deliver(this.ctx, t.Arn as string, payload, { source: `rule/${r.name}`, errors: this.deliveryErrors, retry }),
        );
      }
    }
  }

  private setState(r: Rule, state: RuleState): void {
    if (r.state === state) return;
    r.state = state;
    r.timer?.cancel();
    r.timer = undefined;
    r.nextFire = undefined;
    this.arm(r);
  }

  /** Schedule the rule's next firing (one pending clock event per scheduled rule). */
  private arm(r: Rule): void {
    if (!r.schedule || !isEnabled(r.state)) return;
    const now = this.ctx.clock.now();
    let at: number | undefined;
    if (r.schedule.kind === 'rate') at = r.nextFire ?? now + r.schedule.periodMs;
    else if (r.schedule.kind === 'cron') at = nextCronWall(r.schedule.cron, now);
    if (at === undefined) return;
    const when = at;
    r.nextFire = when;
    r.timer = clockAt(this.ctx, when, () => {
      if (this.rules.get(r.name) !== r) return;
      this.sendToTargets(r, {
        version: '0',
        id: this.ctx.ids.uuid(),
        'detail-type': 'Scheduled Event',
        source: 'aws.events',
        account: this.ctx.accountId,
        time: isoSeconds(when),
        region: this.ctx.region,
        resources: [r.arn],
        detail: {},
      });
      r.nextFire = r.schedule?.kind === 'rate' ? when + r.schedule.periodMs : undefined;
      r.timer = undefined;
      this.arm(r);
    });
  }

  private summary(r: Rule) {
    return {
      Name: r.name,
      Arn: r.arn,
      State: r.state,
      EventBusName: 'default',
      ...(r.eventPattern !== undefined ? { EventPattern: r.eventPattern } : {}),
      ...(r.scheduleExpression !== undefined ? { ScheduleExpression: r.scheduleExpression } : {}),
      ...(r.description !== undefined ? { Description: r.description } : {}),
      ...(r.roleArn !== undefined ? { RoleArn: r.roleArn } : {}),
    };
  }

  private isDefaultBus(name: string): boolean {
    return name === 'default' || name === this.ctx.ids.arn('events', 'event-bus/default');
  }

  /** Only the default bus exists in the simulation. */
  private bus(name: string | undefined): void {
    if (name !== undefined && !this.isDefaultBus(name)) throw new AwsFault('ResourceNotFoundException', `Event bus ${name} does not exist.`);
  }

  private rule(name: string | undefined, bus: string | undefined): Rule {
    checkName('name', name);
    this.bus(bus);
    const r = this.rules.get(name as string);
    if (!r) throw new AwsFault('ResourceNotFoundException', `Rule ${name} does not exist on EventBus default.`);
    return r;
  }
}

const isEnabled = (state: RuleState) => state !== 'DISABLED';

function parseDetail(detail: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(detail) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const encodeToken = (n: number) => Buffer.from(`rules:${n}`).toString('base64');

function decodeToken(token: string): number {
  const m = /^rules:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  if (!m) throw validation('The NextToken provided is invalid.');
  return Number(m[1]);
}
