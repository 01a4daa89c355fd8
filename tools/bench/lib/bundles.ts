/**
 * The Lambda bundles as they ship: `npm run package` builds every function of serverless.yml, and
 * each artifact (`.serverless/<function>.zip`) is unzipped and imported in fresh `node` processes
 * with that function's environment from the packaged template (NODE_OPTIONS included, so
 * `--enable-source-maps` costs what it costs in Lambda): module-init time, the median of ≥ 9 rounds
 * (each round imports every bundle once and starts a bare node, so all of them see the same load),
 * and its ratio to a bare `node` process started in the same run (absolute milliseconds swing with
 * the machine's load; the ratio much less). What dominates a bundle comes from esbuild's metafile,
 * built with the same options.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { ROOT, serverlessFunctions } from '../../deploy/serverless.js';
import { functionsOf as templateFunctions, readTemplate } from '../../deploy/template.js';
import { round } from './common.js';
import { unzip } from './unzip.js';

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
  /** The `.mjs` in the packaged zip plus the chunks it imports statically (what module init reads). */
  bytes: number;
  /** Chunks in the zip loaded only by an `await import()` on a rarely used path. */
  lazyBytes: number;
  /** Its source map, shipped beside it. */
  mapBytes: number;
  /** NODE_OPTIONS of the function in the template. */
  nodeOptions: string;
  /** Median of the fresh processes, with the template's environment; `initMinMs` the fastest. */
  initMs: number;
  initMinMs: number;
  /** `initMs` ÷ the bare-node baseline of the same run. */
  initRatio: number;
  /** `initMs` ÷ the median function's `initMs`. */
  initOverMedian: number;
  /** The same import with `--enable-source-maps` added (median; runs alternate with the shipped settings). */
  initMsWithSourceMaps: number;
  /** heapUsed and RSS right after the import, fresh process (MB). */
  initHeapMb: number;
  initRssMb: number;
  /** The biggest contributors, by package. */
  dominatedBy: { what: string; bytes: number }[];
  memoryMb: number;
}

export interface BundleReport {
  /** As `npm run package` builds them. */
  configured: BundleMeasure[];
  /** Kept for the results' shape: null since serverless.yml uses the build plugins. */
  withSchemaKeys: BundleMeasure[] | null;
  /** A fresh `node` process that imports nothing, run as often as each function (ms, median). */
  baselineMs: number;
  runs: number;
}

const PLACE = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

/** `npm run package`, offline and without credentials, as on a clean clone. */
export function packageArtifacts(): void {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  execFileSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, env, stdio: 'pipe', timeout: 300_000 });
}

export async function measureBundles(options: { runs?: number; skipPackage?: boolean } = {}): Promise<BundleReport> {
  const runs = Math.max(9, options.runs ?? 9);
  if (!options.skipPackage) packageArtifacts();
  const fns = functionsOf();
  const base = esbuildOptions;
  const template = readTemplate(join(ROOT, '.serverless/cloudformation-template-update-stack.json'));
  const envs = templateFunctions(template, PLACE);
  const dir = join(tmpdir(), 'redblack-bench-bundles', 'packaged');
  const shipped = fns.map((fn) => {
    const info = envs.get(fn.name);
    const handler = template.Resources[info?.logicalId ?? '']?.Properties?.Handler as string | undefined;
    if (!info || !handler) throw new Error(`${fn.name}: not in the packaged template`);
    const files = unzip(join(ROOT, '.serverless', `${fn.name}.zip`));
    for (const [name, data] of files) {
      mkdirSync(dirname(join(dir, fn.name, name)), { recursive: true });
      writeFileSync(join(dir, fn.name, name), data);
    }
    const module = `${handler.replace(/\.[^.]+$/, '')}.mjs`;
    if (!files.get(module)) throw new Error(`${fn.name}: ${module} is not in its zip`);
    const env = lambdaEnv(fn, info.environment);
    // As shipped, and with --enable-source-maps added.
    const withMaps = { ...env, NODE_OPTIONS: `${env.NODE_OPTIONS ?? ''} --enable-source-maps`.trim() };
    return { fn, files, module, env, file: join(dir, fn.name, module), loaded: staticClosure(module, files), variants: [env, withMaps] };
  });
  // Round robin: each round imports every bundle once per environment and starts a bare node, so
  // every function's samples (and the baseline) span the same minutes of a shared machine's load.
  const samples = shipped.map((b) => b.variants.map((): Sample[] => []));
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    bare.push(bareNodeMs());
    shipped.forEach((b, j) => b.variants.forEach((env, k) => samples[j]?.[k]?.push(importOnce(b.file, env))));
  }
  const baselineMs = round(median(bare), 1);
  const out: BundleMeasure[] = [];
  for (const [j, b] of shipped.entries()) {
    const [asShipped, withMaps] = (samples[j] ?? []).map(summarize) as [Init, Init];
    out.push({
      name: b.fn.name,
      bytes: [...b.loaded].reduce((sum, name) => sum + (b.files.get(name)?.byteLength ?? 0), 0),
      lazyBytes: lazyChunkBytes(b.module, b.files, b.loaded),
      mapBytes: b.files.get(`${b.module}.map`)?.byteLength ?? 0,
      nodeOptions: b.env.NODE_OPTIONS ?? '',
      ...asShipped,
      initRatio: round(asShipped.initMs / baselineMs, 2),
      initOverMedian: 0,
      initMsWithSourceMaps: withMaps.initMs,
      dominatedBy: await dominatedBy(b.fn, base),
      memoryMb: b.fn.memoryMb,
    });
  }
  const mid = median(out.map((b) => b.initMs));
  for (const b of out) b.initOverMedian = round(b.initMs / mid, 2);
  return { configured: out, withSchemaKeys: null, baselineMs, runs };
}

/** The function's template environment plus what the Lambda runtime sets itself. */
function lambdaEnv(fn: FunctionDef, vars: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    ...vars,
    AWS_REGION: PLACE.region,
    AWS_DEFAULT_REGION: PLACE.region,
    AWS_LAMBDA_FUNCTION_NAME: `redblack-dev-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
}

/**
 * Relative modules a minified ESM file imports statically (`from"./x"`, `import"./x"`), and with
 * `lazy` also those it imports on use (`import("./x")`).
 */
export function relativeImports(code: string, lazy = false): string[] {
  const pattern = lazy ? /(?:\bfrom|\bimport)\s*\(?\s*"(\.\.?\/[^"]+)"/g : /(?:\bfrom|\bimport)\s*"(\.\.?\/[^"]+)"/g;
  return [...code.matchAll(pattern)].map((m) => m[1] as string);
}

/** The handler module and every chunk reached from it by static imports: what module init loads. */
export function staticClosure(module: string, files: Map<string, Uint8Array>): Set<string> {
  const seen = new Set<string>();
  const todo = [module];
  for (let name = todo.pop(); name !== undefined; name = todo.pop()) {
    if (seen.has(name)) continue;
    const code = files.get(name);
    if (!code) throw new Error(`${module}: imports ${name}, which is not in its zip`);
    seen.add(name);
    for (const spec of relativeImports(Buffer.from(code).toString('utf8'))) todo.push(posix.join(posix.dirname(name), spec));
  }
  return seen;
}

/** The handler's own chunks (`<handler>.chunks/`) that init does not load: its lazy imports'. */
function lazyChunkBytes(module: string, files: Map<string, Uint8Array>, loaded: Set<string>): number {
  const chunks = `${module.replace(/\.mjs$/, '')}.chunks/`;
  let sum = 0;
  for (const [name, data] of files) if (name.startsWith(chunks) && name.endsWith('.mjs') && !loaded.has(name)) sum += data.byteLength;
  return sum;
}

type Outputs = esbuild.Metafile['outputs'];

/** A one-entry build's entry output and every output it imports statically (esbuild's metafile): what init loads. */
export function loadedAtInit(outputs: Outputs, name: string): { entry: string; loaded: Set<string> } {
  // The metafile names the entry relative to the working directory.
  const entry = Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined);
  if (!entry) throw new Error(`${name}: no entry point in esbuild's metafile`);
  const loaded = new Set<string>();
  const todo = [entry];
  for (let path = todo.pop(); path !== undefined; path = todo.pop()) {
    if (loaded.has(path)) continue;
    loaded.add(path);
    for (const i of outputs[path]?.imports ?? []) if (i.kind === 'import-statement' && outputs[i.path]) todo.push(i.path);
  }
  return { entry, loaded };
}

/** What makes the bundle big, by package (esbuild's metafile, same options as serverless.yml): the handler and its static chunks. */
async function dominatedBy(fn: FunctionDef, options: esbuild.BuildOptions): Promise<{ what: string; bytes: number }[]> {
  const result = await esbuild.build({ ...options, entryPoints: [fn.entry], outdir: join(tmpdir(), 'redblack-bench-meta', fn.name), outExtension: { '.js': '.mjs' }, write: false, metafile: true, logLevel: 'silent' });
  const outputs = result.metafile?.outputs ?? {};
  const { loaded } = loadedAtInit(outputs, fn.name);
  const byPackage = new Map<string, number>();
  for (const [path, v] of [...loaded].flatMap((out) => Object.entries(outputs[out]?.inputs ?? {}))) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? (path.startsWith('src/') || path.startsWith('functions/') ? 'redblack (src, functions)' : path);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + v.bytesInOutput);
  }
  return [...byPackage.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([what, bytes]) => ({ what, bytes }));
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** Wall time of a fresh `node` that imports nothing: the runtime's own start, on this machine now. */
function bareNodeMs(): number {
  const t0 = performance.now();
  spawnSync(process.execPath, ['--input-type=module', '-e', ''], { env: { PATH: process.env.PATH ?? '' } });
  return performance.now() - t0;
}

type Init = { initMs: number; initMinMs: number; initHeapMb: number; initRssMb: number };
type Sample = { ms: number; heap: number; rss: number };

/** Imports the bundle in a fresh process: its init time, and heap and RSS after it. */
function importOnce(file: string, env: Record<string, string>): Sample {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const ms=performance.now()-t;const m=process.memoryUsage();process.stdout.write(JSON.stringify({ms,heap:m.heapUsed,rss:m.rss}));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' })) as Sample;
}

function summarize(samples: Sample[]): Init {
  const MB = 1024 * 1024;
  return {
    initMs: round(median(samples.map((s) => s.ms)), 1),
    initMinMs: round(Math.min(...samples.map((s) => s.ms)), 1),
    initHeapMb: round(median(samples.map((s) => s.heap)) / MB, 1),
    initRssMb: round(median(samples.map((s) => s.rss)) / MB, 1),
  };
}
