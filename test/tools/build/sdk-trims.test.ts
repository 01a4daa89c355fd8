/**
 * The build plugins that trim the SDK runtime of code a Lambda function never runs (see
 * tools/build/esbuild-plugins.cjs): each keeps what the bundle does, and drops its bytes.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import * as esbuild from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { loadedAtInit } from '../../../tools/bench/lib/bundles.js';

const ROOT = join(import.meta.dirname, '../../..');
const { esbuildOptions } = createRequire(import.meta.url)('../../../tools/build/esbuild.config.cjs') as { esbuildOptions: esbuild.BuildOptions };
const PLUGINS = esbuildOptions.plugins ?? [];

/** The Lambda build's plugins without those named. */
const without = (...names: string[]) => PLUGINS.filter((p) => !names.includes(p.name));

/** `contents` bundled into one module as a function is, and imported from a temporary folder. */
async function load<T>(contents: string, plugins = PLUGINS): Promise<{ mod: T; code: string }> {
  const r = await esbuild.build({
    ...esbuildOptions,
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    outfile: join(ROOT, 'trim.mjs'),
    splitting: false,
    sourcemap: false,
    write: false,
    plugins,
    logLevel: 'silent',
  });
  const code = r.outputFiles?.[0]?.text ?? '';
  const dir = mkdtempSync(join(tmpdir(), 'sdk-trims-'));
  writeFileSync(join(dir, 'trim.mjs'), code);
  return { mod: (await import(pathToFileURL(join(dir, 'trim.mjs')).href)) as T, code };
}

/** The bytes each input file puts in what a function's init loads (handler and static chunks), built with `plugins`. */
async function initBytes(fn: string, plugins = PLUGINS): Promise<Map<string, number>> {
  const r = await esbuild.build({ ...esbuildOptions, plugins, entryPoints: [join(ROOT, `functions/${fn}.ts`)], outdir: join(ROOT, '.trim-check'), outExtension: { '.js': '.mjs' }, write: false, metafile: true, logLevel: 'silent' });
  const bytes = new Map<string, number>();
  for (const out of loadedAtInit(r.metafile.outputs, fn).loaded) {
    for (const [path, v] of Object.entries(r.metafile.outputs[out]?.inputs ?? {})) if (v.bytesInOutput > 0) bytes.set(path, (bytes.get(path) ?? 0) + v.bytesInOutput);
  }
  return bytes;
}

const total = (bytes: Map<string, number>) => [...bytes.values()].reduce((a, b) => a + b, 0);
const has = (bytes: Map<string, number>, file: string) => [...bytes.keys()].some((p) => p.endsWith(file));

type Hash = { update(data: Uint8Array | string): void; digest(): Promise<Uint8Array> };
type HashClass = new (secret?: Uint8Array | string) => Hash;

describe('native-hashes', () => {
  it('hashes, HMACs and CRCs as node:crypto and zlib do, in the trimmed bundle', async () => {
    // Prepare
    const { mod } = await load<{ Sha256Node: HashClass; Crc32Node: new () => Hash & { digestSync(): number } }>("export { Sha256Node, Crc32Node } from '@smithy/core/checksum';");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.option(fc.uint8Array({ minLength: 1, maxLength: 80 }), { nil: undefined }), async (data, secret) => {
        // Act
        const sha = new mod.Sha256Node(secret);
        sha.update(data);
        const crc = new mod.Crc32Node();
        crc.update(data);
        // Assess
        const want = secret ? createHmac('sha256', secret).update(data).digest() : createHash('sha256').update(data).digest();
        expect(Buffer.from(await sha.digest())).toEqual(want);
        expect(crc.digestSync()).toBe(zlib.crc32(data));
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it('signs a request as the untrimmed bundle does', async () => {
    // Prepare: a client in each bundle, answering in process and keeping the signed headers
    const entry = "export { SFNClient, ListStateMachinesCommand } from '@aws-sdk/client-sfn';";
    type Sfn = typeof import('@aws-sdk/client-sfn');
    const [plain, trimmed] = await Promise.all([load<Sfn>(entry, without('native-sha256', 'native-crc32')), load<Sfn>(entry)]);
    const signed = async (sdk: Sfn) => {
      const c = new sdk.SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, systemClockOffset: 0 });
      let headers: Record<string, string> = {};
      c.middlewareStack.add(
        () => async (args: any) => {
          headers = args.request.headers;
          return { response: { statusCode: 200, headers: {}, body: new TextEncoder().encode('{}') }, output: { $metadata: {} } };
        },
        { step: 'finalizeRequest', priority: 'low', name: 'capture' },
      );
      await c.send(new sdk.ListStateMachinesCommand({ maxResults: 5 }));
      return headers;
    };
    // The same clock and invocation id for both (both are signed)
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-30T12:00:00Z') });
    const uuid = vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue('00000000-0000-4000-8000-000000000000');
    try {
      // Act
      const [a, b] = [await signed(plain.mod), await signed(trimmed.mod)];
      // Assess
      expect(b).toEqual(a);
      expect(b.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261130\/us-east-1\/states\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/);
    } finally {
      uuid.mockRestore();
      vi.useRealTimers();
    }
    // SHA-256's first round constant, in the pure-JS class only
    expect(plain.code).toMatch(/1116352408|0x428a2f98/i);
    expect(trimmed.code).not.toMatch(/1116352408|0x428a2f98/i);
  }, 60_000);

  it('leaves the pure-JS SHA-256 and CRC-32 out of every function', async () => {
    // Act
    const [plain, trimmed] = await Promise.all([initBytes('rollback', without('native-sha256', 'native-crc32')), initBytes('rollback')]);
    // Assess
    expect(has(plain, 'sha256/Sha256Js.js') && has(plain, 'crc32/Crc32Js.js')).toBe(true);
    expect(has(trimmed, 'sha256/Sha256Js.js') || has(trimmed, 'crc32/Crc32Js.js')).toBe(false);
    expect(has(trimmed, 'sha256/Sha256Node.js')).toBe(true);
    expect(total(plain) - total(trimmed)).toBeGreaterThan(3_000);
  }, 60_000);
});

/** Runs `body` with these environment variables set (undefined: unset), and puts them back. */
async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k];
      else process.env[k] = x;
    }
  };
  put(vars);
  try {
    return await body();
  } finally {
    put(saved);
  }
}

describe('no-imds-region', () => {
  type Sfn = { SFNClient: new (config: object) => { config: { region(): Promise<string>; defaultsMode(): Promise<string> } } };
  const entry = "export { SFNClient } from '@aws-sdk/client-sfn';";
  /** A stand-in instance metadata service that counts its requests and answers with a region `ap-south-1`. */
  async function imds(status = 200) {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(status).end(req.method === 'PUT' ? 'token' : 'ap-south-1');
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return { seen, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
  }
  // No shared config files: a developer's ~/.aws/config must not answer for the test.
  const noFiles = { AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials', AWS_PROFILE: undefined, AWS_EC2_METADATA_DISABLED: undefined, AWS_DEFAULT_REGION: undefined };

  it('resolves the region and defaults mode as the untrimmed bundle does, and neither asks IMDS, in a Lambda environment', async () => {
    // Prepare: Lambda's variables, defaults mode "auto" (the one mode that may ask IMDS)
    const [plain, trimmed] = await Promise.all([load<Sfn>(entry, without('no-imds-region')), load<Sfn>(entry)]);
    const server = await imds();
    try {
      const env = { ...noFiles, AWS_REGION: 'eu-west-3', AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', AWS_DEFAULTS_MODE: 'auto', AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url };
      // Act
      const [a, b] = await withEnv(env, () =>
        Promise.all([plain, trimmed].map(async ({ mod }) => {
          const c = new mod.SFNClient({});
          return { region: await c.config.region(), mode: await c.config.defaultsMode() };
        })),
      );
      // Assess
      expect(a).toEqual({ region: 'eu-west-3', mode: 'in-region' });
      expect(b).toEqual(a);
      expect(server.seen).toEqual([]);
    } finally {
      server.close();
    }
  }, 60_000);

  it('where IMDS would be asked but does not answer (as in Lambda), ends as the untrimmed bundle does', async () => {
    // Prepare: an IMDS that answers 404
    const [plain, trimmed] = await Promise.all([load<Sfn>(entry, without('no-imds-region')), load<Sfn>(entry)]);
    const server = await imds(404);
    try {
      const base = { ...noFiles, AWS_EXECUTION_ENV: undefined, AWS_EC2_METADATA_SERVICE_ENDPOINT: server.url };
      // Act: no region anywhere; and defaults mode "auto" outside Lambda
      const missing = await withEnv({ ...base, AWS_REGION: undefined, AWS_DEFAULTS_MODE: undefined }, () =>
        Promise.all([plain, trimmed].map(({ mod }) => new mod.SFNClient({}).config.region().catch((e: Error) => e.message))),
      );
      const asked = server.seen.length;
      // A fresh untrimmed module: the first keeps IMDS's failure for a minute and would not ask again.
      const fresh = await load<Sfn>(entry, without('no-imds-region'));
      const modes = await withEnv({ ...base, AWS_REGION: 'eu-west-3', AWS_DEFAULTS_MODE: 'auto' }, () =>
        Promise.all([fresh, trimmed].map(({ mod }) => new mod.SFNClient({}).config.defaultsMode())),
      );
      // Assess: the untrimmed bundle asked IMDS both times and got nothing; the trimmed one did not ask
      expect(missing).toEqual(['Region is missing', 'Region is missing']);
      expect(modes).toEqual(['standard', 'standard']);
      expect(asked).toBeGreaterThan(0);
      expect(server.seen.length).toBeGreaterThan(asked);
    } finally {
      server.close();
    }
  }, 60_000);

  it('leaves the IMDS client out of every function', async () => {
    // Act
    const [plain, trimmed] = await Promise.all([initBytes('rollback', without('no-imds-region')), initBytes('rollback')]);
    // Assess
    const imdsBytes = (b: Map<string, number>) => [...b].find(([p]) => p.endsWith('regionConfig/getInstanceMetadataRegion.js'))?.[1] ?? 0;
    expect(imdsBytes(plain)).toBeGreaterThan(1_000);
    expect(imdsBytes(trimmed)).toBeLessThan(50);
    expect(total(plain) - total(trimmed)).toBeGreaterThan(1_000);
  }, 60_000);
});

describe('node-streams-only', () => {
  const PLUGIN_NAMES = ['node-streams-only-mixin', 'node-streams-only-collector'];

  it('a bundled REST client reads answers and errors from NodeHttpHandler as the untrimmed bundle does', async () => {
    // Prepare: Scheduler (REST-JSON, the protocol that wraps streams) both ways, against a local endpoint
    const entry = "export { SchedulerClient, GetScheduleCommand } from '@aws-sdk/client-scheduler';";
    type Scheduler = typeof import('@aws-sdk/client-scheduler');
    const [plain, trimmed] = await Promise.all([load<Scheduler>(entry, without(...PLUGIN_NAMES)), load<Scheduler>(entry)]);
    const server = createServer((req, res) => {
      if (req.url?.includes('missing')) res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' }).end(JSON.stringify({ Message: 'no such schedule' }));
      else res.writeHead(200, { 'content-type': 'application/json', 'x-amzn-requestid': 'r1' }).end(JSON.stringify({ Name: 'rb-web', State: 'ENABLED', ScheduleExpression: 'at(2026-12-01T00:00:00)', CreationDate: 1764547200 }));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const ask = async (sdk: Scheduler, name: string) => {
        const c = new sdk.SchedulerClient({ region: 'us-east-1', endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
        try {
          const { $metadata, ...out } = await c.send(new sdk.GetScheduleCommand({ Name: name }));
          return { out, status: $metadata.httpStatusCode };
        } catch (e) {
          const err = e as { name: string; message: string; $fault: string; $metadata: { httpStatusCode: number } };
          return { error: err.name, message: err.message, fault: err.$fault, status: err.$metadata.httpStatusCode };
        } finally {
          c.destroy();
        }
      };
      for (const name of ['rb-web', 'missing']) {
        // Act
        const [a, b] = [await ask(plain.mod, name), await ask(trimmed.mod, name)];
        // Assess
        expect(b).toEqual(a);
      }
      expect(await ask(trimmed.mod, 'rb-web')).toMatchObject({ out: { Name: 'rb-web', State: 'ENABLED' }, status: 200 });
      expect(await ask(trimmed.mod, 'missing')).toMatchObject({ error: 'ResourceNotFoundException', message: 'no such schedule', status: 404 });
    } finally {
      server.close();
    }
  }, 60_000);

  it('wraps and collects a Node stream as before, and refuses a web stream', async () => {
    // Prepare
    const entry = "export { sdkStreamMixin, streamCollector } from '@smithy/core/serde';";
    type Serde = { sdkStreamMixin(s: unknown): { transformToString(enc?: string): Promise<string>; transformToByteArray(): Promise<Uint8Array> }; streamCollector(s: unknown): Promise<Uint8Array> };
    const [plain, trimmed] = await Promise.all([load<Serde>(entry, without(...PLUGIN_NAMES)), load<Serde>(entry)]);
    const { Readable } = await import('node:stream');
    const node = () => Readable.from([Buffer.from('red'), Buffer.from('black')]);
    const web = () => new Blob(['red', 'black']).stream();
    for (const { mod } of [plain, trimmed]) {
      // Act + Assess: Node streams, as NodeHttpHandler's bodies are
      expect(await mod.sdkStreamMixin(node()).transformToString()).toBe('redblack');
      expect(await mod.sdkStreamMixin(node()).transformToString('base64')).toBe(Buffer.from('redblack').toString('base64'));
      expect(Buffer.from(await mod.streamCollector(node())).toString()).toBe('redblack');
      expect(() => mod.sdkStreamMixin({})).toThrow(/Unexpected stream implementation, expect Stream.Readable instance, got Object/);
    }
    // Web streams: the untrimmed bundle reads them, the trimmed one says it does not
    expect(await plain.mod.sdkStreamMixin(web()).transformToString()).toBe('redblack');
    expect(() => trimmed.mod.sdkStreamMixin(web())).toThrow(/Unexpected stream implementation/);
    await expect(trimmed.mod.streamCollector(web())).rejects.toThrow(/web stream body/);
    await expect(trimmed.mod.streamCollector(new Blob(['x']))).rejects.toThrow(/web stream body/);
  }, 60_000);

  it('leaves the browser stream helpers out of every function', async () => {
    // Act: finalize (no REST client since its schedules are signed calls) and the largest, teardown
    const [plain, trimmed, teardown] = await Promise.all([initBytes('finalize', without(...PLUGIN_NAMES)), initBytes('finalize'), initBytes('teardown')]);
    // Assess: the untrimmed bundle has the twins (the stream collector's in every function), the trimmed ones none
    const browser = (b: Map<string, number>) => [...b.keys()].filter((p) => /@smithy\/core\/.*\.browser\.js$/.test(p));
    expect(browser(plain).length).toBeGreaterThan(0);
    expect(browser(trimmed)).toEqual([]);
    expect(browser(teardown)).toEqual([]);
    expect(total(plain)).toBeGreaterThan(total(trimmed));
  }, 60_000);
});

describe('no-shared-config-files', () => {
  type Config = { maxAttempts(): Promise<number>; retryMode(): Promise<string>; useFipsEndpoint(): Promise<boolean>; useDualstackEndpoint(): Promise<boolean>; defaultsMode(): Promise<string>; userAgentAppId(): Promise<string | undefined>; region(): Promise<string> };
  type Sfn = { SFNClient: new (config: object) => { config: Config } };
  const entry = "export { SFNClient } from '@aws-sdk/client-sfn';";
  const settings = async (mod: Sfn) => {
    const c = new mod.SFNClient({}).config;
    return { maxAttempts: await c.maxAttempts(), retryMode: await c.retryMode(), fips: await c.useFipsEndpoint(), dualstack: await c.useDualstackEndpoint(), mode: await c.defaultsMode(), appId: await c.userAgentAppId(), region: await c.region() };
  };
  const unset = { AWS_MAX_ATTEMPTS: undefined, AWS_RETRY_MODE: undefined, AWS_USE_FIPS_ENDPOINT: undefined, AWS_USE_DUALSTACK_ENDPOINT: undefined, AWS_DEFAULTS_MODE: undefined, AWS_SDK_UA_APP_ID: undefined, AWS_PROFILE: undefined, AWS_REGION: 'eu-west-3' };

  it('resolves every client setting as the untrimmed bundle does when there are no config files, as in Lambda', async () => {
    // Prepare
    const [plain, trimmed] = await Promise.all([load<Sfn>(entry, without('no-shared-config-files')), load<Sfn>(entry)]);
    const noFiles = { ...unset, AWS_CONFIG_FILE: '/nonexistent/config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials' };
    // Act
    const [a, b] = await withEnv(noFiles, () => Promise.all([settings(plain.mod), settings(trimmed.mod)]));
    const fromEnv = await withEnv({ ...noFiles, AWS_MAX_ATTEMPTS: '5', AWS_RETRY_MODE: 'adaptive', AWS_USE_FIPS_ENDPOINT: 'true' }, () => settings(trimmed.mod));
    // Assess
    expect(a).toEqual({ maxAttempts: 3, retryMode: 'standard', fips: false, dualstack: false, mode: 'legacy', appId: undefined, region: 'eu-west-3' });
    expect(b).toEqual(a);
    expect(fromEnv).toMatchObject({ maxAttempts: 5, retryMode: 'adaptive', fips: true });
  }, 60_000);

  it('no longer reads a config file (none exists in a function)', async () => {
    // Prepare: a config file that would change the retries
    const [plain, trimmed] = await Promise.all([load<Sfn>(entry, without('no-shared-config-files')), load<Sfn>(entry)]);
    const dir = mkdtempSync(join(tmpdir(), 'sdk-config-'));
    writeFileSync(join(dir, 'config'), '[default]\nmax_attempts = 7\n');
    // Act
    const [a, b] = await withEnv({ ...unset, AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') }, () => Promise.all([settings(plain.mod), settings(trimmed.mod)]));
    // Assess
    expect([a.maxAttempts, b.maxAttempts]).toEqual([7, 3]);
  }, 60_000);

  it('serverless.yml points no function at a config file or another home', () => {
    // Assess: the variables that would make a function read one
    expect(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')).not.toMatch(/^\s*(AWS_CONFIG_FILE|AWS_SHARED_CREDENTIALS_FILE|AWS_PROFILE|HOME)\s*:/m);
  });

  it('leaves the INI parser and file lookups out of every function', async () => {
    // Act
    const [plain, trimmed] = await Promise.all([initBytes('rollback', without('no-shared-config-files')), initBytes('rollback')]);
    // Assess
    for (const file of ['parseIni.js', 'getHomeDir.js', 'readFile.js', 'getConfigData.js']) {
      expect(has(plain, `shared-ini-file-loader/${file}`)).toBe(true);
      expect(has(trimmed, `shared-ini-file-loader/${file}`)).toBe(false);
    }
    expect(total(plain) - total(trimmed)).toBeGreaterThan(1_800);
  }, 60_000);
});

describe('SDK trims after an SDK update', () => {
  it('fail the build when the code they replace has moved, instead of keeping its bytes unnoticed', async () => {
    // Prepare: SDK modules at the paths the trims match, whose code no longer reads as expected
    const dir = mkdtempSync(join(tmpdir(), 'sdk-moved-'));
    const modules = {
      'checksum/sha256/Sha256Node.js': 'import { Sha256Js } from "./sha256-js";\nexport const Sha256Node = Sha256Js;',
      'config/config-resolver/regionConfig/getInstanceMetadataRegion.js': 'export async function getInstanceMetadataRegion() {}',
      'serde/util-stream/stream-collector.js': 'export const streamCollector = () => {};',
      'config/shared-ini-file-loader/loadSharedConfigFiles.js': 'export const loadSharedConfigFiles = async () => ({});\nexport const more = 1;',
    };
    for (const [path, code] of Object.entries(modules)) {
      const file = join(dir, 'node_modules/@smithy/core/dist-es/submodules', path);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, code);
      // Act
      const build = esbuild.build({ ...esbuildOptions, entryPoints: [file], outdir: join(dir, 'out'), splitting: false, write: false, logLevel: 'silent' });
      // Assess
      await expect(build).rejects.toThrow(/no longer contains|no longer exports|exports /);
    }
  }, 60_000);
});
