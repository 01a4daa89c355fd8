/**
 * npm run faults -- [--runs N] [--seed S] [--json] [--no-shrink] [--workers W]
 *
 * Runs N seeded fault scenarios (seeds S … S+N-1) on the embedded cloud and checks the invariants
 * of docs/design.md throughout each. Exits 1 if any scenario violates one; each violation prints its
 * seed, the shrunk minimal fault list, and the command that replays it. Scenarios run on
 * `--workers` threads (default: 2, or 1 on a single core); every figure depends only on the seeds.
 */
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import type { BatchSummary, ViolationReport } from './runner.js';

// Before the functions load: their logger reads its level at construction and goes back to it on every invocation.
process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function usage(code: number, message?: string): never {
  if (message) process.stderr.write(`${message}\n`);
  (code === 0 ? process.stdout : process.stderr).write('usage: npm run faults -- [--runs N] [--seed S] [--json] [--no-shrink] [--workers W]\n');
  process.exit(code);
}

function positiveInt(name: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) usage(2, `--${name} must be an integer ≥ ${min} (got ${value})`);
  return n;
}

function printViolation(r: ViolationReport): void {
  const lines = [`\nVIOLATION in seed ${r.seed}`, r.scenario, ...r.violations.map((v) => `  ✗ [${v.invariant}] t+${v.at}s ${v.message}`)];
  if (r.shrunk) {
    lines.push('shrunk to:', r.shrunk.scenario, ...r.shrunk.violations.map((v) => `  ✗ [${v.invariant}] t+${v.at}s ${v.message}`));
    lines.push(`as data (for test/faults/regressions.test.ts): ${JSON.stringify(r.shrunk.data)}`);
  }
  lines.push(`reproduce: ${r.reproduce}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

function printSummary(s: BatchSummary): void {
  const o = s.outcomes;
  process.stdout.write(
    [
      `scenarios        ${s.runs}`,
      `faults injected  ${s.faultsInjected}`,
      `outcomes         ${o.succeeded} succeeded, ${o.rolledBack} rolled back, ${o.failedClean} failed cleanly`,
      `paths            ${Object.entries(s.paths)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([path, n]) => `${path} ${n}`)
        .join(', ')}`,
      `violations       ${s.violations.length}`,
      `wall time        ${s.wallSeconds} s (${(s.runs / Math.max(s.wallSeconds, 0.1)).toFixed(1)} scenarios/s)`,
    ].join('\n') + '\n',
  );
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        runs: { type: 'string', default: '100' },
        seed: { type: 'string', default: '1' },
        json: { type: 'boolean', default: false },
        'no-shrink': { type: 'boolean', default: false },
        workers: { type: 'string', default: String(Math.min(2, availableParallelism())) },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    usage(2, (err as Error).message);
  }
  if (args.help) usage(0);
  const runs = positiveInt('runs', args.runs as string, 1);
  const seed = positiveInt('seed', args.seed as string, 0);
  const workers = positiveInt('workers', args.workers as string, 1);
  await import('../../sim/polyfills.js');
  const { runBatch } = await import('./runner.js');

  const tty = !args.json && process.stderr.isTTY;
  const summary = await runBatch({
    runs,
    seed,
    shrink: !args['no-shrink'],
    workers,
    onViolation: printViolation,
    onProgress: (done, s) => {
      if (tty && (done % 50 === 0 || done === runs)) process.stderr.write(`\r${done}/${runs} scenarios, ${s.violations.length} violation(s), ${s.wallSeconds} s`);
    },
  });
  if (tty) process.stderr.write('\n');
  if (args.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else printSummary(summary);
  process.exit(summary.violations.length === 0 ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
