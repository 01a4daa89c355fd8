/** The one-shot EventBridge Scheduler schedule that tears a server group down later. */
import { createOneShot, deleteSchedule } from '../../aws/scheduler.js';
import { scheduleName } from '../../domain/names.js';
import { setting } from '../../env.js';

export interface TeardownEvent {
  serverGroup: string;
  deployment: string;
}

/** When a teardown scheduled at `now` fires: Scheduler fires at minute precision, so round up (never early). */
export const teardownTime = (now: number, retainMinutes: number): Date => new Date(Math.ceil((now + retainMinutes * 60_000) / 60_000) * 60_000);

/** Schedules the teardown; an existing schedule of that name (a retried step) is kept. Returns when it fires. */
export async function scheduleTeardown(serverGroup: string, deployment: string, retainMinutes: number, now: number): Promise<Date> {
  const at = teardownTime(now, retainMinutes);
  const input: TeardownEvent = { serverGroup, deployment };
  await createOneShot({
    name: scheduleName(serverGroup),
    group: setting('scheduleGroup'),
    at,
    targetArn: setting('teardownFunctionArn'),
    roleArn: setting('schedulerRoleArn'),
    input,
  });
  return at;
}

export async function cancelTeardown(serverGroup: string): Promise<void> {
  await deleteSchedule(scheduleName(serverGroup), setting('scheduleGroup'));
}
