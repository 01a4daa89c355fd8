/** Shared fixtures of the Step Functions simulator tests. */
import { CreateStateMachineCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from '../../src/aws/clients.js';
import { resolveDefinition } from '../../sim/asl.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';
import type { ExecutionSummary } from '../../sim/services/sfn/execution.js';

export const ROLE = 'arn:aws:iam::123456789012:role/redblack-sfn';

/** Task → Choice → Wait → Task, with Retry and Catch, written as serverless-step-functions ASL. */
export const PIPELINE = {
  Comment: 'test pipeline',
  StartAt: 'Plan',
  States: {
    Plan: {
      Type: 'Task',
      Resource: { 'Fn::GetAtt': ['PlanLambdaFunction', 'Arn'] },
      TimeoutSeconds: 300,
      Retry: [{ ErrorEquals: ['Sandbox.Timedout', 'Flaky'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 3 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Recover' }],
      Next: 'Ready?',
    },
    'Ready?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.ready', BooleanEquals: true, Next: 'Finish' }],
      Default: 'Pause',
    },
    Pause: { Type: 'Wait', SecondsPath: '$.waitSeconds', Next: 'Finish' },
    Finish: { Type: 'Task', Resource: { 'Fn::GetAtt': ['FinishLambdaFunction', 'Arn'] }, TimeoutSeconds: 60, End: true },
    Recover: { Type: 'Pass', End: true },
  },
};

/** A callback task: the `notify` function gets the token, someone answers with SendTask*. */
export const CALLBACK = {
  StartAt: 'Approve',
  States: {
    Approve: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: { 'Fn::GetAtt': ['NotifyLambdaFunction', 'Arn'] }, Payload: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name' } },
      Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Rejected' }],
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
    Rejected: { Type: 'Fail', Error: 'DeployRejected', Cause: 'an operator rejected it' },
  },
};

export const sfn = () => client(SFNClient);

export async function createMachine(cloud: EmbeddedCloud, name: string, definition: object): Promise<string> {
  const resolved = resolveDefinition(definition, (key) => cloud.lambda.functionArn(key));
  const out = await sfn().send(new CreateStateMachineCommand({ name, definition: JSON.stringify(resolved), roleArn: ROLE }));
  return out.stateMachineArn as string;
}

export async function start(stateMachineArn: string, input: unknown, name?: string): Promise<string> {
  const out = await sfn().send(new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input), ...(name ? { name } : {}) }));
  return out.executionArn as string;
}

/** Drives the virtual clock until the execution has ended. */
export async function runToEnd(cloud: EmbeddedCloud, arn: string, limitMs = 3_600_000): Promise<ExecutionSummary> {
  let done = false;
  const p = cloud.sfn.whenDone(arn).finally(() => (done = true));
  await cloud.clock.runUntil(() => done, { limitMs });
  return p;
}

export { settle } from './common.js';
