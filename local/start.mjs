/**
 * `npm start`: runs local/main.ts from one prebuilt esbuild bundle instead of transpiling every
 * TypeScript module (and resolving hundreds of files) on each start. The bundle is rebuilt when
 * any source it is made of is newer than it — so a fresh clone builds it on its first start and an
 * edit is picked up on the next. Plain JavaScript: node runs it without a loader.
 */
/* global URL */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// One level below the root, as local/ is: the bundle finds ../statemachines/ where main.ts does.
const OUT = join(ROOT, '.esbuild', 'local-main.mjs');
const SOURCES = ['local', 'sim', 'src', 'functions', 'statemachines'];

function newestSource() {
  let newest = Math.max(statSync(join(ROOT, 'package-lock.json')).mtimeMs, statSync(fileURLToPath(import.meta.url)).mtimeMs);
  for (const dir of SOURCES) {
    for (const entry of readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

if (!existsSync(OUT) || statSync(OUT).mtimeMs < newestSource()) {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: [join(ROOT, 'local', 'main.ts')],
    outfile: OUT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS dependencies inside an ESM bundle still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}
await import(pathToFileURL(OUT).href);
