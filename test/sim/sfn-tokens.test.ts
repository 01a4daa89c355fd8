import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { CALLBACK, createMachine, runToEnd, sfn, start } from './sfn-helpers.js';

describe('Step Functions task tokens', () => {
  const cloud = cloudPerTest({ seed: 11 });
  let tokens: { token: string; execution: string; at: number }[];
  let machine: string;

  beforeEach(async () => {
    tokens = [];
    cloud.lambda.register('notify', async (event) => {
      tokens.push({ ...event, at: cloud.clock.now() });
      return { sent: true };
    });
    machine = await createMachine(cloud, 'approval', CALLBACK);
  });

  async function started(input: unknown = { release: '1.2.0' }) {
    const arn = await start(machine, input);
    await cloud.clock.runUntil(() => tokens.length > 0);
    return { arn, token: (tokens.at(-1) as { token: string }).token };
  }

  it('hands the function the token and continues with the SendTaskSuccess output; the token then closes', async () => {
    // Prepare
    const { arn, token } = await started();
    expect(tokens[0]?.execution).toBe(arn.split(':').at(-1));
    // The library's implicit 60 s Task timeout is gone: AWS waits as long as it takes.
    await cloud.clock.advance(600_000);
    expect(cloud.sfn.execution(arn)?.status).toBe('RUNNING');
    // Act
    await sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{"approved":true}' }));
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'SUCCEEDED', output: '{"approved":true}' });
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn }));
    const types = h.events?.map((e) => e.type);
    expect(types).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited', 'SucceedStateEntered', 'SucceedStateExited', 'ExecutionSucceeded']);
    expect(h.events?.[2]?.taskScheduledEventDetails).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'us-east-1' });
    expect(JSON.parse(h.events?.[2]?.taskScheduledEventDetails?.parameters as string).Payload.token).toBe(token);
  });

  it('fails the Task with SendTaskFailure error and cause, which a Catch matches', async () => {
    // Prepare
    const { arn, token } = await started();
    // Act
    await sfn().send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected', cause: 'no' }));
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'DeployRejected', cause: 'an operator rejected it' });
    await expect(sfn().send(new SendTaskFailureCommand({ taskToken: token, error: 'Rejected' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('refuses unknown tokens and invalid output', async () => {
    // Prepare
    const { token } = await started();
    // Act / Assess
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: 'AQBnot-a-token', output: '{}' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(sfn().send(new SendTaskHeartbeatCommand({ taskToken: 'nope' }))).rejects.toMatchObject({ name: 'InvalidToken' });
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{oops' }))).rejects.toMatchObject({ name: 'InvalidOutput' });
    await expect(sfn().send(new SendTaskFailureCommand({ taskToken: token, error: 'e'.repeat(257) }))).rejects.toMatchObject({ name: 'ValidationException' });
    // The refused calls left the task waiting.
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).resolves.toBeDefined();
  });

  it('times out a callback Task without heartbeats, on the virtual clock', async () => {
    // Prepare
    const def = structuredClone(CALLBACK) as any;
    Object.assign(def.States.Approve, { TimeoutSeconds: 300, HeartbeatSeconds: 30 });
    const hbMachine = await createMachine(cloud, 'heartbeat', def);
    const arn = await start(hbMachine, {});
    await cloud.clock.runUntil(() => tokens.length > 0);
    const { token, at } = tokens[0] as { token: string; at: number };
    // Act: two heartbeats 20 s apart, then silence.
    await cloud.clock.advance(20_000);
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }));
    await cloud.clock.advance(20_000);
    await sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }));
    const summary = await runToEnd(cloud, arn);
    // Assess: the last heartbeat at 40 s + 30 s.
    expect(summary).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
    expect(summary.stoppedAt).toBe(at + 70_000);
    await expect(sfn().send(new SendTaskHeartbeatCommand({ taskToken: token }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 2 }));
    expect(h.events?.map((e) => e.type)).toEqual(['ExecutionFailed', 'TaskTimedOut']);
  });

  it('applies TimeoutSeconds to a callback Task (States.Timeout) and closes its token', async () => {
    // Prepare
    const def = structuredClone(CALLBACK) as any;
    def.States.Approve.TimeoutSeconds = 120;
    const tMachine = await createMachine(cloud, 'timeout', def);
    const t0 = cloud.clock.now();
    // Act
    const arn = await start(tMachine, {});
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'States.Timeout', stoppedAt: t0 + 120_000 });
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: (tokens[0] as { token: string }).token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('applies TimeoutSecondsPath (read from the effective parameters) to a callback Task and closes its token while the execution goes on', async () => {
    // Prepare: a timeout is caught and the execution waits on
    const def = structuredClone(CALLBACK) as any;
    def.States.Approve.Parameters.Payload['seconds.$'] = '$.seconds';
    def.States.Approve.TimeoutSecondsPath = '$.Payload.seconds';
    def.States.Approve.Catch.push({ ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Later' });
    def.States.Later = { Type: 'Wait', Seconds: 600, Next: 'Done' };
    const tMachine = await createMachine(cloud, 'timeout-path', def);
    const arn = await start(tMachine, { seconds: 90 });
    await cloud.clock.runUntil(() => tokens.length > 0);
    // Act
    await cloud.clock.advance(95_000);
    const running = (await sfn().send(new DescribeExecutionCommand({ executionArn: arn }))).status;
    // Assess
    expect(running).toBe('RUNNING');
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: (tokens[0] as { token: string }).token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('closes the token of a stopped execution', async () => {
    // Prepare
    const { arn, token } = await started();
    // Act
    await sfn().send(new StopExecutionCommand({ executionArn: arn }));
    await runToEnd(cloud, arn);
    // Assess
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('ABORTED');
    await expect(sfn().send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }))).rejects.toMatchObject({ name: 'TaskTimedOut' });
    expect(cloud.sfn.runningCount()).toBe(0);
  });

  it('fails the Task when the notified function itself fails', async () => {
    // Prepare
    cloud.lambda.register('notify', async () => {
      throw Object.assign(new Error('mail server down'), { name: 'MailError' });
    });
    // Act
    const arn = await start(machine, {});
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'MailError' });
  });
});
