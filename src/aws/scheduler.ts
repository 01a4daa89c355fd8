/** EventBridge Scheduler: the one-shot teardown schedules. */
import { CreateScheduleCommand, DeleteScheduleCommand, GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

export interface OneShot {
  name: string;
  group: string;
  at: Date;
  targetArn: string;
  roleArn: string;
  input: unknown;
}

/** `at(yyyy-mm-ddThh:mm:ss)` in UTC, to the second. */
export const atExpression = (when: Date): string => `at(${when.toISOString().slice(0, 19)})`;

/** Creates the schedule; returns false when one of that name already exists (a retried step). */
export async function createOneShot(s: OneShot): Promise<boolean> {
  const create = client(SchedulerClient).send(
    new CreateScheduleCommand({
      Name: s.name,
      GroupName: s.group,
      ScheduleExpression: atExpression(s.at),
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: s.targetArn, RoleArn: s.roleArn, Input: JSON.stringify(s.input), RetryPolicy: { MaximumRetryAttempts: 3 } },
    }),
  );
  return tolerate('ConflictException', create.then(() => true), false);
}

export async function scheduleExists(name: string, group: string): Promise<boolean> {
  return tolerate('ResourceNotFoundException', client(SchedulerClient).send(new GetScheduleCommand({ Name: name, GroupName: group })).then(() => true), false);
}

/** Deletes a schedule; one that is already gone (it ran, or was cancelled) counts as deleted. */
export async function deleteSchedule(name: string, group: string): Promise<void> {
  await tolerate('ResourceNotFoundException', client(SchedulerClient).send(new DeleteScheduleCommand({ Name: name, GroupName: group })));
}

/** When a one-shot schedule fires (its `at(…)` expression, UTC), or undefined when there is none. */
export async function scheduleTime(name: string, group: string): Promise<Date | undefined> {
  const out = await tolerate('ResourceNotFoundException', client(SchedulerClient).send(new GetScheduleCommand({ Name: name, GroupName: group })));
  const at = /^at\((.+)\)$/.exec(out?.ScheduleExpression ?? '')?.[1];
  return at ? new Date(`${at}Z`) : undefined;
}
