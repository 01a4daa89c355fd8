/**
 * The peer run: `npm start -- --endpoint` against a real moto_server (moto 5.2.1), started on a
 * free port for this file and stopped after it. Runs with `npm run test:peer` (its own vitest
 * config: it costs tens of seconds of real time), which `.ci/run` calls.
 *
 * What moto cannot do, and how the run copes (the README's endpoint section lists the same):
 * - it runs no user data and serves no requests: the demo deploys a registered image (no bake),
 *   and the scenarios that need a failing app or install are refused (exit 2);
 * - PutEvents fails (HTTP 500, NotImplementedError in moto/events/models.py) when a rule on the
 *   bus targets a Lambda function, as the stack's rules do: every notification fails, and the
 *   deployment still succeeds, with the failed "Deployment Succeeded" as its one warning;
 * - DescribeAlarms ignores StateValue next to AlarmNames (the adapter checks the state itself);
 * - DescribeNotificationConfigurations is not implemented (HTTP 500): the runner answers it as a
 *   group without notifications and lists it in `notes`;
 * - CreateTargetGroup refuses a name that exists even with the same settings (AWS returns the
 *   existing group): a retried LaunchGroup reuses its own by name and deployment tag;
 * - Scheduler keeps schedules but fires none: the runner reads the teardown schedule back and runs it.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { runOnEndpoint } from '../../local/endpoint.js';

const run = promisify(execFile);
let moto: ChildProcess;
let endpoint: string;
let firstDeployment: string | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilUp(url: string, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/moto-api/`)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`moto_server did not answer at ${url} within ${limitMs} ms (is moto installed? pip install 'moto[server]==5.2.1')`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  const port = await freePort();
  endpoint = `http://127.0.0.1:${port}`;
  moto = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  await waitUntilUp(endpoint, 20_000);
}, 30_000);

afterAll(() => {
  if (moto.pid !== undefined) moto.kill();
});

const start = async (...args: string[]) => {
  try {
    const out = await run('npx', ['tsx', 'local/main.ts', '--endpoint', endpoint, '--short-waits', ...args], { env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' } });
    return { code: 0, stdout: out.stdout, stderr: out.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

describe('npm start -- --endpoint <moto>', () => {
  it('deploys web-prod-v002 and moves all traffic to it, twice in a row against the same server', async () => {
    for (const attempt of [1, 2]) {
      // Act
      const { code, stdout, stderr } = await start('--json');
      // Assess
      expect(code, `run ${attempt}: ${stderr}`).toBe(0);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        scenario: 'happy',
        outcome: 'succeeded',
        cluster: 'web-prod',
        from: 'web-prod-v001',
        to: 'web-prod-v002',
        traffic: { 'web-prod-v002': 100 },
        teardown: { serverGroup: 'web-prod-v001', done: true },
        error: null,
        endpoint,
        clock: 'real',
      });
      expect(result.traffic['web-prod-v001'] ?? 0).toBe(0);
      // moto cannot deliver to a Lambda target, so PutEvents fails: after the commit point that is a warning, not a rollback.
      expect(result.warnings).toEqual([expect.stringContaining('notification "Deployment Succeeded" not delivered')]);
      // moto does not implement DescribeNotificationConfigurations: the runner answers it as none and says so.
      expect(result.notes).toEqual([expect.stringContaining('does not implement DescribeNotificationConfigurations (HTTP 500)')]);
      // Validate is a task of its own since f183dff: one invocation more than before.
      expect(result.lambdaInvocations).toBe(7);
      // The same seed (the default, 1) names the same deployment, run after run.
      firstDeployment ??= result.deployment;
      expect(result.deployment).toBe(firstDeployment);
    }
  }, 120_000);

  it('prints the same timeline as the embedded run, and honours --seed (another seed names another deployment)', async () => {
    // Act
    const { code, stdout } = await start('--seed', '8');
    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/\[00:00:\d\d\] SwapTargetGroup +web-prod-v002 100% \(4 healthy\) +web-prod-v001 +0% \(4 healthy\)/);
    expect(stdout).toMatch(/^outcome +succeeded$/m);
    expect(stdout).toMatch(/^traffic +web-prod-v002 100$/m);
    const deployment = /^deployment +(\S+)/m.exec(stdout)?.[1];
    expect(deployment).toMatch(/^web-prod-1_1_0-/);
    expect(deployment).not.toBe(firstDeployment);
  }, 120_000);

  it('rolls back alarm-during-shift: the alarm is set through the API at 10 %, the listener restored', async () => {
    // Act
    const result = await runOnEndpoint({ endpoint, scenario: 'alarm-during-shift', shortWaits: true });
    configureClients({});
    // Assess
    expect(result).toMatchObject({ outcome: 'rolled-back', to: null, traffic: { 'web-prod-v001': 100 }, error: 'AlarmTriggered' });
  }, 120_000);

  it.each([
    ['first-deploy', { from: null, to: 'web-prod-v000', traffic: { 'web-prod-v000': 100 }, teardown: null }],
    ['canary-steps', { from: 'web-prod-v001', to: 'web-prod-v002', traffic: { 'web-prod-v002': 100 }, teardown: { serverGroup: 'web-prod-v001', done: true } }],
  ])('runs %s as the embedded run does', async (scenario, expected) => {
    // Act
    const result = await runOnEndpoint({ endpoint, scenario, shortWaits: true });
    configureClients({});
    // Assess
    expect(result).toMatchObject({ scenario, outcome: 'succeeded', ...expected });
  }, 120_000);

  it.each([
    ['bake-failure', 'runs no user data'],
    ['unhealthy-release', 'runs no application'],
  ])('refuses %s in one line naming why, exit 2, before any call', async (scenario, why) => {
    // Act
    const { code, stdout, stderr } = await start('--scenario', scenario);
    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringContaining(`scenario ${scenario} cannot run against an endpoint: the endpoint ${why}`)]);
  }, 60_000);
});

describe('npm start -- --short-waits without --endpoint', () => {
  it('is refused in one line, exit 2', async () => {
    // Act
    const out = await run('npx', ['tsx', 'local/main.ts', '--short-waits']).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    // Assess
    expect(out.code).toBe(2);
    expect(out.stderr.trim()).toBe('--short-waits only applies with --endpoint (the embedded cloud runs on simulated time)');
  }, 60_000);
});
