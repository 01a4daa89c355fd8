import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { functionsOf, loadedAtInit, staticClosure } from '../../../tools/bench/lib/bundles.js';

const ROOT = join(import.meta.dirname, '../../..');
const { esbuildOptions } = createRequire(import.meta.url)('../../../tools/build/esbuild.config.cjs') as { esbuildOptions: esbuild.BuildOptions };
const file = (text: string): Uint8Array => Buffer.from(text);

describe('bundle size: the handler and the chunks it imports statically', () => {
  it('follows static imports, not import()', () => {
    const files = new Map([
      ['functions/plan.mjs', file('import{a as b}from"./chunks/chunk-A.mjs";import"./chunks/chunk-S.mjs";const s=()=>import("./chunks/s3-L.mjs");')],
      ['functions/chunks/chunk-A.mjs', file('import{c}from"./chunk-B.mjs";export const a=c;')],
      ['functions/chunks/chunk-B.mjs', file('export const c=1;')],
      ['functions/chunks/chunk-S.mjs', file('globalThis.x=1;')],
      ['functions/chunks/s3-L.mjs', file('import{c}from"./chunk-B.mjs";export const s=c;')],
    ]);
    expect([...staticClosure('functions/plan.mjs', files)].sort()).toEqual([
      'functions/chunks/chunk-A.mjs',
      'functions/chunks/chunk-B.mjs',
      'functions/chunks/chunk-S.mjs',
      'functions/plan.mjs',
    ]);
  });

  it('refuses a chunk missing from the zip', () => {
    const files = new Map([['functions/plan.mjs', file('import{a}from"./chunks/chunk-A.mjs";')]]);
    expect(() => staticClosure('functions/plan.mjs', files)).toThrow(/chunk-A\.mjs, which is not in its zip/);
  });
});

/** The inputs of what module init loads (the entry and its static chunks), and of every output. */
async function bundled(entry: string): Promise<{ atInit: string[]; all: string[]; chunks: string[] }> {
  const r = await esbuild.build({
    ...esbuildOptions,
    entryPoints: [join(ROOT, entry)],
    outdir: join(ROOT, '.bench-split'),
    outExtension: { '.js': '.mjs' },
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = r.metafile.outputs;
  const { entry: start, loaded } = loadedAtInit(outputs, entry);
  const inputs = (paths: Iterable<string>): string[] => [...paths].flatMap((p) => Object.keys(outputs[p]?.inputs ?? {}));
  return { atInit: inputs(loaded), all: inputs(Object.keys(outputs)), chunks: Object.keys(outputs).filter((p) => p !== start && p.endsWith('.mjs')) };
}

const has = (inputs: string[], pkg: string): boolean => inputs.some((i) => i.includes(`${pkg}/`));

describe("the SDK's own lazy imports sit in chunks that init never loads", () => {
  it('plan: bowser (browser user agents) is a chunk; its clients and its own code load at init', async () => {
    const { atInit, all, chunks } = await bundled('functions/plan.ts');
    // In plan's own folder, which serverless-esbuild keeps out of every other function's zip.
    expect(chunks.length).toBeGreaterThan(0);
    for (const c of chunks) expect(c).toMatch(/\.bench-split\/plan\.chunks\/[^/]+\.mjs$/);
    expect(has(all, 'bowser')).toBe(true);
    expect(has(atInit, 'bowser')).toBe(false);
    // redblack's own code loads eagerly: no import() of its modules, so the simulated path never waits on a load.
    for (const pkg of ['@aws-sdk/client-elastic-load-balancing-v2', '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge']) expect(has(atInit, pkg), pkg).toBe(true);
    expect(atInit.some((i) => i.endsWith('src/steps/plan.ts'))).toBe(true);
  }, 60_000);

  it('validate and plan: the input and config schemas, S3, SSM and EC2 reads are Validate\'s; Plan starts from what it checked', async () => {
    const validate = await bundled('functions/validate.ts');
    const plan = await bundled('functions/plan.ts');
    expect(has(validate.atInit, 'zod')).toBe(true);
    // The artifact check is a HEAD on the SDK's signer (src/aws/s3-head.ts), the configuration a
    // signed GetParameter (src/aws/ssm.ts), the image a signed DescribeImages (src/aws/ec2-query.ts).
    for (const pkg of ['@aws-sdk/client-s3', '@aws-sdk/client-ssm', '@aws-sdk/client-ec2']) expect(has(validate.all, pkg), pkg).toBe(false);
    for (const file of ['src/aws/s3-head.ts', 'src/aws/ssm.ts', 'src/aws/ec2-query.ts']) expect(validate.atInit.some((i) => i.endsWith(file)), file).toBe(true);
    for (const pkg of ['zod', '@aws-sdk/client-ec2', '@aws-sdk/client-s3']) expect(has(plan.all, pkg), pkg).toBe(false);
  }, 60_000);

  it('validateRollback and manualRollback: the request and config schemas and the SSM read are ValidateRollback\'s', async () => {
    const check = await bundled('functions/validate-rollback.ts');
    const manual = await bundled('functions/manual-rollback.ts');
    expect(has(check.atInit, 'zod')).toBe(true);
    expect(check.atInit.some((i) => i.endsWith('src/aws/ssm.ts'))).toBe(true);
    expect(has(manual.all, 'zod')).toBe(false);
    expect(manual.all.some((i) => i.endsWith('src/aws/ssm.ts'))).toBe(false);
  }, 60_000);

  it('no function carries the SSM client: the readers read parameters with signed requests', async () => {
    const readers = ['validate', 'plan', 'bake-image', 'swap-target-group', 'teardown', 'validate-rollback'];
    for (const file of readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts'))) {
      const fn = file.replace(/\.ts$/, '');
      const { atInit, all } = await bundled(`functions/${file}`);
      // GetParameter and GetParametersByPath are signed requests (src/aws/ssm.ts); the CLI's PutParameter keeps the client.
      expect(has(all, '@aws-sdk/client-ssm'), fn).toBe(false);
      expect(atInit.some((i) => i.endsWith('src/aws/ssm.ts')), fn).toBe(readers.includes(fn));
    }
  }, 240_000);

  it('finalize, recover, manual-rollback, teardown: schedules created and deleted without the Scheduler client', async () => {
    for (const fn of ['finalize', 'recover', 'manual-rollback', 'teardown']) {
      const { atInit, all } = await bundled(`functions/${fn}.ts`);
      // CreateSchedule and DeleteSchedule are signed requests (src/aws/scheduler.ts); the CLI's reads keep the client.
      expect(has(all, '@aws-sdk/client-scheduler'), fn).toBe(false);
      expect(atInit.some((i) => i.endsWith('src/aws/scheduler.ts')), fn).toBe(true);
    }
  }, 120_000);

  it('validate, verifyImage, teardown, rollback, recover: EC2 reads and deletes without the EC2 client', async () => {
    for (const fn of ['validate', 'verify-image', 'teardown', 'rollback', 'recover']) {
      const { atInit, all } = await bundled(`functions/${fn}.ts`);
      // EC2 Query requests on the SDK's signer (src/aws/ec2-query.ts); the steps that launch and bake keep the client.
      expect(has(all, '@aws-sdk/client-ec2'), fn).toBe(false);
      expect(atInit.some((i) => i.endsWith('src/aws/ec2-query.ts')), fn).toBe(true);
    }
  }, 120_000);

  it('rollback: the event-stream codecs (streaming operations, which it never sends) are a chunk', async () => {
    const { atInit, all } = await bundled('functions/rollback.ts');
    expect(all.some((i) => i.includes('event-streams/'))).toBe(true);
    expect(atInit.some((i) => i.includes('event-streams/'))).toBe(false);
    expect(has(atInit, '@aws-sdk/client-elastic-load-balancing-v2')).toBe(true);
  }, 60_000);
});

describe('every function within the size budget (issue #12)', () => {
  // Bytes are deterministic for a tree, unlike init times (those are `npm run bench`'s): a client
  // pulled back into a function fails here, not months later in a cold start.
  const BUDGET = 300 * 1024;
  it('each handler with its static chunks is at most 300 KB at init, as esbuild builds it for serverless-esbuild', async () => {
    const sizes: Record<string, number> = {};
    for (const fn of functionsOf()) {
      const r = await esbuild.build({ ...esbuildOptions, entryPoints: [fn.entry], outdir: join(ROOT, '.bench-split', `size-${fn.name}`), outExtension: { '.js': '.mjs' }, write: false, metafile: true, logLevel: 'silent' });
      const outputs = r.metafile.outputs;
      const { loaded } = loadedAtInit(outputs, fn.name);
      sizes[fn.name] = [...loaded].reduce((sum, o) => sum + (outputs[o]?.bytes ?? 0), 0);
    }
    expect(Object.keys(sizes).length).toBeGreaterThanOrEqual(17);
    expect(Object.entries(sizes).filter(([, bytes]) => bytes > BUDGET)).toEqual([]);
  }, 240_000);
});
