/** Step Functions: starting a deployment. The execution name is the dedup key. */
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

export type StartResult = { started: true; executionArn: string } | { started: false; reason: 'duplicate' };

/**
 * Starts an execution. Step Functions returns the running execution for the same name and input,
 * and refuses a name used before (ExecutionAlreadyExists): either way, a duplicate starts nothing.
 */
export async function startExecution(stateMachineArn: string, name: string, input: unknown): Promise<StartResult> {
  // StartExecution answers a repeat of a RUNNING execution's name and input with that execution,
  // as if it had started it: look first, so a duplicate delivery is reported (and logged) as one.
  if (await executionExists(executionArnOf(stateMachineArn, name))) return { started: false, reason: 'duplicate' };
  const out = await tolerate('ExecutionAlreadyExists', client(SFNClient).send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) })));
  return out ? { started: true, executionArn: out.executionArn ?? '' } : { started: false, reason: 'duplicate' };
}

/** `arn:…:stateMachine:<machine>` + name → `arn:…:execution:<machine>:<name>`. */
export const executionArnOf = (stateMachineArn: string, name: string): string => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;

async function executionExists(executionArn: string): Promise<boolean> {
  return tolerate('ExecutionDoesNotExist', client(SFNClient).send(new DescribeExecutionCommand({ executionArn })).then(() => true), false);
}
