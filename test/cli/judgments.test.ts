/**
 * Canary judgments and approvals in `history` and `report`: read from the ledger's judgment items
 * and the execution history of a judged deployment on the embedded cloud.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { judgmentLine, judgmentView } from '../../src/cli/judgments.js';
import { cli, openWorld } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'redblack-judgments-'));
const artifact = join(dir, 'web-1.1.0.tgz');
writeFileSync(artifact, 'web 1.1.0 build artifact');

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

/** The JSON the report inlines for its charts. */
const inlined = (html: string) => JSON.parse((/<script type="application\/json" id="data">(.*?)<\/script>/s.exec(html) as RegExpExecArray)[1] as string);

describe('judgments in history and report', () => {
  it.each([
    ['subtle-errors', 'errorRate'],
    ['slow-release', 'latencyP99'],
  ])('%s: history --json has every look and the failing metric, the table the last look, the report the same', async (scenario, metric) => {
    // Prepare
    session = await openWorld(scenario);
    const deployed = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
    const out = join(dir, `${scenario}.html`);
    // Act
    const history = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--json']);
    const table = await cli(session, ['--stage', 'local', 'history', 'web-prod']);
    const report = await cli(session, ['--stage', 'local', 'report', deployed.json.deployment, '-o', out]);
    // Assess
    expect(deployed.code).toBe(3);
    expect(deployed.json.error).toBe('CanaryFailed');
    const entry = history.json.deployments[0];
    expect(entry).toMatchObject({ deployment: deployed.json.deployment, outcome: 'ROLLED_BACK' });
    expect(entry.judgments.length).toBeGreaterThan(0);
    expect(entry.judgments.map((j: { seq: number }) => j.seq)).toEqual(entry.judgments.map((_: unknown, i: number) => i));
    expect(entry.lastJudgment).toEqual(entry.judgments.at(-1));
    expect(entry.lastJudgment).toMatchObject({ decision: 'fail', failing: expect.arrayContaining([metric]) });
    expect(entry.lastJudgment.metrics).toContainEqual(expect.objectContaining({ metric, verdict: 'high' }));
    expect(table.out).toMatch(new RegExp(`judged: step \\d+% score (\\d+|-) fail \\([^)]*${metric}`));
    expect(report.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toMatch(new RegExp(`id="canary-failed"><b>CanaryFailed</b> on [^<]*${metric}`));
    expect(html).toContain('id="chart-judgments"');
    expect(html).toContain(`<th>${metric}</th>`);
    expect(inlined(html).judgments).toEqual(entry.judgments);
    expect(html).toContain('No approval requested.');
  });

  it('the report lists an approval that was promoted, and by whom', async () => {
    // Prepare: a deployment waiting before its 100 % step, then promoted.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval: { beforeSteps: [100], timeoutMinutes: 30 } });
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
    await cli(s, ['promote', 'web-prod']);
    const done = await s.awaitExecutions(1);
    const out = join(dir, 'approved.html');
    // Act
    await cli(s, ['--stage', 'local', 'report', done.name as string, '-o', out]);
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(inlined(readFileSync(out, 'utf8')).approvals).toEqual([{ step: 100, requestedAt: expect.any(String), answeredAt: expect.any(String), outcome: 'promoted', by: expect.stringMatching(/^cli:/), reason: null }]);
  });

  it('the report lists a rejected approval with its reason', async () => {
    // Prepare
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval: { beforeSteps: [100], timeoutMinutes: 30 } });
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
    await cli(s, ['reject', 'web-prod', '--reason', 'error budget spent']);
    const done = await s.awaitExecutions(1);
    const out = join(dir, 'rejected.html');
    // Act
    await cli(s, ['--stage', 'local', 'report', done.name as string, '-o', out]);
    // Assess
    const html = readFileSync(out, 'utf8');
    expect(inlined(html).approvals).toEqual([expect.objectContaining({ step: 100, outcome: 'rejected', reason: expect.stringContaining('error budget spent') })]);
    expect(html).toMatch(/<td>100%<\/td><td>[\d:]+<\/td><td>rejected<\/td>/);
  });

  it('the report lists an approval no one answered as timed out, and what onTimeout did', async () => {
    // Prepare: nobody answers within the minute; onTimeout defaults to rollback.
    process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
    session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval: { beforeSteps: [100], timeoutMinutes: 1 } });
    await session.upload();
    const done = await session.awaitExecutions(1);
    const out = join(dir, 'timed-out.html');
    // Act
    await cli(session, ['--stage', 'local', 'report', done.name as string, '-o', out]);
    // Assess
    expect(done.error).toBe('ApprovalTimedOut');
    expect(inlined(readFileSync(out, 'utf8')).approvals).toEqual([expect.objectContaining({ step: 100, outcome: 'timed-out', by: 'timeout: rolled back' })]);
  });
});

describe('a judgment against a fresh baseline', () => {
  const record = { deployment: 'd', seq: 0, at: 0, stepIndex: 0, step: 10, canary: 'web-prod-v002', baseline: 'web-prod-v002-baseline', score: 100, decision: 'promote', reason: 'all pass', failing: [], metrics: [] };

  it('names the baseline in the view and the history line; one against the live group does not', () => {
    // Act
    const fresh = judgmentView({ ...record, baselineSource: 'fresh' });
    const live = judgmentView({ ...record, baseline: 'web-prod-v001', baselineSource: 'live' });
    // Assess
    expect(fresh.freshBaseline).toBe('web-prod-v002-baseline');
    expect(judgmentLine(fresh)).toBe('step 10% score 100 promote vs fresh baseline web-prod-v002-baseline');
    expect(live).not.toHaveProperty('freshBaseline');
    expect(judgmentLine(live)).toBe('step 10% score 100 promote');
  });
});


describe('a judgment taken while waiting for approval', () => {
  it('says so in the view and the history line', () => {
    // Prepare
    const record = { deployment: 'd', seq: 3, at: 0, stepIndex: 0, step: 10, canary: 'web-prod-v002', baseline: 'web-prod-v001', baselineSource: 'live' as const, score: 50, decision: 'fail', reason: 'critical metric failed', failing: ['errorRate'], metrics: [] };
    // Act
    const during = judgmentView({ ...record, during: 'approval' });
    const step = judgmentView(record);
    // Assess
    expect(during.during).toBe('approval');
    expect(judgmentLine(during)).toBe('step 10% score 50 fail (errorRate) while waiting for approval');
    expect(step).not.toHaveProperty('during');
  });
});
