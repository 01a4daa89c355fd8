/**
 * Step Functions → EventBridge: "Step Functions Execution Status Change" events, as AWS sends them
 * for a STANDARD workflow (source aws.states), reach a rule's Lambda target for each status —
 * what redblack's Recover rule relies on.
 */
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { StopExecutionCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { cloudPerTest } from './common.js';
import { createMachine, PIPELINE, runToEnd, sfn, start } from './sfn-helpers.js';

const cloud = cloudPerTest({ seed: 5 });
let machineArn: string;
const seen: any[] = [];

beforeEach(async () => {
  seen.length = 0;
  cloud.lambda.register('plan', async (event) => {
    if (event.fail) throw Object.assign(new Error('no good'), { name: 'BadInput' });
    return { ready: false, waitSeconds: 600, ...event };
  });
  cloud.lambda.register('finish', async (event) => event);
  cloud.lambda.register('watch', async (event) => {
    seen.push(event);
    return null;
  });
  const { Recover: _unused, ...states } = PIPELINE.States;
  machineArn = await createMachine(cloud, 'pipeline', { ...PIPELINE, States: { ...states, Plan: { ...PIPELINE.States.Plan, Catch: [] } } });
  const events = client(EventBridgeClient);
  await events.send(
    new PutRuleCommand({
      Name: 'status',
      EventPattern: JSON.stringify({ source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { stateMachineArn: [machineArn] } }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: 'status', Targets: [{ Id: 'watch', Arn: cloud.lambda.functionArn('watch') }] }));
});

const statuses = () => seen.map((e) => e.detail.status);

describe('execution status change events', () => {
  it('RUNNING then ABORTED for a stopped execution, with its name, input, dates, error and cause', async () => {
    // Prepare
    const arn = await start(machineArn, { cluster: 'web-prod' }, 'deploy-1');
    await cloud.clock.advance(60_000);
    // Act
    await sfn().send(new StopExecutionCommand({ executionArn: arn, error: 'Operator', cause: 'stopped' }));
    await runToEnd(cloud, arn);
    await cloud.clock.advance(5_000);
    // Assess
    expect(statuses()).toEqual(['RUNNING', 'ABORTED']);
    const aborted = seen[1];
    expect(aborted).toMatchObject({ source: 'aws.states', 'detail-type': 'Step Functions Execution Status Change', resources: [arn] });
    expect(aborted.detail).toMatchObject({ executionArn: arn, stateMachineArn: machineArn, name: 'deploy-1', input: '{"cluster":"web-prod"}', error: 'Operator', cause: 'stopped', output: null });
    expect(aborted.detail.stopDate).toBe(cloud.sfn.execution(arn)?.stoppedAt);
    expect(aborted.detail.startDate).toBe(cloud.sfn.execution(arn)?.startedAt);
  });

  it('FAILED for an execution that fails, SUCCEEDED (with its output) for one that succeeds', async () => {
    // Act
    const failed = await start(machineArn, { fail: true });
    await runToEnd(cloud, failed);
    const ok = await start(machineArn, { cluster: 'web-prod' });
    await runToEnd(cloud, ok);
    await cloud.clock.advance(5_000);
    // Assess
    expect(statuses()).toEqual(['RUNNING', 'FAILED', 'RUNNING', 'SUCCEEDED']);
    expect(seen[1].detail).toMatchObject({ status: 'FAILED', error: 'BadInput' });
    expect(JSON.parse(seen[3].detail.output)).toMatchObject({ cluster: 'web-prod' });
  });

  it('TIMED_OUT for an execution past its TimeoutSeconds', async () => {
    // Prepare
    const timed = await createMachine(cloud, 'timed', { ...PIPELINE, TimeoutSeconds: 120 });
    seen.length = 0;
    const events = client(EventBridgeClient);
    await events.send(
      new PutRuleCommand({ Name: 'timed', EventPattern: JSON.stringify({ source: ['aws.states'], detail: { stateMachineArn: [timed], status: ['TIMED_OUT'] } }) }),
    );
    await events.send(new PutTargetsCommand({ Rule: 'timed', Targets: [{ Id: 'watch', Arn: cloud.lambda.functionArn('watch') }] }));
    // Act
    const arn = await start(timed, { cluster: 'web-prod' });
    await runToEnd(cloud, arn);
    await cloud.clock.advance(5_000);
    // Assess
    expect(statuses()).toEqual(['TIMED_OUT']);
    expect(seen[0].detail).toMatchObject({ executionArn: arn, error: 'States.Timeout' });
  });
});
