/** Step Functions: starting a deployment. The execution name is the dedup key. */
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from './clients.js';

export type StartResult = { started: true; executionArn: string } | { started: false; reason: 'duplicate' };

/**
 * Starts an execution. Step Functions returns the running execution for the same name and input,
 * and refuses a name used before (ExecutionAlreadyExists): either way, a duplicate starts nothing.
 */
export async function startExecution(stateMachineArn: string, name: string, input: unknown): Promise<StartResult> {
  try {
    const out = await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return { started: true, executionArn: out.executionArn ?? '' };
  } catch (err) {
    if ((err as Error).name === 'ExecutionAlreadyExists') return { started: false, reason: 'duplicate' };
    throw err;
  }
}
