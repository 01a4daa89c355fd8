/**
 * CreateSchedule and DeleteSchedule without the Scheduler client (src/aws/scheduler.ts): the
 * requests must be the ones @aws-sdk/client-scheduler sends, signature included, and their
 * answers must read as the client's do.
 */
import { CreateScheduleCommand, DeleteScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token-1' };
const TOKEN = '0f9d3c1e-6a4b-4c2d-8e7f-123456789abc';

/** The signed request the Scheduler client hands its HTTP handler for this command (never sent). */
async function clientRequest(region: string, command: CreateScheduleCommand | DeleteScheduleCommand, endpoint?: string) {
  let seen: any;
  const scheduler = new SchedulerClient({
    region,
    credentials,
    ...(endpoint ? { endpoint } : {}),
    requestHandler: {
      handle: async (request: any) => {
        seen = request;
        return { response: { statusCode: 200, headers: {}, body: undefined } };
      },
    } as any,
  });
  // The client also signs its retry and user-agent headers, which these requests do not carry;
  // taken off before signing, both sign the same headers and the signatures must match.
  scheduler.middlewareStack.remove('getUserAgentMiddleware');
  scheduler.middlewareStack.addRelativeTo(
    (next: any) => async (args: any) => {
      for (const h of ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent', 'user-agent']) delete args.request.headers[h];
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'withoutSdkHeaders' },
  );
  await scheduler.send(command as any).catch(() => undefined);
  return seen;
}

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
const bodyText = (body: unknown): string => (body === undefined || body === null ? '' : typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8'));

/** Everything that goes on the wire: method, host, port, path, query, body, and every header (the signature's included). */
const wire = (r: any) => ({ method: r.method, hostname: r.hostname, port: r.port, path: r.path, query: r.query, body: bodyText(r.body), headers: lower(r.headers) });

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
      const expected = await clientRequest(c.region, new CreateScheduleCommand(input), c.endpoint);

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
      const expected = await clientRequest(c.region, new DeleteScheduleCommand(input), c.endpoint);

      // Act
      const ours = await signSchedulerRequest(deleteScheduleRequest(input, c.region, c.endpoint), c.region, credentials, at);

      // Assess
      expect(wire(ours)).toEqual(wire(expected));
    });
  }
});

describe('Scheduler calls over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  type Answer = { status: number; headers?: Record<string, string>; body?: unknown };
  /** A local server answering each request with the next of `answers`; returns what it saw, bodies included. */
  async function serve(answers: Answer[]) {
    const seen: Array<{ req: IncomingMessage; body: string }> = [];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ req, body: Buffer.concat(chunks).toString() });
        const a = answers[Math.min(seen.length - 1, answers.length - 1)] as Answer;
        res.writeHead(a.status, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        res.end(a.body === undefined ? '' : JSON.stringify(a.body));
      });
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    configureClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 3 });
    return seen;
  }

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
    const calls: string[] = [];
    let n = 0;
    configureClients({
      region: 'us-east-1',
      maxAttempts: 3,
      tap: (next, context) => async (args) => {
        calls.push(`tap ${context.clientName} ${context.commandName}`);
        return next(args);
      },
      middleware: (_next, context) => async (args) => {
        calls.push(`answer ${context.commandName} ${JSON.stringify(args.input)}`);
        n += 1;
        if (n === 1) throw Object.assign(new Error('slow down'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 429 } });
        return { response: {}, output: context.commandName === 'CreateScheduleCommand' ? { ScheduleArn: 'arn:s' } : {} };
      },
    });

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
