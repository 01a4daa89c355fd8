/**
 * The Lambda bundles' build settings, in one place: serverless-esbuild reads them through
 * `custom.esbuild.config` in serverless.yml, and `npm run bench` and the plugin tests build with
 * the same `esbuildOptions`.
 */
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- serverless-esbuild loads this file with require().
const plugins = require('./esbuild-plugins.cjs');

/** esbuild's own options for every function. */
const esbuildOptions = {
  bundle: true,
  minify: true,
  sourcemap: true,
  target: 'node22',
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(): an ESM bundle has to provide it.
  banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
  // Inlines the SDK schemas' computed keys so tree shaking drops the shapes a function never sends;
  // resolves credentials from the environment only.
  plugins,
};

/** serverless-esbuild's settings: esbuild's, plus its own. */
module.exports = () => ({
  ...esbuildOptions,
  outputFileExtension: '.mjs',
  // Bundled, not external: smaller and faster to init than the runtime's SDK copy.
  exclude: [],
});
module.exports.esbuildOptions = esbuildOptions;
