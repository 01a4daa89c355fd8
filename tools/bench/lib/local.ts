/**
 * Local speed: what a developer waits for. Each command runs in a fresh child process, as the
 * npm script would (tsx loading TypeScript included), timed from spawn to exit, with the child's
 * peak RSS (tools/bench/lib/maxrss.mjs reports it on exit).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { round } from './common.js';

const ROOT = new URL('../../../', import.meta.url).pathname;

export interface LocalRun {
  command: string;
  wallMs: number;
  peakRssMb: number | null;
  exitCode: number | null;
  /** The command's own JSON output, when it printed some. */
  output: unknown;
}

export function runLocal(script: string, args: string[]): LocalRun {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--import', './tools/bench/lib/maxrss.mjs', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = round(performance.now() - t0, 0);
  const kb = /REDBLACK_BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr ?? '')?.[1];
  const json = (r.stdout ?? '')
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  let output: unknown = null;
  try {
    output = json ? JSON.parse(json) : null;
  } catch {
    output = null;
  }
  return { command: `${script} ${args.join(' ')}`.trim(), wallMs, peakRssMb: kb ? round(Number(kb) / 1024, 0) : null, exitCode: r.status, output };
}

/** `npm start -- --json`: the demo's deployment and the old group's teardown. */
export const runDemoProcess = (): LocalRun => runLocal('local/main.ts', ['--json']);

/** `npm run faults -- --runs N --json`, or null while tools/faults/main.ts does not exist. */
export function runFaults(runs: number): LocalRun | null {
  if (!existsSync(`${ROOT}tools/faults/main.ts`)) return null;
  return runLocal('tools/faults/main.ts', ['--runs', String(runs), '--json']);
}
