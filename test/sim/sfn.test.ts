import { DescribeExecutionCommand, GetExecutionHistoryCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { createMachine, PIPELINE, runToEnd, sfn, start } from './sfn-helpers.js';

class Flaky extends Error {
  override name = 'Flaky';
}
class BadInput extends Error {
  override name = 'BadInput';
}

describe('Step Functions executions', () => {
  const cloud = cloudPerTest({ seed: 3 });
  let machineArn: string;
  const calls: { fn: string; at: number }[] = [];
  let planFailures: Error[] = [];

  beforeEach(async () => {
    calls.length = 0;
    planFailures = [];
    cloud.lambda.register('plan', async (event) => {
      calls.push({ fn: 'plan', at: cloud.clock.now() });
      const failure = planFailures.shift();
      if (failure) throw failure;
      return { ready: false, waitSeconds: 90, ...event };
    });
    cloud.lambda.register('finish', async (event) => {
      calls.push({ fn: 'finish', at: cloud.clock.now() });
      return { ...event, finished: true };
    });
    machineArn = await createMachine(cloud, 'pipeline', PIPELINE);
  });

  it('runs Task → Choice → Wait → Task with the Wait taking exactly its simulated time', async () => {
    // Prepare
    const t0 = cloud.clock.now();
    // Act
    const arn = await start(machineArn, { cluster: 'web-prod' }, 'deploy-1');
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(arn).toBe('arn:aws:states:us-east-1:123456789012:execution:pipeline:deploy-1');
    expect(calls).toEqual([
      { fn: 'plan', at: t0 },
      { fn: 'finish', at: t0 + 90_000 },
    ]);
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('SUCCEEDED');
    expect(JSON.parse(d.output as string)).toEqual({ cluster: 'web-prod', ready: false, waitSeconds: 90, finished: true });
    expect(d.startDate?.getTime()).toBe(t0);
    expect(d.stopDate?.getTime()).toBe(t0 + 90_000);
    // Start + Plan, Ready?, Pause, Finish + End.
    expect(summary.transitions).toBe(6);
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
    expect(h.events?.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'WaitStateEntered',
      'WaitStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    expect(h.events?.map((e) => e.id)).toEqual(h.events?.map((_, i) => i + 1));
    expect(h.events?.[9]?.timestamp?.getTime()).toBe(t0 + 90_000);
    expect(h.events?.[2]?.lambdaFunctionScheduledEventDetails?.resource).toBe(cloud.lambda.functionArn('plan'));
    expect(summary.historyLength).toBe(16);
  });

  it('retries on the virtual clock with the ASL back-off', async () => {
    // Prepare
    planFailures = [new Flaky('try again'), new Flaky('try again')];
    const t0 = cloud.clock.now();
    // Act
    const arn = await start(machineArn, { ready: true });
    const summary = await runToEnd(cloud, arn);
    // Assess: IntervalSeconds 2, BackoffRate 2 → attempts at 0 s, 2 s, 6 s.
    expect(summary.status).toBe('SUCCEEDED');
    expect(calls.filter((c) => c.fn === 'plan').map((c) => c.at - t0)).toEqual([0, 2_000, 6_000]);
    // Start + Plan + 2 retries + Ready? + Finish + End.
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }));
    expect(summary.transitions).toBe(7);
    const failed = h.events?.filter((e) => e.type === 'LambdaFunctionFailed') ?? [];
    expect(failed).toHaveLength(2);
    expect(failed[0]?.lambdaFunctionFailedEventDetails?.error).toBe('Flaky');
  });

  it('hands a Catch the errorType as Error and the JSON error payload as Cause', async () => {
    // Prepare
    planFailures = [new BadInput('release 1.x is not a version')];
    // Act
    const arn = await start(machineArn, { cluster: 'web-prod' });
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary.status).toBe('SUCCEEDED');
    const output = JSON.parse(summary.output as string);
    expect(output.failure.Error).toBe('BadInput');
    expect(JSON.parse(output.failure.Cause)).toEqual({ errorType: 'BadInput', errorMessage: 'release 1.x is not a version' });
    expect(calls.map((c) => c.fn)).toEqual(['plan']);
  });

  it('retries a Lambda killed after its side effects on Sandbox.Timedout', async () => {
    // Prepare
    cloud.lambda.killAfterSideEffects({ function: 'plan' });
    const t0 = cloud.clock.now();
    // Act
    const arn = await start(machineArn, { ready: true });
    const summary = await runToEnd(cloud, arn);
    // Assess: the side effects ran twice, the second attempt 2 s later.
    expect(summary.status).toBe('SUCCEEDED');
    expect(cloud.lambda.count('plan')).toBe(2);
    expect(calls.filter((c) => c.fn === 'plan').map((c) => c.at - t0)).toEqual([0, 2_000]);
    expect(cloud.lambda.invocations[0]).toMatchObject({ function: 'plan', outcome: 'Sandbox.Timedout', killed: true });
  });

  it('fails the execution when retries are exhausted, with the last error and cause', async () => {
    // Prepare: the Catch takes States.ALL, so use a machine without it.
    const noCatch = structuredClone(PIPELINE) as any;
    delete noCatch.States.Plan.Catch;
    delete noCatch.States.Recover;
    const arn2 = await createMachine(cloud, 'no-catch', noCatch);
    planFailures = [1, 2, 3, 4].map(() => new Flaky('still down'));
    // Act
    const arn = await start(arn2, {});
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'Flaky' });
    expect(JSON.parse(summary.cause as string)).toEqual({ errorType: 'Flaky', errorMessage: 'still down' });
    expect(cloud.lambda.count('plan')).toBe(4);
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d).toMatchObject({ status: 'FAILED', error: 'Flaky' });
    expect(d.output).toBeUndefined();
  });

  it('stops an execution in a Wait: ABORTED at once, nothing after it runs', async () => {
    // Prepare
    const arn = await start(machineArn, {});
    await cloud.clock.advance(30_000);
    expect(cloud.sfn.runningCount()).toBe(1);
    // Act
    const out = await sfn().send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'stopped by hand' }));
    // Assess
    expect(out.stopDate?.getTime()).toBe(cloud.clock.now());
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Operator', cause: 'stopped by hand' });
    const summary = await runToEnd(cloud, arn);
    await cloud.clock.advance(120_000);
    expect(calls.map((c) => c.fn)).toEqual(['plan']);
    expect(cloud.sfn.runningCount()).toBe(0);
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 1 }));
    expect(h.events?.[0]).toMatchObject({ type: 'ExecutionAborted', executionAbortedEventDetails: { error: 'Operator', cause: 'stopped by hand' } });
    expect(summary.stoppedAt).toBe(out.stopDate?.getTime());
    // Stopping a closed execution changes nothing.
    const again = await sfn().send(new StopExecutionCommand({ executionArn: arn }));
    expect(again.stopDate?.getTime()).toBe(out.stopDate?.getTime());
  });

  it('does not call the function again when stopped during a retry back-off', async () => {
    // Prepare: the first attempt fails, the retry is due 2 s later.
    planFailures = [new Flaky('down')];
    const arn = await start(machineArn, { ready: true });
    await cloud.clock.advance(1_000);
    // Act
    await sfn().send(new StopExecutionCommand({ executionArn: arn }));
    const summary = await runToEnd(cloud, arn);
    await cloud.clock.advance(10_000);
    // Assess
    expect(summary.status).toBe('ABORTED');
    expect(cloud.lambda.count('plan')).toBe(1);
    expect(cloud.lambda.count('finish')).toBe(0);
  });

  it('fails with States.DataLimitExceeded when a function returns more than 256 KiB', async () => {
    // Prepare
    cloud.lambda.register('finish', async () => ({ blob: 'x'.repeat(262_144) }));
    // Act
    const arn = await start(machineArn, { ready: true });
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'States.DataLimitExceeded' });
  });

  it('fails at start, without calling anything, when a Task has no registered function', async () => {
    // Prepare
    const def = structuredClone(PIPELINE) as any;
    def.States.Finish.Resource = { 'Fn::GetAtt': ['MissingLambdaFunction', 'Arn'] };
    const arn2 = await createMachine(cloud, 'uncovered', def);
    // Act
    const arn = await start(arn2, {});
    // Assess
    const d = await sfn().send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d.status).toBe('FAILED');
    expect(d.error).toBe('States.Runtime');
    expect(d.cause).toContain('Finish');
    expect(d.cause).toContain('redblack-local-missing');
    expect(cloud.lambda.count()).toBe(0);
    expect(cloud.sfn.execution(arn)).toMatchObject({ status: 'FAILED', transitions: 2, historyLength: 2 });
  });

  it('times out an execution after the machine TimeoutSeconds', async () => {
    // Prepare
    const def = { ...structuredClone(PIPELINE), TimeoutSeconds: 60 };
    const arn2 = await createMachine(cloud, 'short', def);
    const t0 = cloud.clock.now();
    // Act
    const arn = await start(arn2, {});
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary.status).toBe('TIMED_OUT');
    expect(summary.stoppedAt).toBe(t0 + 60_000);
    expect(calls.map((c) => c.fn)).toEqual(['plan']);
    const h = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true }));
    expect(h.events?.[0]?.type).toBe('ExecutionTimedOut');
  });

  it('passes the context object: execution id, name, start time, state machine', async () => {
    // Prepare
    const def = {
      StartAt: 'Ctx',
      States: {
        Ctx: {
          Type: 'Pass',
          Parameters: { 'id.$': '$$.Execution.Id', 'name.$': '$$.Execution.Name', 'start.$': '$$.Execution.StartTime', 'sm.$': '$$.StateMachine.Name', 'role.$': '$$.Execution.RoleArn' },
          End: true,
        },
      },
    };
    const arn2 = await createMachine(cloud, 'ctx', def);
    // Act
    const arn = await start(arn2, {}, 'ctx-1');
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(JSON.parse(summary.output as string)).toEqual({
      id: arn,
      name: 'ctx-1',
      start: new Date(summary.startedAt).toISOString(),
      sm: 'ctx',
      role: 'arn:aws:iam::123456789012:role/redblack-sfn',
    });
  });
});
