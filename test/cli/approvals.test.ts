/** `redblack promote` / `redblack reject` on the embedded cloud: a deployment waiting before 100 %. */
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { cli } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

async function waiting(): Promise<DemoSession> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval: { beforeSteps: [100], timeoutMinutes: 30 } });
  const s = session;
  await s.upload();
  await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
  return s;
}

describe('redblack promote / reject', () => {
  it('promote lets the 100 % step happen; a second promote is refused (exit code of a refusal, ApprovalNotPending)', async () => {
    // Prepare
    const s = await waiting();
    // Act
    const first = await cli(s, ['promote', 'web-prod', '--json']);
    const second = await cli(s, ['promote', 'web-prod', '--json']);
    const done = await s.awaitExecutions(1);
    // Assess
    expect(first.code).toBe(0);
    expect(first.json).toMatchObject({ command: 'promote', decision: 'promoted', step: 100, cluster: 'web-prod' });
    expect(second.code).not.toBe(0);
    expect(second.json.error.code).toBe('ApprovalNotPending');
    expect(done.status).toBe('SUCCEEDED');
  });

  it('reject --reason rolls back with the reason in the cause', async () => {
    // Prepare
    const s = await waiting();
    // Act
    const r = await cli(s, ['reject', 'web-prod', '--reason', 'error budget spent']);
    const done = await s.awaitExecutions(1);
    // Assess
    expect(r.code).toBe(0);
    expect(r.out).toContain('rejected');
    expect(done.error).toBe('ApprovalRejected');
    expect(done.cause).toContain('error budget spent');
  });
});
