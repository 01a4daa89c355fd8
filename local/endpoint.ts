/**
 * `npm start -- --endpoint <url>`: the demo against an AWS-compatible API (LocalStack, moto). Every
 * AWS call goes to the endpoint; the state machine still runs here, on real time, with the
 * functions in process. Such endpoints run no user data, so the demo registers a prebaked image
 * through the API and deploys it instead of baking.
 */
import { readFileSync } from 'node:fs';
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { client, configureClients } from '../src/aws/clients.js';
import { identityTags } from '../src/aws/tags.js';
import { resolveDefinition, taskStates } from '../sim/asl.js';
import { seedDemoWorld } from './demo-world.js';
import { FUNCTIONS } from './functions.js';
import { createStack } from './stack.js';

export interface EndpointResult {
  outcome: 'succeeded' | 'rolled-back' | 'failed';
  endpoint: string;
  cluster: string;
  output: unknown;
  error: string | null;
}

const ACCOUNT = '000000000000';
const arnOf = (key: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:redblack-local-${key}`;

export async function runOnEndpoint(options: { endpoint: string; json: boolean }): Promise<EndpointResult> {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new Error(`--endpoint must be a URL such as http://localhost:4566 (got ${options.endpoint})`);
  }
  configureClients({
    endpoint: url.toString(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' },
  });
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  try {
    await createStack({ account: ACCOUNT, functionArn: arnOf });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new Error(`cannot reach the endpoint ${url.origin} (${code})`);
    throw err;
  }
  const world = await seedDemoWorld({});
  say(`seeded ${world.cluster} on ${url.origin}: listener ${world.listenerArn}`);
  const image = await client(EC2Client).send(
    new RegisterImageCommand({
      Name: `redblack/${world.cluster}/1.1.0/prebaked`,
      RootDeviceName: '/dev/xvda',
      TagSpecifications: [{ ResourceType: 'image', Tags: identityTags({ cluster: world.cluster, deployment: 'prebaked', release: '1.1.0' }) }],
    }),
  );

  const definition = resolveDefinition(JSON.parse(readFileSync(new URL('../statemachines/deploy.asl.json', import.meta.url), 'utf8')), arnOf);
  const handlers: Record<string, (input: any) => Promise<any>> = {};
  for (const task of taskStates(definition)) {
    const key = Object.keys(FUNCTIONS).find((k) => task.resource === arnOf(k));
    const handler = key ? FUNCTIONS[key] : undefined;
    if (!handler) throw new Error(`no local function for state ${task.state}`);
    handlers[task.state] = async (input) => {
      say(`→ ${task.state}`);
      try {
        return await handler(input, { functionName: key } as Context);
      } catch (err) {
        const e = err as Error;
        const wrapped = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
        wrapped.name = e.name;
        throw wrapped;
      }
    };
  }
  const name = `endpoint-demo-${Date.now()}`;
  const input = { cluster: world.cluster, release: '1.1.0', imageId: image.ImageId };
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
  const run = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers },
    context: { Execution: { Id: `arn:aws:states:us-east-1:${ACCOUNT}:execution:redblack-local-deploy:${name}`, Name: name, Input: input as never, StartTime: new Date().toISOString() } },
  });
  try {
    const output = await run.result;
    say('deployment succeeded');
    return { outcome: 'succeeded', endpoint: url.origin, cluster: world.cluster, output, error: null };
  } catch (err) {
    const e = err as Error & { cause?: unknown };
    say(`deployment failed: ${e.name}: ${e.message}`);
    return { outcome: 'failed', endpoint: url.origin, cluster: world.cluster, output: null, error: `${e.name}: ${e.message}` };
  }
}
