/** CloudFormation: the outputs of the stack `serverless deploy` made, which name every resource. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { client } from './clients.js';

/** Output key → value, or undefined when the stack does not exist. */
export async function stackOutputs(stackName: string): Promise<Record<string, string> | undefined> {
  try {
    const out = await client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = out.Stacks?.[0];
    if (!stack) return undefined;
    return Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  } catch (err) {
    // DescribeStacks answers an unknown stack with a ValidationError "Stack with id … does not exist".
    if ((err as Error).name === 'ValidationError' && /does not exist/.test((err as Error).message)) return undefined;
    throw err;
  }
}
