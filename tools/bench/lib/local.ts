/**
 * Local speed: what a developer waits for. Each command runs in a fresh child process, as the
 * npm script would (tsx loading TypeScript included), timed from spawn to exit, with the child's
 * peak RSS (tools/bench/lib/maxrss.mjs reports it on exit).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
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

export function runLocal(script: string, args: string[], options: { tsx?: boolean; nodeOptions?: string } = {}): LocalRun {
  const t0 = performance.now();
  const loaders = options.tsx === false ? [] : ['--import', 'tsx'];
  const r = spawnSync(process.execPath, [...loaders, '--import', './tools/bench/lib/maxrss.mjs', script, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT', ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}) },
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

/** The demo's deployment and the old group's teardown, as `npm start -- --json` runs it (the prebuilt bundle). */
export const runDemoProcess = (): LocalRun => runLocal('local/start.mjs', ['--json'], { tsx: false });

/**
 * `npm start -- --json` as a user types it: npm, node, loading the demo and running it, spawn to
 * exit. `fresh` deletes the prebuilt bundle first (a fresh clone's first start builds it).
 */
export function runStartProcess(options: { fresh?: boolean } = {}): number {
  if (options.fresh) rmSync(`${ROOT}.esbuild/local-main.mjs`, { force: true });
  const t0 = performance.now();
  const r = spawnSync('npm', ['start', '--silent', '--', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' }, maxBuffer: 64 * 1024 * 1024 });
  const ms = round(performance.now() - t0, 0);
  if (r.status !== 0) throw new Error(`npm start failed (${r.status}): ${r.stderr}`);
  return ms;
}

/**
 * `npm run faults -- --runs N --json`, or null while tools/faults/main.ts does not exist.
 * `maxOldSpaceMb` caps V8's old generation (workers inherit it): a run that completes under a
 * small cap shows the live heap stays flat, whatever the RSS of a lazily collected big heap says.
 */
export function runFaults(runs: number, options: { workers?: number; maxOldSpaceMb?: number } = {}): LocalRun | null {
  if (!existsSync(`${ROOT}tools/faults/main.ts`)) return null;
  const args = ['--runs', String(runs), '--json', ...(options.workers ? ['--workers', String(options.workers)] : [])];
  return runLocal('tools/faults/main.ts', args, options.maxOldSpaceMb ? { nodeOptions: `--max-old-space-size=${options.maxOldSpaceMb}` } : {});
}
