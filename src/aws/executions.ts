/** Step Functions, as the operator's tool reads it: an execution, its history, stopping it. */
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  SFNClient,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

const sfn = () => client(SFNClient);

export async function describeExecution(executionArn: string): Promise<DescribeExecutionCommandOutput | undefined> {
  return tolerate('ExecutionDoesNotExist', sfn().send(new DescribeExecutionCommand({ executionArn })));
}

/**
 * The events after `afterId` in order. Read newest first and stopped at `afterId`, so polling a
 * long execution costs one page per look instead of its whole history every time.
 */
export async function historySince(executionArn: string, afterId = 0): Promise<HistoryEvent[]> {
  const fresh: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const out = await sfn().send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1000, ...(nextToken ? { nextToken } : {}) }));
    for (const ev of out.events ?? []) {
      if ((ev.id ?? 0) <= afterId) return fresh.reverse();
      fresh.push(ev);
    }
    nextToken = out.nextToken;
  } while (nextToken);
  return fresh.reverse();
}

export async function stopExecution(executionArn: string, error: string, cause: string): Promise<void> {
  await sfn().send(new StopExecutionCommand({ executionArn, error, cause }));
}

/** The state machine's executions, newest first, up to `limit`. */
export async function recentExecutions(stateMachineArn: string, limit: number, statusFilter?: 'RUNNING' | 'FAILED') {
  const out = await sfn().send(new ListExecutionsCommand({ stateMachineArn, maxResults: Math.min(limit, 1000), ...(statusFilter ? { statusFilter } : {}) }));
  return out.executions ?? [];
}

/** The ARN of the state machine called `name`, if this account and region has one. */
export async function stateMachineNamed(name: string): Promise<string | undefined> {
  let nextToken: string | undefined;
  do {
    const out = await sfn().send(new ListStateMachinesCommand({ ...(nextToken ? { nextToken } : {}) }));
    const found = out.stateMachines?.find((m) => m.name === name);
    if (found?.stateMachineArn) return found.stateMachineArn;
    nextToken = out.nextToken;
  } while (nextToken);
  return undefined;
}
