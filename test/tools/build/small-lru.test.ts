/**
 * The small-lru build plugin: the Map-based LRU behaves as mnemonist's for every method the SDK's
 * endpoint cache calls (fast-check drives both with the same operations), and the Lambda bundles
 * no longer carry mnemonist.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import SmallLRU from '../../../tools/build/small-lru.mjs';

const ROOT = join(import.meta.dirname, '../../..');
// What the SDK's endpoint cache imports (mnemonist comes with @aws-sdk/endpoint-cache).
type Lru = InstanceType<typeof SmallLRU<number, number>>;
const MnemonistLRU = createRequire(import.meta.url)('mnemonist/lru-cache.js') as new (capacity: number) => Lru;
const { esbuildOptions } = createRequire(import.meta.url)('../../../tools/build/esbuild.config.cjs') as { esbuildOptions: esbuild.BuildOptions };

type Op = { op: 'get' | 'peek' | 'has'; key: number } | { op: 'set'; key: number; value: number } | { op: 'clear' };
// Reads and writes often, a clear now and then (it resets what the others build up).
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'peek' as const, 'has' as const), key: fc.integer({ min: 0, max: 4 }) }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('set' as const), key: fc.integer({ min: 0, max: 4 }), value: fc.integer() }), weight: 6 },
  { arbitrary: fc.record({ op: fc.constant('clear' as const) }), weight: 1 },
);

describe('small-lru', () => {
  it('answers every get, peek, has, set and clear as mnemonist does', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(op, { minLength: 10, maxLength: 60 }), (capacity, ops) => {
        // Prepare
        const a = new MnemonistLRU(capacity);
        const b = new SmallLRU<number, number>(capacity);
        for (const o of ops) {
          // Act
          const run = (c: Lru) => (o.op === 'set' ? (c.set(o.key, o.value), undefined) : o.op === 'clear' ? c.clear() : c[o.op](o.key));
          // Assess
          expect(run(b)).toEqual(run(a));
          expect(b.size).toBe(a.size);
          // has() leaves recency alone in both: every key's membership shows any eviction that differs.
          for (let k = 0; k <= 4; k++) expect(b.has(k)).toBe(a.has(k));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('evicts the least recently used key (get refreshes, peek does not)', () => {
    // Prepare
    const c = new SmallLRU(2);
    c.set('a', 1).set('b', 2);
    // Act
    c.get('a');
    c.peek('b');
    c.set('c', 3);
    // Assess
    expect([c.has('a'), c.has('b'), c.has('c')]).toEqual([true, false, true]);
  });

  it('refuses a capacity that is not positive', () => {
    expect(() => new SmallLRU(0)).toThrow(/capacity must be a positive number/);
  });

  it('a DynamoDB function bundles it instead of mnemonist', async () => {
    // Act
    const r = await esbuild.build({ ...esbuildOptions, entryPoints: [join(ROOT, 'functions/finalize.ts')], outdir: join(ROOT, '.lru-check'), write: false, metafile: true, logLevel: 'silent' });
    const inputs = Object.keys(r.metafile.inputs);
    // Assess
    expect(inputs.some((i) => i.includes('@aws-sdk/endpoint-cache'))).toBe(true);
    expect(inputs.some((i) => i.includes('node_modules/mnemonist'))).toBe(false);
    expect(inputs.some((i) => i.endsWith('tools/build/small-lru.mjs'))).toBe(true);
  }, 60_000);

  it('a bundled DynamoDB client built with it sends a request and reads the answer', async () => {
    // Prepare: the client as a Lambda bundle, a local endpoint that answers GetItem
    const r = await esbuild.build({
      ...esbuildOptions,
      stdin: { contents: "export { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';", resolveDir: ROOT, loader: 'ts' },
      outfile: join(ROOT, 'ddb.mjs'),
      splitting: false,
      sourcemap: false,
      write: false,
      logLevel: 'silent',
    });
    const dir = mkdtempSync(join(tmpdir(), 'small-lru-'));
    writeFileSync(join(dir, 'ddb.mjs'), r.outputFiles?.[0]?.text ?? '');
    const sdk = (await import(pathToFileURL(join(dir, 'ddb.mjs')).href)) as typeof import('@aws-sdk/client-dynamodb');
    const targets: string[] = [];
    const server = createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target']));
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify({ Item: { pk: { S: 'web-prod' } } }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const client = new sdk.DynamoDBClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'example' } });
      // Act
      const out = await client.send(new sdk.GetItemCommand({ TableName: 'ledger', Key: { pk: { S: 'web-prod' } } }));
      // Assess
      expect(out.Item).toEqual({ pk: { S: 'web-prod' } });
      expect(targets).toEqual(['DynamoDB_20120810.GetItem']);
      expect(r.outputFiles?.[0]?.text).not.toContain('mnemonist');
    } finally {
      server.close();
    }
  }, 60_000);
});
