/**
 * The packaged template for tests. `.ci/run` runs `npm test` before `npm run package`, so the
 * tests package on their own when the template is missing or older than what it is built from.
 * Test files run in parallel forks: a lock directory makes one of them package and the others wait.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readTemplate, renamed, type Template } from '../../../tools/deploy/template.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TEMPLATE = join(ROOT, '.serverless/cloudformation-template-update-stack.json');
// Not in .serverless/: packaging empties that folder. node_modules is ignored by git.
const LOCK = join(ROOT, 'node_modules/.cache/redblack-packaging.lock');
const SOURCES = ['serverless.yml', 'package-lock.json', ...readdirSync(join(ROOT, 'statemachines')).map((f) => `statemachines/${f}`)];

/** The stage `npm run package` uses, and the one the embedded stack (local/stack.ts) uses. */
export const PACKAGED_STAGE = 'dev';
export const LOCAL_STAGE = 'local';

const mtime = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return -1;
  }
};

const fresh = (): boolean => mtime(TEMPLATE) >= Math.max(...SOURCES.map((s) => mtime(join(ROOT, s))));

// A synchronous sleep: the embedded cloud fakes timers while a session is open.
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Runs `npm run package` unless the template is up to date; returns the template. */
export function packagedTemplate(): Template {
  const deadline = Date.now() + 110_000;
  while (!fresh()) {
    try {
      mkdirSync(join(LOCK, '..'), { recursive: true });
      mkdirSync(LOCK);
    } catch {
      // Someone else is packaging (or crashed doing so: a lock older than two minutes is stale).
      if (Date.now() - mtime(LOCK) > 120_000) rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK}`);
      sleep(500);
      continue;
    }
    try {
      if (!fresh()) {
        // Offline and without credentials, as on a clean clone.
        const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
        execFileSync('npm', ['run', 'package', '--silent'], { cwd: ROOT, env, stdio: 'pipe', timeout: 100_000 });
      }
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
  return readTemplate(TEMPLATE);
}

/** The packaged template with the embedded stack's names (stage `local`), to compare with what ran there. */
export const asEmbedded = (template: Template): Template => renamed(template, `redblack-${PACKAGED_STAGE}`, `redblack-${LOCAL_STAGE}`);
