/**
 * CreateSchedule and DeleteSchedule without the Scheduler client (src/aws/scheduler.ts): the
 * requests must be the ones @aws-sdk/client-scheduler sends, signature included, and their
 * answers must read as the client's do.
 */
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import {
  createOneShot,
  createSchedule,
  type CreateScheduleInput,
  createScheduleRequest,
  deleteSchedule,
  deleteScheduleCall,
  type DeleteScheduleInput,
  deleteScheduleRequest,
  signSchedulerRequest,
} from '../../src/aws/scheduler.js';
import { AwsCallError } from '../../src/aws/signed-call.js';
import { isTransient } from '../../src/lambda/middleware/transient-errors.js';
import { answeringServer } from '../support/answering-server.js';
import { answerInProcess } from '../support/in-process.js';
import { clientRequest, credentials, wire } from '../support/signed-requests.js';

const TOKEN = '0f9d3c1e-6a4b-4c2d-8e7f-123456789abc';

const teardownInput = (name: string, group: string): CreateScheduleInput => ({
  Name: name,
  GroupName: group,
  ScheduleExpression: 'at(2026-11-30T12:30:00)',
  ScheduleExpressionTimezone: 'UTC',
  FlexibleTimeWindow: { Mode: 'OFF' },
  ActionAfterCompletion: 'DELETE',
  Target: {
    Arn: 'arn:aws:lambda:us-east-1:123456789012:function:redblack-dev-teardown',
    RoleArn: 'arn:aws:iam::123456789012:role/redblack-scheduler',
    Input: JSON.stringify({ serverGroup: 'web-blue-v7', deployment: 'd-1' }),
    RetryPolicy: { MaximumRetryAttempts: 3 },
  },
});

afterEach(() => {
  configureClients({});
  vi.useRealTimers();
});

describe('CreateSchedule and DeleteSchedule requests, signed', () => {
  const at = new Date('2026-11-30T12:00:00Z');
  const creates: Array<{ name: string; region: string; input: CreateScheduleInput; endpoint?: string }> = [
    { name: 'a teardown schedule in us-east-1', region: 'us-east-1', input: teardownInput('redblack-web-blue-v7', 'redblack-dev') },
    { name: 'a name with characters SigV4 encodes, every member set', region: 'eu-west-1', input: { ...teardownInput("a b(x)!*'~.+=", 'g/1'), Description: 'teardown "x" — ünïcode', State: 'ENABLED', FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 5 }, Target: { Arn: 'arn:t', RoleArn: 'arn:r', RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 } } } },
    { name: 'the China partition', region: 'cn-north-1', input: teardownInput('redblack-web-green-v2', 'redblack-prod') },
    { name: 'an endpoint (moto)', region: 'us-east-1', input: teardownInput('redblack-web-blue-v7', 'redblack-dev'), endpoint: 'http://127.0.0.1:5000' },
  ];
  for (const c of creates) {
    it(`signs CreateSchedule for ${c.name} exactly as @aws-sdk/client-scheduler does`, async () => {
      // Prepare: one signing time and one client token for both
      vi.useFakeTimers({ now: at, toFake: ['Date'] });
      const input = { ...c.input, ClientToken: TOKEN };
      const expected = await clientRequest(SchedulerClient, new CreateScheduleCommand(input), c.region, c.endpoint);

      // Act
      const ours = await signSchedulerRequest(createScheduleRequest(input, c.region, c.endpoint), c.region, credentials, at);

      // Assess
      expect(wire(ours)).toEqual(wire(expected));
    });
  }

  const deletes: Array<{ name: string; region: string; input: DeleteScheduleInput; endpoint?: string }> = [
    { name: 'a teardown schedule', region: 'us-east-1', input: { Name: 'redblack-web-blue-v7', GroupName: 'redblack-dev' } },
    { name: 'encoded name and group, another region', region: 'ap-southeast-2', input: { Name: 'a b(x)', GroupName: 'g&=1' } },
    { name: 'the default group (no groupName)', region: 'us-west-2', input: { Name: 'n' } },
    { name: 'an endpoint (moto)', region: 'us-east-1', input: { Name: 'redblack-web-blue-v7', GroupName: 'redblack-dev' }, endpoint: 'http://127.0.0.1:5000' },
  ];
  for (const c of deletes) {
    it(`signs DeleteSchedule for ${c.name} exactly as @aws-sdk/client-scheduler does`, async () => {
      // Prepare
      vi.useFakeTimers({ now: at, toFake: ['Date'] });
      const input = { ...c.input, ClientToken: TOKEN };
      const expected = await clientRequest(SchedulerClient, new DeleteScheduleCommand(input), c.region, c.endpoint);

      // Act
      const ours = await signSchedulerRequest(deleteScheduleRequest(input, c.region, c.endpoint), c.region, credentials, at);

      // Assess
      expect(wire(ours)).toEqual(wire(expected));
    });
  }
});

describe('Scheduler calls over HTTP', () => {
  const http = answeringServer({ contentType: 'application/json' });
  afterEach(() => http.close());
  const serve = http.serve;

  it('creates a schedule with a signed POST, one client token for the call, and reads the ARN of a 200', async () => {
    // Prepare
    const seen = await serve([{ status: 200, body: { ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/redblack-dev/s1' } }]);

    // Act
    const out = await createSchedule(teardownInput('s1', 'redblack-dev'));

    // Assess
    expect(out).toEqual({ ScheduleArn: 'arn:aws:scheduler:us-east-1:123456789012:schedule/redblack-dev/s1' });
    expect(seen.map((s) => [s.req.method, s.req.url])).toEqual([['POST', '/schedules/s1']]);
    expect(JSON.parse(seen[0]?.body ?? '')).toMatchObject({ GroupName: 'redblack-dev', ClientToken: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(seen[0]?.req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/scheduler\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });

  it('reads a 409 ConflictException (x-amzn-errortype) as "already there": createOneShot returns false', async () => {
    // Prepare
    const seen = await serve([{ status: 409, headers: { 'x-amzn-errortype': 'ConflictException:http://internal.amazon.com/coral/com.amazonaws.chronos/', 'x-amzn-requestid': 'r-1' }, body: { message: 'Schedule s1 already exists.' } }]);

    // Act
    const error = await createSchedule(teardownInput('s1', 'g')).catch((e: unknown) => e);
    const created = await createOneShot({ name: 's1', group: 'g', at: new Date('2026-11-30T12:30:00Z'), targetArn: 'arn:t', roleArn: 'arn:r', input: {} });

    // Assess
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ name: 'ConflictException', $fault: 'client', $metadata: { httpStatusCode: 409, requestId: 'r-1' }, message: expect.stringContaining('already exists') });
    expect(created).toBe(false);
    expect(seen).toHaveLength(2);
  });

  it('reads a 404 ResourceNotFoundException from the body (__type with a namespace) as "already gone"', async () => {
    // Prepare
    const seen = await serve([{ status: 404, body: { __type: 'com.amazonaws.scheduler#ResourceNotFoundException', Message: 'Schedule s1 does not exist.' } }]);

    // Act
    const error = await deleteScheduleCall({ Name: 's1', GroupName: 'g' }).catch((e: unknown) => e);
    await deleteSchedule('s1', 'g');

    // Assess
    expect(error).toMatchObject({ name: 'ResourceNotFoundException', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    expect(seen.map((s) => [s.req.method, s.req.url?.replace(/clientToken=[^&]+/, 'clientToken=T')])).toEqual([
      ['DELETE', '/schedules/s1?clientToken=T&groupName=g'],
      ['DELETE', '/schedules/s1?clientToken=T&groupName=g'],
    ]);
  });

  it('retries a 429 ThrottlingException with the same client token, and succeeds on the next attempt', async () => {
    // Prepare
    const seen = await serve([{ status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, body: { message: 'Rate exceeded' } }, { status: 200, body: {} }]);

    // Act
    await deleteSchedule('s1', 'g');

    // Assess
    expect(seen).toHaveLength(2);
    const tokens = seen.map((s) => new URL(s.req.url ?? '', 'http://x').searchParams.get('clientToken'));
    expect(tokens[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(tokens[1]).toBe(tokens[0]);
  });

  it('gives up on 5xx after maxAttempts with an error the step wrapper treats as transient', async () => {
    // Prepare
    const seen = await serve([{ status: 500, body: { code: 'InternalServerException', message: 'oops' } }]);

    // Act
    const err = await createOneShot({ name: 's1', group: 'g', at: new Date('2026-11-30T12:30:00Z'), targetArn: 'arn:t', roleArn: 'arn:r', input: {} }).catch((e: unknown) => e);

    // Assess
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ name: 'InternalServerException', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(isTransient(err)).toBe(true);
  });

  it('names an error without a code "Unknown", as the client does, and retries a 503 of it', async () => {
    // Prepare
    const seen = await serve([{ status: 503, headers: { 'content-type': 'text/html' } }]);

    // Act
    const err = await deleteScheduleCall({ Name: 's1' }).catch((e: unknown) => e);

    // Assess
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: 503 } });
    expect(isTransient(err)).toBe(true);
  });
});

describe('Scheduler calls in process', () => {
  it('go through the configured middleware and tap as SchedulerClient commands, with the input as given', async () => {
    // Prepare: the first create throttled, then answered
    const calls = answerInProcess((command) => (command === 'CreateScheduleCommand' ? { ScheduleArn: 'arn:s' } : {}), { name: 'ThrottlingException', fault: 'client', status: 429 });

    // Act
    const out = await createSchedule({ Name: 's', ScheduleExpression: 'at(2026-11-30T12:30:00)', FlexibleTimeWindow: { Mode: 'OFF' }, Target: { Arn: 'a', RoleArn: 'r' } });
    await deleteSchedule('s', 'g');

    // Assess
    expect(out).toEqual({ ScheduleArn: 'arn:s' });
    const create = 'answer CreateScheduleCommand {"Name":"s","ScheduleExpression":"at(2026-11-30T12:30:00)","FlexibleTimeWindow":{"Mode":"OFF"},"Target":{"Arn":"a","RoleArn":"r"}}';
    expect(calls).toEqual([
      'tap SchedulerClient CreateScheduleCommand',
      create,
      'tap SchedulerClient CreateScheduleCommand',
      create,
      'tap SchedulerClient DeleteScheduleCommand',
      'answer DeleteScheduleCommand {"Name":"s","GroupName":"g"}',
    ]);
  });
});
