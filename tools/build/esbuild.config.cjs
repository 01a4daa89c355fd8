/**
 * The Lambda bundles' build settings, in one place: serverless-esbuild reads them through
 * `custom.esbuild.config` in serverless.yml, and `npm run bench` and the plugin tests build with
 * the same `esbuildOptions`.
 */
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- serverless-esbuild loads this file with require().
const plugins = require('./esbuild-plugins.cjs');

/**
 * Each function's chunks go to `<entry>.chunks/`: serverless-esbuild leaves a file out of a
 * function's zip when its path starts with another function's bundle name and a dot, so every zip
 * carries its own chunks and no other function's.
 */
function chunksBesideEntry() {
  return {
    name: 'chunks-beside-entry',
    setup(build) {
      const entries = build.initialOptions.entryPoints;
      const entry = Array.isArray(entries) && entries.length === 1 && typeof entries[0] === 'string' ? entries[0] : undefined;
      if (!entry || !build.initialOptions.splitting) return;
      const name = entry.replace(/^.*\//, '').replace(/\.[^.]+$/, '');
      build.initialOptions.chunkNames = `${name}.chunks/[name]-[hash]`;
    },
  };
}

/** esbuild's own options for every function. */
const esbuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'node22',
  format: 'esm',
  platform: 'node',
  // The SDK imports some modules with `await import()` on paths a Lambda function never takes
  // (bowser for browser user agents, event-stream codecs for streaming operations): split into
  // chunks zipped beside the handler, module init neither reads nor compiles them. redblack's own
  // code imports statically, so the simulated path never waits on a module load.
  splitting: true,
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(): an ESM bundle has to provide it.
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  // Inlines the SDK schemas' computed keys so tree shaking drops the shapes a function never sends;
  // resolves credentials from the environment only; leaves out SDK runtime code Lambda never runs.
  plugins: [...plugins, chunksBesideEntry()],
};

/** serverless-esbuild's settings: esbuild's, plus its own. */
module.exports = () => ({
  ...esbuildOptions,
  outputFileExtension: '.mjs',
  // Bundled, not external: smaller and faster to init than the runtime's SDK copy.
  exclude: [],
});
module.exports.esbuildOptions = esbuildOptions;
