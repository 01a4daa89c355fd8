#!/usr/bin/env node
// `npx redblack …` from a clone: runs src/cli/bin.ts as one esbuild bundle (dependencies stay in
// node_modules), rebuilt only when a source file is newer than it. No TypeScript loader at run
// time: `--help` answers in ~0.2 s instead of ~0.6 s through tsx (README "The redblack command").
import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'node_modules', '.cache', 'redblack-cli');
const entry = join(outdir, 'bin.mjs');

const newest = (dir) => {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
};
const mtime = (p) => {
  try {
    return statSync(p).mtimeMs;
  } catch {
    return -1;
  }
};

if (mtime(entry) < Math.max(newest(join(root, 'src')), mtime(join(root, 'package-lock.json')))) {
  const { build } = await import('esbuild');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(root, 'src', 'cli', 'bin.ts')],
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
}
await import(pathToFileURL(entry).href);
