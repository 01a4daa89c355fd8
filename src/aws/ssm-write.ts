/**
 * SSM Parameter Store write, for the CLI only (never bundled into a function): PutParameter on the
 * SDK client. The functions read parameters without the client (src/aws/ssm.ts).
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { client } from './clients.js';

/** Writes a cluster configuration (a String parameter, replacing the previous version). */
export async function putParameter(name: string, value: string): Promise<number | undefined> {
  const out = await client(SSMClient).send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  return out.Version;
}
