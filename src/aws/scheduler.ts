/**
 * EventBridge Scheduler: the one-shot teardown schedules, created and deleted without
 * `@aws-sdk/client-scheduler` (about 21 KB of each function that schedules or cancels a teardown):
 * CreateSchedule and DeleteSchedule are two restJson1 requests on the SDK's signer, handler and
 * retry (src/aws/signed-call.ts), the same requests the client sends (test/aws/scheduler.test.ts
 * signs both and compares). The CLI's reads stay on the client, in src/aws/schedule-reads.ts.
 */
import { tolerate } from './not-found.js';
import { call, type Credentials, encodeSegment, type HttpRequest, ordered, sendJson, serviceRequest, sign } from './signed-call.js';

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

/** The CreateSchedule members this module sends (https://docs.aws.amazon.com/scheduler/latest/APIReference/API_CreateSchedule.html). */
export interface CreateScheduleInput {
  Name: string;
  ScheduleExpression: string;
  Target: { Arn: string; RoleArn: string; RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number }; Input?: string };
  FlexibleTimeWindow: { Mode: 'OFF' | 'FLEXIBLE'; MaximumWindowInMinutes?: number };
  GroupName?: string;
  Description?: string;
  ScheduleExpressionTimezone?: string;
  State?: 'ENABLED' | 'DISABLED';
  ClientToken?: string;
  ActionAfterCompletion?: 'NONE' | 'DELETE';
}

/** https://docs.aws.amazon.com/scheduler/latest/APIReference/API_DeleteSchedule.html */
export interface DeleteScheduleInput {
  Name: string;
  GroupName?: string;
  ClientToken?: string;
}


/** The HTTP request for CreateSchedule, unsigned: POST /schedules/{Name}, the other members as JSON in model order. */
export function createScheduleRequest(input: CreateScheduleInput & { ClientToken: string }, region: string, endpoint?: string): HttpRequest {
  const { Target: t, FlexibleTimeWindow: w } = input;
  const body = JSON.stringify({
    ...ordered(input, ['ScheduleExpression']),
    Target: { ...ordered(t, ['Arn', 'RoleArn']), ...(t.RetryPolicy ? { RetryPolicy: ordered(t.RetryPolicy, ['MaximumEventAgeInSeconds', 'MaximumRetryAttempts']) } : {}), ...ordered(t, ['Input']) },
    FlexibleTimeWindow: ordered(w, ['Mode', 'MaximumWindowInMinutes']),
    ...ordered(input, ['GroupName', 'Description', 'ScheduleExpressionTimezone', 'State', 'ClientToken', 'ActionAfterCompletion']),
  });
  const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  return serviceRequest({ prefix: 'scheduler', region, endpoint }, { method: 'POST', path: `/schedules/${encodeSegment(input.Name)}`, headers, body });
}

/** The HTTP request for DeleteSchedule, unsigned: DELETE /schedules/{Name}?groupName=…&clientToken=…. */
export function deleteScheduleRequest(input: DeleteScheduleInput & { ClientToken: string }, region: string, endpoint?: string): HttpRequest {
  const query: Record<string, string> = { ...(input.GroupName !== undefined ? { groupName: input.GroupName } : {}), clientToken: input.ClientToken };
  return serviceRequest({ prefix: 'scheduler', region, endpoint }, { method: 'DELETE', path: `/schedules/${encodeSegment(input.Name)}`, query });
}

/** Signs `request` as the Scheduler client does: SigV4, signing name `scheduler`. */
export async function signSchedulerRequest(request: HttpRequest, region: string, credentials: Credentials, signingDate?: Date): Promise<HttpRequest> {
  return sign(request, 'scheduler', region, credentials, signingDate);
}

/**
 * CreateSchedule. ClientToken is an idempotency token the client fills with a random UUID when
 * absent, once per call, so its retries carry the same one; the embedded cloud sees the input as given.
 */
export async function createSchedule(input: CreateScheduleInput): Promise<{ ScheduleArn?: string }> {
  const ClientToken = input.ClientToken ?? crypto.randomUUID();
  return call('SchedulerClient', 'CreateScheduleCommand', input, (i) => sendJson('scheduler', `CreateSchedule ${i.Name}`, (region, endpoint) => createScheduleRequest({ ...i, ClientToken }, region, endpoint)));
}

/** DeleteSchedule, with the client's idempotency token as for CreateSchedule. */
export async function deleteScheduleCall(input: DeleteScheduleInput): Promise<Record<string, never>> {
  const ClientToken = input.ClientToken ?? crypto.randomUUID();
  await call('SchedulerClient', 'DeleteScheduleCommand', input, (i) => sendJson('scheduler', `DeleteSchedule ${i.Name}`, (region, endpoint) => deleteScheduleRequest({ ...i, ClientToken }, region, endpoint)));
  return {};
}

/** Creates the schedule; returns false when one of that name already exists (a retried step). */
export async function createOneShot(s: OneShot): Promise<boolean> {
  const create = createSchedule({
    Name: s.name,
    GroupName: s.group,
    ScheduleExpression: atExpression(s.at),
    ScheduleExpressionTimezone: 'UTC',
    FlexibleTimeWindow: { Mode: 'OFF' },
    ActionAfterCompletion: 'DELETE',
    Target: { Arn: s.targetArn, RoleArn: s.roleArn, Input: JSON.stringify(s.input), RetryPolicy: { MaximumRetryAttempts: 3 } },
  });
  return tolerate('ConflictException', create.then(() => true), false);
}

/** Deletes a schedule; one that is already gone (it ran, or was cancelled) counts as deleted. */
export async function deleteSchedule(name: string, group: string): Promise<void> {
  await tolerate('ResourceNotFoundException', deleteScheduleCall({ Name: name, GroupName: group }));
}
