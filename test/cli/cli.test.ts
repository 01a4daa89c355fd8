/**
 * The redblack CLI on the embedded cloud: usage errors, --help, --json shapes, and each
 * command's happy path and refusals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { runCli } from '../../src/cli/main.js';
import type { DemoSession } from '../../local/demo.js';
import { cli, openWorld } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'redblack-cli-'));
const artifact = join(dir, 'web-1.1.0.tgz');
writeFileSync(artifact, 'web 1.1.0 build artifact');

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

/** Without a cloud: parsing happens before anything is looked up. */
async function offline(args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { io: { out: (s) => void (out += s), err: (s) => void (err += s), tty: false }, wired: true });
  return { code, out, err };
}

describe('usage', () => {
  test.each([
    [['bogus'], "unknown command 'bogus'"],
    [['deploy', 'web-prod', '--relase', '1.2.0'], "unknown option '--relase'"],
    [['deploy', 'web-prod', '--release', '1.2.0'], 'give exactly one of --artifact, --file, --image (got none)'],
    [['deploy', 'web-prod', '--release', '1.2.0', '--image', 'ami-0123456789abcdef0', '--file', 'x.tgz'], 'give exactly one of --artifact, --file, --image (got --file and --image)'],
    [['deploy', 'Web Prod', '--release', '1.2.0', '--image', 'ami-0123456789abcdef0'], 'cluster'],
    [['deploy', 'web-prod', '--release', '1.2.0', '--artifact', 'https://x/y'], '--artifact must be s3://'],
    [['deploy', 'web-prod', '--release', '1.2.0', '--file', '/nonexistent/x.tgz'], '--file /nonexistent/x.tgz: no such file'],
    [['history', 'web-prod', '--limit', '0'], '--limit must be an integer from 1 to 1000'],
    [['cluster', 'validate', 'web-prod', '/nonexistent.json'], '/nonexistent.json: cannot read the file'],
    [[], 'a command is required'],
  ])('%j is refused with one line and exit code 2', async (args, message) => {
    // Prepare: no cloud at all — a usage error must not need one.
    // Act
    const r = await offline(args);
    // Assess
    expect(r.code).toBe(2);
    expect(r.err.trimEnd().split('\n')).toHaveLength(1);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  test('no region: exit code 5 with one line saying how to give one', async () => {
    // Prepare: the real client path (not wired to a cloud), with no region anywhere.
    const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION, AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_DEFAULT_REGION;
    process.env.AWS_CONFIG_FILE = '/nonexistent/aws-config';
    let err = '';
    try {
      // Act
      const code = await runCli(['status', '--stage', 'prod'], { io: { out: () => undefined, err: (s) => void (err += s), tty: false } });
      // Assess
      expect(code).toBe(5);
      expect(err).toBe('redblack: no AWS region: pass --region or set AWS_REGION\n');
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      configureClients({});
    }
  });

  test('--json adds one error document on stdout', async () => {
    const r = await offline(['deploy', 'web-prod', '--release', '1.2.0', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({ command: 'deploy', exitCode: 2, error: { code: 'UsageError', message: 'give exactly one of --artifact, --file, --image (got none)' } });
  });

  test.each(['deploy', 'status', 'watch', 'history', 'rollback', 'abort', 'plan', 'report', 'cluster get', 'cluster put', 'cluster validate'])(
    '%s --help prints its usage and exits 0',
    async (command) => {
      const r = await offline([...command.split(' '), '--help']);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: redblack ${command}`));
      expect(r.out).toContain('--json');
    },
  );
});

describe('on the embedded cloud', () => {
  test('status shows the live group, its health and traffic; --json has the documented shape', async () => {
    session = await openWorld();
    const text = await cli(session, ['--stage', 'local', 'status', 'web-prod']);
    const json = await cli(session, ['--stage', 'local', 'status', 'web-prod', '--json']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/web-prod-v001\s+1\.0\.0\s+ami-\w+\s+2\/4\/8\s+4\/4\s+100%/);
    expect(text.out).toContain('lock       free');
    expect(json.json).toMatchObject({ command: 'status', exitCode: 0, cluster: 'web-prod', deployment: null, groups: [{ name: 'web-prod-v001', release: '1.0.0', desired: 4, healthy: 4, weight: 100 }] });
  });

  test('status lists the clusters; an unknown cluster is refused with exit code 6; a missing stack is exit code 5', async () => {
    session = await openWorld();
    const all = await cli(session, ['--stage', 'local', 'status', '--json']);
    const unknown = await cli(session, ['--stage', 'local', 'status', 'web-nope']);
    const noStack = await cli(session, ['--stage', 'prod', 'status', 'web-prod']);
    expect(all.json).toMatchObject({ clusters: [{ cluster: 'web-prod', deploying: null }] });
    expect(unknown.code).toBe(6);
    expect(unknown.err).toBe('redblack: cluster web-nope has no configuration (SSM parameter /redblack/clusters/web-nope): see "redblack cluster put"\n');
    expect(noStack.code).toBe(5);
    expect(noStack.err).toContain('no stack redblack-prod');
  });

  test('deploy --file --wait uploads, deploys, renders each phase and exits 0; history and status show it', async () => {
    session = await openWorld();
    const r = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait']);
    const again = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--artifact', `s3://${session.stack.bucket}/releases/web-prod/1.1.0/web-1.1.0.tgz?versionId=${versionOf(session)}`, '--json']);
    const history = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--json']);
    expect(r.code).toBe(0);
    const phases = r.out.split('\n').filter((l) => /^\[\d\d:\d\d:\d\d\] \S/.test(l)).map((l) => l.slice(11).split(/\s+/)[0]);
    expect(phases).toEqual(['Plan', 'Bake', 'Launch', 'HealthGate', 'Traffic', 'Finalize', 'Succeeded']);
    expect(r.out).toMatch(/traffic\s+web-prod-v002 100% · web-prod-v001 0%/);
    expect(session.traffic()).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    // The same artifact again starts nothing: the triggers' deduplication.
    expect(again.json).toMatchObject({ command: 'deploy', started: false });
    expect(history.json.deployments).toEqual([
      expect.objectContaining({ kind: 'deploy', release: '1.1.0', from: 'web-prod-v001', to: 'web-prod-v002', outcome: 'SUCCEEDED', cause: null }),
    ]);
  });

  test('history lists deployments, teardowns and Plan failures, newest first, with who triggered each', async () => {
    session = await openWorld();
    // A deploy through the S3 upload (trigger s3), its old group's teardown an hour later, then a
    // CLI deploy of an artifact that does not exist: Plan refuses it and records nothing itself.
    await session.upload();
    const done = await session.awaitExecutions(1);
    await session.awaitTeardown('web-prod-v001');
    const refused = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.2.0', '--artifact', `s3://${session.stack.bucket}/releases/web-prod/1.2.0/missing.tgz`, '--wait']);
    const r = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--json']);
    const text = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--limit', '1']);
    expect(refused.code).toBe(4);
    expect(r.json.deployments).toEqual([
      expect.objectContaining({ kind: 'deploy', release: '1.2.0', outcome: 'REFUSED', trigger: expect.stringMatching(/^cli:/), cause: expect.stringContaining('missing.tgz does not exist') }),
      expect.objectContaining({ kind: 'teardown', release: '1.0.0', from: 'web-prod-v001', outcome: 'SUCCEEDED', trigger: 'schedule' }),
      expect.objectContaining({ deployment: done.name, kind: 'deploy', from: 'web-prod-v001', to: 'web-prod-v002', outcome: 'SUCCEEDED', trigger: 's3', durationSeconds: expect.any(Number) }),
    ]);
    expect(text.out.trim().split('\n')).toHaveLength(3);
    expect(text.out).toMatch(/REFUSED .* cli:/);
  });

  test("watch follows a cluster's deployment in progress; status meanwhile shows its phase and countdowns; unknown targets are refused", async () => {
    session = await openWorld();
    const nothing = await cli(session, ['--stage', 'local', 'watch', 'web-prod']);
    const bad = await cli(session, ['--stage', 'local', 'watch', 'not a name']);
    await session.upload();
    await session.cloud.clock.runUntil(() => session!.cloud.lambda.count('healthGate') > 0);
    const during = await cli(session, ['--stage', 'local', 'status', 'web-prod', '--json']);
    const watched = await cli(session, ['--stage', 'local', 'watch', 'web-prod', '--json']);
    const again = await cli(session, ['--stage', 'local', 'watch', watched.json.deployment]);
    expect(nothing.code).toBe(6);
    expect(bad.code).toBe(2);
    expect(during.json.lock.deployment).toBe(watched.json.deployment);
    expect(during.json.deployment).toMatchObject({ outcome: 'running', phase: 'HealthGate', from: 'web-prod-v001', to: 'web-prod-v002', gateDeadline: expect.any(String) });
    expect(during.json.groups).toContainEqual(expect.objectContaining({ name: 'web-prod-v001', pinnedBy: watched.json.deployment }));
    expect(watched.code).toBe(0);
    expect(Object.keys(watched.json)).toEqual(['command', 'exitCode', 'deployment', 'kind', 'cluster', 'release', 'from', 'to', 'outcome', 'error', 'cause', 'startedAt', 'endedAt', 'phases', 'traffic']);
    expect(watched.json.phases.map((p: { phase: string }) => p.phase)).toEqual(['Plan', 'Bake', 'Launch', 'HealthGate', 'Traffic', 'Finalize']);
    // A finished deployment: its whole timeline at once, and its outcome's exit code.
    expect(again.code).toBe(0);
    expect(again.out).toContain('Succeeded');
  });

  test('a deployment that rolls back exits 3 with the cause as text, not JSON', async () => {
    session = await openWorld('unhealthy-release');
    const r = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
    expect(r.code).toBe(3);
    expect(r.json).toMatchObject({ outcome: 'rolled-back', error: 'HealthGateTimedOut', cause: 'server group web-prod-v002 has 0 of 4 required healthy targets after 8 minutes' });
    expect(session.traffic()).toEqual({ 'web-prod-v001': 100 });
  });

  test('plan makes no mutating call, names the next group and the schedule; a held lock is a blocker (exit 6)', async () => {
    session = await openWorld('canary-steps');
    const mark = session.cloud.log.mark();
    const r = await cli(session, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.1.0', '--file', artifact, '--json']);
    const calls = session.cloud.log.calls.slice(mark);
    expect(r.code).toBe(0);
    expect(calls.length).toBeGreaterThan(5);
    expect(calls.filter((c) => c.mutating)).toEqual([]);
    expect(r.json).toMatchObject({ live: 'web-prod-v001', next: 'web-prod-v002', blockers: [], traffic: [{ percent: 10 }, { percent: 50 }, { percent: 100 }] });
    expect(r.json.changes).toContainEqual({ setting: 'min / desired / max', live: '2 / 4 / 8', next: '2 / 4 / 8' });

    session.cloud.autoscaling.groupLimit = 1;
    const quota = await cli(session, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.1.0', '--file', artifact]);
    expect(quota.code).toBe(6);
    expect(quota.out).toContain('✗ the account has 1 of its 1 Auto Scaling groups in this Region (quota)');
    session.cloud.autoscaling.groupLimit = 200;

    await session.upload();
    await session.cloud.clock.runUntil(() => session!.cloud.lambda.count('launchGroup') > 0);
    const blocked = await cli(session, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.2.0', '--file', artifact]);
    expect(blocked.code).toBe(6);
    expect(blocked.out).toMatch(/✗ deployment web-prod-1_1_0-\w+ holds the cluster's lock/);
  });

  test('rollback gives the traffic back to the previous group; with nothing to undo it is refused (exit 6)', async () => {
    session = await openWorld();
    const nothing = await cli(session, ['--stage', 'local', 'rollback', 'web-prod']);
    await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait']);
    const wrong = await cli(session, ['--stage', 'local', 'rollback', 'web-prod', '--to', 'web-prod-v007']);
    const r = await cli(session, ['--stage', 'local', 'rollback', 'web-prod', '--reason', 'p99 regression', '--wait', '--json']);
    const history = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--json']);
    expect(nothing.code).toBe(6);
    expect(wrong.code).toBe(6);
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ command: 'rollback', from: 'web-prod-v002', to: 'web-prod-v001', outcome: 'succeeded' });
    expect(session.traffic()).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
    expect(history.json.deployments[0]).toMatchObject({ kind: 'rollback', from: 'web-prod-v002', to: 'web-prod-v001', outcome: 'ROLLED_BACK', cause: 'p99 regression' });
  });

  test('abort stops the deployment in progress; nothing running is refused (exit 6)', async () => {
    session = await openWorld();
    const idle = await cli(session, ['--stage', 'local', 'abort', 'web-prod']);
    await session.upload();
    await session.cloud.clock.runUntil(() => session!.cloud.lambda.count('launchGroup') > 0);
    const r = await cli(session, ['--stage', 'local', 'abort', 'web-prod', '--reason', 'wrong build', '--json']);
    expect(idle.code).toBe(6);
    expect(idle.err).toBe('redblack: cluster web-prod has no deployment in progress\n');
    expect(r.code).toBe(0);
    expect(r.json).toMatchObject({ command: 'abort', stopped: true, cluster: 'web-prod' });
    const execution = session.cloud.sfn.executions().at(-1);
    expect(execution).toMatchObject({ status: 'ABORTED' });
  });

  test('cluster validate, get and put: schema errors name the field; put shows a diff and writes only with --yes', async () => {
    session = await openWorld();
    const got = await cli(session, ['--stage', 'local', 'cluster', 'get', 'web-prod', '--json']);
    const config = got.json.config;
    const file = join(dir, 'web-prod.json');
    writeFileSync(file, JSON.stringify({ ...config, traffic: { ...config.traffic, steps: [25, 100] } }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...config, traffic: { ...config.traffic, steps: [50, 20] } }));
    const valid = await cli(session, ['--stage', 'local', 'cluster', 'validate', 'web-prod', file]);
    const invalid = await cli(session, ['--stage', 'local', 'cluster', 'validate', 'web-prod', bad]);
    const dry = await cli(session, ['--stage', 'local', 'cluster', 'put', 'web-prod', file]);
    const between = await cli(session, ['--stage', 'local', 'cluster', 'get', 'web-prod', '--json']);
    const wrote = await cli(session, ['--stage', 'local', 'cluster', 'put', 'web-prod', file, '--yes', '--json']);
    const after = await cli(session, ['--stage', 'local', 'cluster', 'get', 'web-prod', '--json']);
    expect(valid.code).toBe(0);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toContain('traffic.steps');
    expect(dry.out).toMatch(/^ {6}"steps": \[\n\+ {7}25,\n {8}100\n/m);
    expect(dry.out).toContain('not written');
    expect(between.json.config.traffic.steps).toEqual(config.traffic.steps);
    expect(wrote.json).toMatchObject({ written: true, changed: true });
    expect(after.json.config.traffic.steps).toEqual([25, 100]);
    expect(readFileSync(file, 'utf8')).toContain('25');
  });

  test('report writes one HTML file with the data, uPlot inlined and no external reference', async () => {
    session = await openWorld();
    const deployed = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
    const out = join(dir, 'report.html');
    const r = await cli(session, ['--stage', 'local', 'report', deployed.json.deployment, '-o', out, '--json']);
    const html = readFileSync(out, 'utf8');
    expect(r.json).toMatchObject({ command: 'report', file: out, outcome: 'succeeded' });
    expect(html).toContain('uPlot');
    expect(html).toContain('web-prod-v001 → web-prod-v002');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });
});

/** The version id of the artifact the CLI uploaded, as the deployment's input names it. */
function versionOf(session: DemoSession): string {
  return JSON.parse(session.cloud.sfn.executions().at(-1)?.input ?? '{}').artifact.versionId;
}
