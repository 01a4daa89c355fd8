/**
 * esbuild plugins for the Lambda bundles (serverless-esbuild `plugins:` takes a file like this).
 *
 * schema-keys: AWS SDK v3 clients describe every shape of the service in one module
 * (`dist-es/schemas/schemas_0.js`), whose objects use computed keys (`{ [_xN]: ... }`, `_xN` a
 * string constant). esbuild must assume a computed key may run code, so it keeps every shape:
 * the whole EC2 model (~550 KB minified) lands in any bundle that sends one EC2 command. Inlining
 * the constants as literal keys is the same object, and lets tree shaking drop unused shapes.
 *
 * The same onLoad drops the registration of each modelled error class (hundreds in SSM: ~50 KB
 * of a bundle with its error shapes). An error the registry does not know still arrives as the
 * service's base exception with `name` = the error code, `$fault`, `$metadata` and the message,
 * which is all redblack reads (it matches errors by `name`). Kept: errors whose wire code differs
 * from their name (awsQuery codes such as ELBv2's `TargetGroupNotFound`), so `name` stays what the
 * SDK documents, and classes the retry strategy reads (`$retryable`).
 *
 * sdk-package-version: each client reads its package.json for one field, the version in the
 * User-Agent; esbuild would inline the whole file (2-3 KB a client). It gets name and version.
 *
 * lambda-env-credentials: the SDK's default credential chain, replaced by its first link (the
 * environment), which is where Lambda puts the function's credentials.
 *
 * small-lru: mnemonist's LRU cache (the SDK's endpoint-discovery cache, built by DynamoDB's client
 * even when discovery is off) replaced by a Map-based class with the same methods.
 *
 * native-hashes: @smithy/core's Sha256Node and Crc32Node pick node:crypto's sha256 and zlib.crc32
 * when the runtime has them (Node 22 has both; zlib.crc32 since 20.15 and 22.2) and else fall back
 * to pure-JS classes (~3.8 KB of every bundle). The fallbacks become a class that throws, so a
 * runtime without them fails loudly instead of hashing slowly. Md5's fallback is kept: a FIPS-mode
 * OpenSSL refuses md5, and a Node built that way does run it.
 *
 * no-imds-region: the region from the EC2 instance metadata service (IMDS), asked in two places
 * only: the region's last default (no `region` option, no AWS_REGION, none in a profile) and
 * defaults mode "auto" when AWS_EXECUTION_ENV or AWS_REGION is unset. Lambda sets both in every
 * function, so neither asks; and Lambda has no IMDS, where the lookup ends in `undefined` after a
 * failed request. The module becomes that answer, at once (~1.2 KB of every bundle).
 *
 * node-streams-only: @smithy/core's Node stream helpers import their browser twins by path (no
 * package condition picks them) to also take a web ReadableStream or Blob: sdkStreamMixin, which
 * wraps a streaming output member's body, and streamCollector, which reads a response body that is
 * not bytes already. In a Lambda bundle every body comes from NodeHttpHandler, an
 * http.IncomingMessage (a Node Readable), and no operation redblack's functions call streams its
 * output. The twins become stand-ins that refuse a web stream (~2.2 KB where a REST client is
 * bundled, ~0.2 KB elsewhere).
 *
 * no-shared-config-files: every client setting not in the environment (retry mode, max attempts,
 * FIPS, dual-stack, defaults mode, app id...) is next looked up in the shared config files,
 * ~/.aws/config and ~/.aws/credentials or AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE. A
 * function has neither: Lambda's file system is read-only outside /tmp, and serverless.yml sets
 * none of those variables nor HOME (test/tools/build/sdk-trims.test.ts checks it). A missing file
 * reads as empty, which is what the loader now returns without looking (~1.9 KB of every bundle:
 * the INI parser, the home-directory and file-path lookups).
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
      const literal = source.replace(/\[(_[A-Za-z0-9_$]+)\]:/g, (all, name) => (constants.has(name) ? `${constants.get(name)}:` : all));
      const errors = await readFile(args.path.replace(/schemas[\\/]schemas_\d+\.js$/, 'models/errors.js'), 'utf8').catch(() => '');
      return { contents: dropErrorRegistrations(literal, errors), loader: 'js' };
    });
  },
};

/**
 * The schema module without the modelled error classes (see above): an error whose wire code is
 * its name needs no registration at all; one whose wire code differs keeps its shape, registered
 * with a two-line class of the same name on the service's base exception. `$retryable` classes stay.
 */
function dropErrorRegistrations(source, errorsModule) {
  const baseImport = /^import \{ (\w+ServiceException) \} from "\.\.\/models\/\w+";$/m.exec(source);
  const base = baseImport?.[1];
  if (!base) return source;
  const retryable = new Set();
  for (const m of errorsModule.matchAll(/^export class (\w+) extends [\s\S]*?^}/gm)) if (m[0].includes('$retryable')) retryable.add(m[1]);
  let named = false;
  const out = source.replace(/^(\w+)_registry\.registerError\((\w+)\$, (\w+)\);\n/gm, (line, registry, shape, cls) => {
    if (registry === '_s' || retryable.has(cls)) return line;
    const def = new RegExp(`^export var ${shape}\\$ = \\[-3, \\w+, (?:\\w+|"[^"]*"),\\s*\\{([^}]*)\\}`, 'm').exec(source);
    if (!def) return line;
    const wire = /"awsQueryError":\s*\[`([^`]+)`/.exec(def[1])?.[1];
    if (wire === undefined || wire === cls) return '';
    named = true;
    return `${registry}_registry.registerError(${shape}$, __redblackNamedError(${JSON.stringify(cls)}));\n`;
  });
  if (!named) return out;
  // What the generated classes did in their constructors: name the error, keep its prototype.
  const factory = `const __redblackNamedError = (name) => { const C = class extends ${base} { constructor(o) { super({ ...o, name }); Object.setPrototypeOf(this, C.prototype); } }; Object.defineProperty(C, "name", { value: name }); return C; };\n`;
  // Before the first registration that uses it (the base class import above it is hoisted).
  const at = out.indexOf(baseImport[0]) + baseImport[0].length + 1;
  return `${out.slice(0, at)}${factory}${out.slice(at)}`;
}

const packageVersion = {
  name: 'sdk-package-version',
  setup(build) {
    build.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[^\\/]+[\\/]package\.json$/ }, async (args) => {
      const { name, version } = JSON.parse(await readFile(args.path, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
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

/** The endpoint cache's LRU map from a small Map-based class: see small-lru.mjs. */
const smallLru = {
  name: 'small-lru',
  setup(build) {
    build.onResolve({ filter: /^mnemonist\/lru-cache(\.js)?$/ }, () => ({ path: require.resolve('./small-lru.mjs') }));
  },
};

/**
 * A plugin that edits one SDK module's source: each `[text, replacement]` of `edits` must be in
 * the module, so a trim that no longer matches (the SDK moved the code) fails the build instead of
 * quietly keeping the bytes.
 */
function editModule(name, filter, edits) {
  return {
    name,
    setup(build) {
      build.onLoad({ filter }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        for (const [text, replacement] of edits) {
          if (!source.includes(text)) throw new Error(`${name}: ${args.path} no longer contains ${JSON.stringify(text)}`);
          source = source.replace(text, replacement);
        }
        return { contents: source, loader: 'js' };
      });
    },
  };
}

/** A class that cannot be built, in place of a pure-JS fallback (see native-hashes above). */
const noFallback = (cls, what) => `const ${cls} = class { constructor() { throw new Error(${JSON.stringify(`no ${what} (no JS fallback in this bundle)`)}); } };`;

const nativeHashes = [
  editModule('native-sha256', /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]sha256[\\/]Sha256Node\.js$/, [
    ['import { Sha256Js } from "./Sha256Js";', noFallback('Sha256Js', 'node:crypto sha256')],
  ]),
  editModule('native-crc32', /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]checksum[\\/]crc32[\\/]Crc32Node\.js$/, [
    ['import { Crc32Js } from "./Crc32Js";', noFallback('Crc32Js', 'zlib.crc32')],
  ]),
];

const noImdsRegion = {
  name: 'no-imds-region',
  setup(build) {
    build.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]config[\\/]config-resolver[\\/]regionConfig[\\/]getInstanceMetadataRegion\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('export const getInstanceMetadataRegion = async () =>')) throw new Error(`no-imds-region: ${args.path} no longer exports getInstanceMetadataRegion`);
      return { contents: 'export const getInstanceMetadataRegion = async () => undefined;', loader: 'js' };
    });
  },
};

const webStream = 'a web stream body (the Lambda bundle reads Node streams only)';
const nodeStreamsOnly = [
  editModule('node-streams-only-mixin', /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]serde[\\/]util-stream[\\/]sdk-stream-mixin\.js$/, [
    // sdkStreamMixin catches this and throws its own "Unexpected stream implementation" error.
    ['import { sdkStreamMixin as sdkStreamMixinReadableStream } from "./sdk-stream-mixin.browser";', `const sdkStreamMixinReadableStream = () => { throw new Error(${JSON.stringify(webStream)}); };`],
  ]),
  editModule('node-streams-only-collector', /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]serde[\\/]util-stream[\\/]stream-collector\.js$/, [
    ['import { collectBlob, collectReadableStream } from "./stream-collector.browser";', `const collectBlob = async () => { throw new Error(${JSON.stringify(webStream)}); }, collectReadableStream = collectBlob;`],
  ]),
];

const noSharedConfigFiles = {
  name: 'no-shared-config-files',
  setup(build) {
    build.onLoad({ filter: /[\\/]@smithy[\\/]core[\\/]dist-es[\\/]submodules[\\/]config[\\/]shared-ini-file-loader[\\/]loadSharedConfigFiles\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const exports = [...source.matchAll(/^export (?:const (\w+)|\{ (\w+) \} from "\.\/constants")/gm)].map((m) => m[1] ?? m[2]);
      if (exports.join() !== 'CONFIG_PREFIX_SEPARATOR,loadSharedConfigFiles') throw new Error(`no-shared-config-files: ${args.path} exports ${exports.join()}`);
      // What the loader returns when neither file exists (each read's error is swallowed into {}).
      return { contents: 'export { CONFIG_PREFIX_SEPARATOR } from "./constants";\nexport const loadSharedConfigFiles = async () => ({ configFile: {}, credentialsFile: {} });', loader: 'js' };
    });
  },
};

module.exports = [schemaKeys, packageVersion, lambdaCredentials, smallLru, ...nativeHashes, noImdsRegion, ...nodeStreamsOnly, noSharedConfigFiles];
