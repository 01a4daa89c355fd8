/** CreateSchedule/UpdateSchedule input checks (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html), producing the stored definition. */
import type { CreateScheduleCommandInput, FlexibleTimeWindow, Target } from '@aws-sdk/client-scheduler';
import { AwsFault } from '../../aws-fault.js';
import { ExpressionError, isTimeZone, parseSchedule, type Schedule } from '../eventbridge/schedule-expression.js';

export interface Definition {
  name: string;
  group: string;
  expression: string;
  schedule: Schedule;
  timezone: string;
  flexible: FlexibleTimeWindow;
  target: Target;
  state: 'ENABLED' | 'DISABLED';
  actionAfterCompletion: 'NONE' | 'DELETE';
  startDate?: Date;
  endDate?: Date;
  description?: string;
  kmsKeyArn?: string;
}

export const validation = (message: string) => new AwsFault('ValidationException', message, 400);

export function constraint(field: string, value: unknown, rule: string): AwsFault {
  return validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

const NAME = /^[0-9a-zA-Z-_.]+$/;
const ROLE = /^arn:aws(-[a-z]+)?:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const TOKEN = /^[a-zA-Z0-9-_]+$/;

export function checkName(field: string, value: string | undefined): string {
  if (value === undefined || value === '') throw constraint(field, value ?? null, 'Member must not be null');
  if (value.length > 64) throw constraint(field, value, 'Member must have length less than or equal to 64');
  if (!NAME.test(value)) throw constraint(field, value, 'Member must satisfy regular expression pattern: ^[0-9a-zA-Z-_.]+$');
  return value;
}

export function checkClientToken(token: string | undefined): void {
  if (token === undefined) return;
  if (token.length < 1 || token.length > 64 || !TOKEN.test(token)) {
    throw constraint('clientToken', token, 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9-_]+$');
  }
}

/** Everything AWS checks before it stores a schedule. `now` is for the recurring StartDate rule. */
export function definition(input: CreateScheduleCommandInput, now: number): Definition {
  const name = checkName('name', input.Name);
  const group = input.GroupName === undefined ? 'default' : checkName('groupName', input.GroupName);
  checkClientToken(input.ClientToken);

  const expression = input.ScheduleExpression;
  if (!expression) throw constraint('scheduleExpression', null, 'Member must not be null');
  if (expression.length > 256) throw constraint('scheduleExpression', expression, 'Member must have length less than or equal to 256');
  let schedule: Schedule;
  try {
    schedule = parseSchedule(expression, { allowAt: true });
  } catch (err) {
    if (err instanceof ExpressionError) throw validation(`Invalid Schedule Expression ${expression}.`);
    throw err;
  }

  const timezone = input.ScheduleExpressionTimezone ?? 'UTC';
  if (timezone.length < 1 || timezone.length > 50 || !isTimeZone(timezone)) throw validation(`Invalid ScheduleExpressionTimezone ${timezone}.`);

  const flexible = input.FlexibleTimeWindow;
  if (!flexible) throw constraint('flexibleTimeWindow', null, 'Member must not be null');
  if (flexible.Mode !== 'OFF' && flexible.Mode !== 'FLEXIBLE') throw constraint('flexibleTimeWindow.mode', flexible.Mode, 'Member must satisfy enum value set: [OFF, FLEXIBLE]');
  const window = flexible.MaximumWindowInMinutes;
  if (flexible.Mode === 'FLEXIBLE' && window === undefined) throw validation('MaximumWindowInMinutes must be provided when FlexibleTimeWindow Mode is FLEXIBLE.');
  if (window !== undefined && (window < 1 || window > 1440)) throw constraint('flexibleTimeWindow.maximumWindowInMinutes', window, 'Member must have value between 1 and 1440');

  const target = checkTarget(input.Target);

  const state = input.State ?? 'ENABLED';
  if (state !== 'ENABLED' && state !== 'DISABLED') throw constraint('state', state, 'Member must satisfy enum value set: [ENABLED, DISABLED]');
  const actionAfterCompletion = input.ActionAfterCompletion ?? 'NONE';
  if (actionAfterCompletion !== 'NONE' && actionAfterCompletion !== 'DELETE') {
    throw constraint('actionAfterCompletion', actionAfterCompletion, 'Member must satisfy enum value set: [NONE, DELETE]');
  }
  if (input.Description !== undefined && input.Description.length > 512) throw constraint('description', input.Description, 'Member must have length less than or equal to 512');

  const startDate = input.StartDate ? new Date(input.StartDate) : undefined;
  const endDate = input.EndDate ? new Date(input.EndDate) : undefined;
  // StartDate/EndDate only matter for recurring schedules ("ignored for one-time schedules").
  if (schedule.kind !== 'at') {
    if (startDate && startDate.getTime() < now - 5 * 60_000) throw validation('The StartDate you specify cannot be earlier than 5 minutes ago.');
    if (startDate && endDate && endDate.getTime() <= startDate.getTime()) throw validation('The EndDate you specify must be later than the StartDate.');
  }

  return {
    name,
    group,
    expression,
    schedule,
    timezone,
    flexible: { ...flexible },
    target,
    state,
    actionAfterCompletion,
    ...(startDate ? { startDate } : {}),
    ...(endDate ? { endDate } : {}),
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    ...(input.KmsKeyArn !== undefined ? { kmsKeyArn: input.KmsKeyArn } : {}),
  };
}

function checkTarget(t: Target | undefined): Target {
  if (!t) throw constraint('target', null, 'Member must not be null');
  if (!t.Arn) throw constraint('target.arn', null, 'Member must not be null');
  if (t.Arn.length > 1600) throw constraint('target.arn', t.Arn, 'Member must have length less than or equal to 1600');
  if (!t.RoleArn) throw constraint('target.roleArn', null, 'Member must not be null');
  if (!ROLE.test(t.RoleArn)) {
    throw constraint('target.roleArn', t.RoleArn, 'Member must satisfy regular expression pattern: ^arn:aws(-[a-z]+)?:iam::\\d{12}:role\\/[\\w+=,.@\\/-]+$');
  }
  if (t.Input !== undefined && (t.Input.length < 1 || t.Input.length > 8192)) throw constraint('target.input', t.Input, 'Member must have length between 1 and 8192');
  const r = t.RetryPolicy;
  const attempts = r?.MaximumRetryAttempts ?? 185;
  const age = r?.MaximumEventAgeInSeconds ?? 86_400;
  if (attempts < 0 || attempts > 185) throw constraint('target.retryPolicy.maximumRetryAttempts', attempts, 'Member must have value between 0 and 185');
  if (age < 60 || age > 86_400) throw constraint('target.retryPolicy.maximumEventAgeInSeconds', age, 'Member must have value between 60 and 86400');
  return { ...structuredClone(t), RetryPolicy: { MaximumRetryAttempts: attempts, MaximumEventAgeInSeconds: age } };
}
