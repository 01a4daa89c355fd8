import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { cloudPerTest } from './common.js';
import { createMachine, runToEnd, sfn, start } from './sfn-helpers.js';

describe('Step Functions state types and limits', () => {
  const cloud = cloudPerTest({ seed: 13 });
  beforeEach(async () => {
    cloud.lambda.register('double', async (n: number) => n * 2);
    cloud.lambda.register('describe', async (event) => ({ seen: event }));
  });

  it('runs Map and Parallel states with Lambda tasks inside, and the lambda:invoke integration', async () => {
    // Prepare
    const def = {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Map',
          ItemsPath: '$.numbers',
          ResultPath: '$.doubled',
          ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Task', Resource: { 'Fn::GetAtt': ['DoubleLambdaFunction', 'Arn'] }, TimeoutSeconds: 10, End: true } } },
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          ResultPath: '$.both',
          Branches: [
            { StartAt: 'Left', States: { Left: { Type: 'Pass', Result: 'left', End: true } } },
            {
              StartAt: 'Right',
              States: {
                Right: {
                  Type: 'Task',
                  Resource: 'arn:aws:states:::lambda:invoke',
                  Parameters: { FunctionName: { 'Fn::GetAtt': ['DescribeLambdaFunction', 'Arn'] }, 'Payload.$': '$.numbers' },
                  ResultSelector: { 'value.$': '$.Payload', 'code.$': '$.StatusCode' },
                  End: true,
                },
              },
            },
          ],
          End: true,
        },
      },
    };
    const machine = await createMachine(cloud, 'shapes', def);
    // Act
    const arn = await start(machine, { numbers: [1, 2, 3] });
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary.status).toBe('SUCCEEDED');
    expect(JSON.parse(summary.output as string)).toEqual({
      numbers: [1, 2, 3],
      doubled: [2, 4, 6],
      both: ['left', { value: { seen: [1, 2, 3] }, code: 200 }],
    });
    const types = (await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1000 }))).events?.map((e) => e.type) ?? [];
    expect(types.filter((t) => t === 'MapIterationStarted')).toHaveLength(3);
    expect(types.filter((t) => t === 'LambdaFunctionSucceeded')).toHaveLength(3);
    expect(types).toContain('ParallelStateSucceeded');
    expect(types).toContain('TaskSucceeded');
    expect(cloud.lambda.count('double')).toBe(3);
  });

  it('fails an execution that reaches the 25,000-event history limit with States.Runtime', async () => {
    // Prepare: a loop without an exit.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const def = {
      StartAt: 'Loop',
      States: {
        Loop: { Type: 'Pass', Next: 'Again' },
        Again: { Type: 'Choice', Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Out' }], Default: 'Loop' },
        Out: { Type: 'Succeed' },
      },
    };
    const machine = await createMachine(cloud, 'forever', def);
    // Act
    const arn = await start(machine, {});
    const summary = await runToEnd(cloud, arn);
    // Assess
    expect(summary).toMatchObject({ status: 'FAILED', error: 'States.Runtime', historyLength: 25_000 });
    expect(summary.cause).toContain('25000 history events');
    expect(summary.warnings).toHaveLength(2);
    expect(warn).toHaveBeenCalled();
    const last = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, reverseOrder: true, maxResults: 1 }));
    expect(last.events?.[0]).toMatchObject({ id: 25_000, type: 'ExecutionFailed' });
  });

  it('refuses a callback task whose Parameters do not pass the token', async () => {
    // Prepare
    const def = {
      StartAt: 'Cb',
      States: { Cb: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', Parameters: { FunctionName: 'x', Payload: {} }, End: true } },
    };
    // Act / Assess
    await expect(createMachine(cloud, 'no-token', def)).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('$$.Task.Token') });
  });
});
