/** CloudFormation: the outputs of the stack `serverless deploy` made, which name every resource. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

/** Output key → value, or undefined when the stack does not exist. */
export async function stackOutputs(stackName: string): Promise<Record<string, string> | undefined> {
  // DescribeStacks answers an unknown stack with a ValidationError "Stack with id … does not exist".
  const missing = (e: Error) => e.name === 'ValidationError' && /does not exist/.test(e.message);
  const out = await tolerate(missing, client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: stackName })));
  const stack = out?.Stacks?.[0];
  return stack ? Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])) : undefined;
}
