/**
 * EventBridge Scheduler reads, for the CLI only (never bundled into a function): GetSchedule on
 * the SDK client. The functions create and delete schedules without the client (src/aws/scheduler.ts).
 */
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

export async function scheduleExists(name: string, group: string): Promise<boolean> {
  return tolerate('ResourceNotFoundException', client(SchedulerClient).send(new GetScheduleCommand({ Name: name, GroupName: group })).then(() => true), false);
}

/** When a one-shot schedule fires (its `at(…)` expression, UTC), or undefined when there is none. */
export async function scheduleTime(name: string, group: string): Promise<Date | undefined> {
  const out = await tolerate('ResourceNotFoundException', client(SchedulerClient).send(new GetScheduleCommand({ Name: name, GroupName: group })));
  const at = /^at\((.+)\)$/.exec(out?.ScheduleExpression ?? '')?.[1];
  return at ? new Date(`${at}Z`) : undefined;
}
