/** SSM Parameter Store: cluster configuration documents and base-image parameters. */
import { GetParameterCommand, paginateGetParametersByPath, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(name: string): Promise<string | undefined> {
  const out = await tolerate('ParameterNotFound', client(SSMClient).send(new GetParameterCommand({ Name: name })));
  return out?.Parameter?.Value;
}

/** Every parameter under a path (one level), as name → value. */
export async function parametersByPath(path: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for await (const page of paginateGetParametersByPath({ client: client(SSMClient) }, { Path: path, Recursive: false })) {
    for (const p of page.Parameters ?? []) if (p.Name && p.Value !== undefined) found.set(p.Name, p.Value);
  }
  return found;
}

/** Writes a cluster configuration (a String parameter, replacing the previous version). */
export async function putParameter(name: string, value: string): Promise<number | undefined> {
  const out = await client(SSMClient).send(new PutParameterCommand({ Name: name, Value: value, Type: 'String', Overwrite: true }));
  return out.Version;
}
