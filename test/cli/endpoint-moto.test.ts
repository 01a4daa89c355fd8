/**
 * `redblack --endpoint URL --stage local` against what endpoint mode creates, on a real moto_server
 * (started on a free port here, stopped after): no CloudFormation stack there, so the CLI finds
 * the resources by the stage's names. The world is built as `npm start -- --endpoint` builds it
 * (local/stack.ts createStack, then the demo world); the bin itself runs as a child process.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { seedDemoWorld } from '../../local/demo-world.js';
import { createStack } from '../../local/stack.js';
import { startMoto } from '../support/moto.js';

const run = promisify(execFile);
let moto: Awaited<ReturnType<typeof startMoto>>;
let endpoint: string;
const env = { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };

beforeAll(async () => {
  moto = await startMoto();
  endpoint = moto.endpoint;
  configureClients({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  await createStack({ account: '123456789012', functionArn: (key) => `arn:aws:lambda:us-east-1:123456789012:function:redblack-local-${key}` });
  await seedDemoWorld({});
  configureClients({});
}, 60_000);

afterAll(() => {
  moto?.stop();
});

const redblack = async (...args: string[]) => {
  try {
    const { stdout, stderr } = await run('node', ['bin/redblack.js', '--endpoint', endpoint, '--stage', 'local', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

test('status, cluster get and history read the endpoint by the stage names', async () => {
  const status = await redblack('status', 'web-prod', '--json');
  const config = await redblack('cluster', 'get', 'web-prod', '--json');
  const history = await redblack('history', 'web-prod', '--json');
  expect(status.code).toBe(0);
  expect(JSON.parse(status.stdout)).toMatchObject({ cluster: 'web-prod', groups: [{ name: 'web-prod-v001', release: '1.0.0', weight: 100, desired: 4 }], deployment: null });
  expect(JSON.parse(config.stdout).config.listenerArn).toMatch(/:listener\/app\/web-prod\//);
  expect(JSON.parse(history.stdout)).toEqual({ command: 'history', exitCode: 0, cluster: 'web-prod', deployments: [] });
}, 60_000);

test('another stage is not there: exit code 5 naming what was looked for', async () => {
  const r = await redblack('status', 'web-prod', '--stage', 'prod');
  expect(r.code).toBe(5);
  expect(r.stderr).toBe('redblack: no stack redblack-prod and no state machine redblack-prod-deploy here: check --stage, --region, --profile, --endpoint\n');
}, 60_000);
