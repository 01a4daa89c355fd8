/**
 * `npm start` with the operator's tool: --during runs a redblack command while the deployment is
 * in its health gate, --then after it (before the teardown, so rollback works), --report writes
 * the run's report; a usage error in one of them is exit code 2.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';

const run = promisify(execFile);
const start = async (...args: string[]) => {
  try {
    const { stdout } = await run('npx', ['tsx', 'local/main.ts', ...args], { env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    return { code: 0, stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
};

test('--during status, --then rollback and history, --report', async () => {
  const report = join(mkdtempSync(join(tmpdir(), 'redblack-demo-')), 'report.html');
  const r = await start('--during', 'status web-prod', '--then', 'rollback web-prod --wait', '--then', 'history web-prod', '--report', report);
  expect(r.code).toBe(0);
  const during = r.stdout.slice(r.stdout.indexOf('$ redblack status web-prod    # during the deployment'));
  expect(during).toMatch(/^web-prod-v002 .* 0\/4 .* 0%/m);
  expect(during).toMatch(/now: HealthGate \(WaitForHealth\) .* gate gives up in/);
  expect(r.stdout).toMatch(/\[00:00:00\] Succeeded\s+← ManualRollback 0s \(web-prod-v002 → web-prod-v001\)/);
  expect(r.stdout).toMatch(/rollback\s+rollback\s+web-prod-v002 → web-prod-v001\s+ROLLED_BACK/);
  expect(existsSync(report)).toBe(true);
}, 120_000);

test('a usage error in a --then command makes the demo exit 2', async () => {
  const r = await start('--then', 'history web-prod --limit none');
  expect(r.code).toBe(2);
}, 120_000);
