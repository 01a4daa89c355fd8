import { createRequire } from 'node:module';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';
import { staticClosure } from '../../../tools/bench/lib/bundles.js';

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

describe('plan: S3 and EC2 load on use', () => {
  it('keeps @aws-sdk/client-s3 and client-ec2 out of what module init loads', async () => {
    const r = await esbuild.build({
      ...esbuildOptions,
      entryPoints: [join(ROOT, 'functions/plan.ts')],
      outdir: join(ROOT, '.bench-plan'),
      outExtension: { '.js': '.mjs' },
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = r.metafile.outputs;
    const entry = Object.keys(outputs).find((p) => outputs[p]?.entryPoint === 'functions/plan.ts') as string;
    const loaded = new Set<string>();
    const todo = [entry];
    for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
      if (loaded.has(p)) continue;
      loaded.add(p);
      for (const i of outputs[p]?.imports ?? []) if (i.kind === 'import-statement' && outputs[i.path]) todo.push(i.path);
    }
    const inputs = (paths: Iterable<string>): string[] => [...paths].flatMap((p) => Object.keys(outputs[p]?.inputs ?? {}));
    const atInit = inputs(loaded);
    const all = inputs(Object.keys(outputs));
    // Bundled, in a lazy chunk.
    expect(all.some((i) => i.includes('@aws-sdk/client-s3/'))).toBe(true);
    expect(all.some((i) => i.includes('@aws-sdk/client-ec2/'))).toBe(true);
    expect(atInit.some((i) => i.includes('@aws-sdk/client-s3/'))).toBe(false);
    expect(atInit.some((i) => i.includes('@aws-sdk/client-ec2/'))).toBe(false);
    expect(atInit.some((i) => i.includes('@aws-sdk/client-dynamodb/'))).toBe(true);
  }, 60_000);
});
