/**
 * What `npm run package` ships loads: every function's zip holds its handler module, the chunks
 * it imports (statically or with import()) and no other function's, and each module imports in a
 * fresh Node process with a Lambda-like environment, exporting `handler`. Code splitting puts the
 * SDK's own lazy imports in `<handler>.chunks/`: a chunk missing from a zip would only fail in
 * Lambda, on the first call that needs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relativeImports, staticClosure } from '../../../tools/bench/lib/bundles.js';
import { unzip } from '../../../tools/bench/lib/unzip.js';
import { serverlessFunctions } from '../../../tools/deploy/serverless.js';
import type { Template } from '../../../tools/deploy/template.js';
import { packagedTemplate } from './packaged.js';

const ROOT = join(import.meta.dirname, '../../..');
let template: Template;
let dir: string;

beforeAll(() => {
  template = packagedTemplate();
  dir = mkdtempSync(join(tmpdir(), 'redblack-shipped-'));
  for (const { key } of serverlessFunctions()) {
    for (const [name, data] of unzip(join(ROOT, '.serverless', `${key}.zip`))) {
      mkdirSync(dirname(join(dir, key, name)), { recursive: true });
      writeFileSync(join(dir, key, name), data);
    }
  }
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The function's handler module in its zip (`functions/plan.mjs`), from the packaged template; undefined when the template lacks it. */
function handlerModule(key: string): string | undefined {
  const logicalId = Object.keys(template.Resources).find((id) => template.Resources[id]?.Type === 'AWS::Lambda::Function' && id.toLowerCase() === `${key}LambdaFunction`.toLowerCase());
  const handler = template.Resources[logicalId ?? '']?.Properties?.Handler as string | undefined;
  return handler === undefined ? undefined : `${handler.replace(/\.[^.]+$/, '')}.mjs`;
}

describe('the packaged Lambda artifacts', () => {
  const fns = serverlessFunctions();

  it.each(fns.map((f) => f.key))('%s: its zip holds its handler and its own chunks, every import resolved', (key) => {
    // Prepare
    const module = handlerModule(key) as string;
    expect(module, `${key} in the template`).toBeTypeOf('string');
    const files = unzip(join(ROOT, '.serverless', `${key}.zip`));

    // Act
    const code = [...files.keys()].filter((f) => f.endsWith('.mjs'));
    const unresolved = code.flatMap((f) => relativeImports(files.get(f)?.toString('utf8') ?? '', true).map((s) => posix.join(posix.dirname(f), s)).filter((p) => !files.has(p)));

    // Assess
    expect(files.has(module)).toBe(true);
    expect(() => staticClosure(module, files)).not.toThrow();
    expect(unresolved).toEqual([]);
    for (const f of code) if (f !== module) expect(f.startsWith(`${module.replace(/\.mjs$/, '')}.chunks/`), f).toBe(true);
  });

  it('every handler and chunk imports in a fresh Node process, and each handler is a function', () => {
    // Prepare: one process imports them all (each module is self-contained in its own folder).
    const modules = fns.flatMap((f) => {
      const module = handlerModule(f.key) as string;
      const chunks = [...unzip(join(ROOT, '.serverless', `${f.key}.zip`)).keys()].filter((n) => n.endsWith('.mjs') && n !== module);
      return [{ url: pathToFileURL(join(dir, f.key, module)).href, handler: true }, ...chunks.map((c) => ({ url: pathToFileURL(join(dir, f.key, c)).href, handler: false }))];
    });
    const script = `const out = []; for (const m of ${JSON.stringify(modules)}) { const mod = await import(m.url); if (m.handler && typeof mod.handler !== 'function') out.push(m.url); } console.log(JSON.stringify(out));`;

    // Act
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'example', POWERTOOLS_LOG_LEVEL: 'SILENT', AWS_LAMBDA_FUNCTION_NAME: 'redblack-dev-test' },
      timeout: 60_000,
    });

    // Assess
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(modules.filter((m) => m.handler)).toHaveLength(fns.length);
    expect(JSON.parse(r.stdout.trim())).toEqual([]);
  }, 60_000);
});
