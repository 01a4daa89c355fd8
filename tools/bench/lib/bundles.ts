/**
 * The Lambda bundles: each function of serverless.yml built with esbuild and the settings
 * serverless-esbuild uses (tools/build/esbuild.config.cjs), its size, what dominates it, and its module-init time — the median of
 * five fresh `node` processes importing it (a cold start's init phase, minus the runtime's own).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ROOT, serverlessFunctions } from '../../deploy/serverless.js';
import { round } from './common.js';

const { esbuildOptions } = createRequire(import.meta.url)('../../build/esbuild.config.cjs') as { esbuildOptions: esbuild.BuildOptions };

export interface FunctionDef {
  name: string;
  entry: string;
  memoryMb: number;
}

/** Functions, handlers and memory sizes, read from serverless.yml. */
export function functionsOf(): FunctionDef[] {
  return serverlessFunctions().map((f) => ({ name: f.key, entry: join(ROOT, f.source), memoryMb: f.memoryMb }));
}

export interface BundleMeasure {
  name: string;
  bytes: number;
  /** Median of the fresh processes; `initMinMs` the fastest (least disturbed by other load). */
  initMs: number;
  initMinMs: number;
  /** heapUsed and RSS right after the import, fresh process (MB). */
  initHeapMb: number;
  initRssMb: number;
  /** The biggest contributors, by package. */
  dominatedBy: { what: string; bytes: number }[];
  memoryMb: number;
}

export interface BundleReport {
  /** As serverless.yml builds them today. */
  configured: BundleMeasure[];
  /** With tools/build/esbuild-plugins.cjs added, when the build settings lacked it: null since they always carry it. */
  withSchemaKeys: BundleMeasure[] | null;
}

export async function measureBundles(options: { runs?: number } = {}): Promise<BundleReport> {
  const configured = await buildAll(functionsOf(), esbuildOptions, 'configured', options.runs ?? 5);
  // The shared build settings always carry the schema-keys plugin: there is no second variant.
  return { configured, withSchemaKeys: null };
}

async function buildAll(fns: FunctionDef[], options: esbuild.BuildOptions, variant: string, runs: number): Promise<BundleMeasure[]> {
  const dir = join(tmpdir(), 'redblack-bench-bundles', variant);
  mkdirSync(dir, { recursive: true });
  const out: BundleMeasure[] = [];
  for (const fn of fns) {
    const file = join(dir, `${fn.name}.mjs`);
    const result = await esbuild.build({ ...options, entryPoints: [fn.entry], outfile: file, write: false, metafile: true, logLevel: 'silent' });
    // The bundle itself, not its source map.
    const code = result.outputFiles?.find((f) => f.path.endsWith('.mjs'))?.contents ?? new Uint8Array();
    writeFileSync(file, code);
    const meta = Object.entries(result.metafile?.outputs ?? {}).find(([path]) => path.endsWith('.mjs'))?.[1];
    const byPackage = new Map<string, number>();
    for (const [path, v] of Object.entries(meta?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? (path.startsWith('src/') || path.startsWith('functions/') ? 'redblack (src, functions)' : path);
      byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v.bytesInOutput);
    }
    const dominatedBy = [...byPackage.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([what, bytes]) => ({ what, bytes }));
    const init = initTimes(file, runs);
    out.push({ name: fn.name, bytes: code.byteLength, ...init, dominatedBy, memoryMb: fn.memoryMb });
  }
  return out;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Imports the bundle in `runs` fresh processes: module init time, heap and RSS after it. */
function initTimes(file: string, runs: number): { initMs: number; initMinMs: number; initHeapMb: number; initRssMb: number } {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const ms=performance.now()-t;const m=process.memoryUsage();process.stdout.write(JSON.stringify({ms,heap:m.heapUsed,rss:m.rss}));`;
  const samples: { ms: number; heap: number; rss: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'bench', POWERTOOLS_LOG_LEVEL: 'SILENT', NODE_OPTIONS: '' },
      encoding: 'utf8',
    });
    samples.push(JSON.parse(stdout) as { ms: number; heap: number; rss: number });
  }
  const MB = 1024 * 1024;
  return {
    initMs: round(median(samples.map((s) => s.ms)), 1),
    initMinMs: round(Math.min(...samples.map((s) => s.ms)), 1),
    initHeapMb: round(median(samples.map((s) => s.heap)) / MB, 1),
    initRssMb: round(median(samples.map((s) => s.rss)) / MB, 1),
  };
}
