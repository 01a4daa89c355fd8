/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins:` takes a file like this).
 *
 * schema-keys: AWS SDK v3 clients describe every shape of the service in one module
 * (`dist-es/schemas/schemas_0.js`), whose objects use computed keys (`{ [_xN]: ... }`, `_xN` a
 * string constant). esbuild must assume a computed key may run code, so it keeps every shape:
 * the whole EC2 model (~550 KB minified) lands in any bundle that sends one EC2 command. Inlining
 * the constants as literal keys is the same object, and lets tree shaking drop unused shapes.
 *
 * lambda-env-credentials: the SDK's default credential chain, replaced by its first link (the
 * environment), which is where Lambda puts the function's credentials.
 */
/* global require, module */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- serverless-esbuild loads this file with require().
const { readFile } = require('node:fs/promises');

const schemaKeys = {
  name: 'sdk-schema-keys',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]dist-(es|cjs)[\\/]schemas[\\/]schemas_\d+\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const constants = new Map();
      for (const m of source.matchAll(/^const (_[A-Za-z0-9_$]+) = ("[^"\\]*");$/gm)) constants.set(m[1], m[2]);
      const contents = source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (all, name) => (constants.has(name) ? `${constants.get(name)}:` : all));
      return { contents, loader: 'js' };
    });
  },
};

/** Lambda bundles resolve credentials from the environment only: see lambda-credentials.mjs. */
const lambdaCredentials = {
  name: 'lambda-env-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({ path: require.resolve('./lambda-credentials.mjs') }));
  },
};

module.exports = [schemaKeys, lambdaCredentials];
