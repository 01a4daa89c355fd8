/**
 * The schema-keys build plugin: the SDK's shape module becomes tree-shakeable, and the bundle
 * still serializes a request exactly as before (same shapes, literal keys instead of computed).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url).pathname;
const { esbuildOptions } = createRequire(import.meta.url)('../../../tools/build/esbuild.config.cjs') as { esbuildOptions: esbuild.BuildOptions };

const EC2_ENTRY = "import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2'; export { DescribeInstancesCommand, EC2Client };";

/** `contents` bundled as serverless.yml bundles a function, with or without our plugins (each build once: the EC2 ones are slow). */
const built = new Map<string, Promise<string>>();
function bundle(withPlugins: boolean, contents = EC2_ENTRY): Promise<string> {
  const key = `${withPlugins}:${contents}`;
  if (!built.has(key)) built.set(key, build(withPlugins, contents));
  return built.get(key) as Promise<string>;
}

async function build(withPlugins: boolean, contents: string): Promise<string> {
  const r = await esbuild.build({
    ...esbuildOptions,
    stdin: { contents, resolveDir: ROOT, loader: 'ts' },
    outfile: join(ROOT, 'bundle.mjs'),
    // One file to load: the SDK's own lazy imports stay inline.
    splitting: false,
    // Loaded from a temporary folder below, where a map would be one more file to write.
    sourcemap: false,
    write: false,
    plugins: withPlugins ? esbuildOptions.plugins : [],
    logLevel: 'silent',
  });
  return r.outputFiles?.[0]?.text ?? '';
}

describe('sdk-schema-keys esbuild plugin', () => {
  it('drops the EC2 shapes a bundle does not use', async () => {
    // Act
    const [plain, shaken] = await Promise.all([bundle(false), bundle(true)]);
    // Assess: the whole EC2 model is ~550 KB of the plain bundle
    expect(plain.length - shaken.length).toBeGreaterThan(400_000);
    expect(shaken).toContain('DescribeInstances');
    expect(shaken).not.toContain('AcceptTransitGatewayPeeringAttachment');
  }, 60_000);

  it('serializes a request byte for byte as the unshaken bundle does', async () => {
    // Prepare: both bundles as modules, each client answering in process and keeping the request body
    const dir = mkdtempSync(join(tmpdir(), 'schema-keys-'));
    const load = async (name: string, code: string) => {
      writeFileSync(join(dir, name), code);
      return (await import(pathToFileURL(join(dir, name)).href)) as typeof import('@aws-sdk/client-ec2');
    };
    const [plain, shaken] = await Promise.all([bundle(false).then((c) => load('plain.mjs', c)), bundle(true).then((c) => load('shaken.mjs', c))]);
    const body = async (sdk: typeof import('@aws-sdk/client-ec2')) => {
      const c = new sdk.EC2Client({ region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' } });
      let sent = '';
      c.middlewareStack.add(
        () => async (args: any) => {
          sent = String(args.request.body);
          return { response: { statusCode: 200, headers: {} }, output: { $metadata: {} } };
        },
        { step: 'finalizeRequest', name: 'capture' },
      );
      await c.send(new sdk.DescribeInstancesCommand({ Filters: [{ Name: 'tag:redblack:role', Values: ['builder'] }], MaxResults: 1000 }));
      return sent;
    };
    // Act
    const [a, b] = [await body(plain), await body(shaken)];
    // Assess
    expect(b).toBe(a);
    expect(b).toContain('Filter.1.Name=tag%3Aredblack%3Arole');
  }, 60_000);
});

describe('lambda-env-credentials esbuild plugin', () => {
  it("replaces the SDK's credential chain with the environment, as Lambda provides it", async () => {
    // Prepare: a client with no explicit credentials, bundled both ways
    const entry = "import { SFNClient } from '@aws-sdk/client-sfn'; export const creds = () => new SFNClient({ region: 'us-east-1' }).config.credentials();";
    const [plain, lambda] = await Promise.all([bundle(false, entry), bundle(true, entry)]);
    const dir = mkdtempSync(join(tmpdir(), 'lambda-creds-'));
    writeFileSync(join(dir, 'lambda.mjs'), lambda);
    const mod = (await import(pathToFileURL(join(dir, 'lambda.mjs')).href)) as { creds: () => Promise<{ accessKeyId: string; sessionToken?: string }> };
    const keys = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'] as const;
    const saved = keys.map((k) => process.env[k]);
    process.env.AWS_ACCESS_KEY_ID = 'ASIALAMBDAROLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'session';
    try {
      // Act
      const creds = await mod.creds();
      // Assess: the role's credentials from the environment, and the chain's other links gone
      expect(creds).toMatchObject({ accessKeyId: 'ASIALAMBDAROLE', sessionToken: 'session' });
      expect(plain).toContain('sso-oidc');
      expect(lambda).not.toContain('sso-oidc');
      expect(plain.length - lambda.length).toBeGreaterThan(30_000);
    } finally {
      keys.forEach((k, i) => {
        if (saved[i] === undefined) delete process.env[k];
        else process.env[k] = saved[i];
      });
    }
  }, 60_000);
});

describe('sdk-schema-keys esbuild plugin: error classes', () => {
  /** A client of `pkg` whose every request is answered with `status` and `body`, bundled both ways. */
  const ERRORS_ENTRY = `
    import { ElasticLoadBalancingV2Client, DescribeTargetGroupsCommand, ElasticLoadBalancingV2ServiceException } from '@aws-sdk/client-elastic-load-balancing-v2';
    import { SSMClient, GetParameterCommand, SSMServiceException } from '@aws-sdk/client-ssm';
    const answer = (status, body, headers = {}) => ({ handle: async () => ({ response: { statusCode: status, headers, body: new TextEncoder().encode(body) } }) });
    const base = { region: 'us-east-1', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test' }, maxAttempts: 1 };
    const caught = async (send, Base) => { try { await send(); return null; } catch (e) { return { name: e.name, message: e.message, fault: e.$fault, status: e.$metadata?.httpStatusCode, base: e instanceof Base, ctor: e.constructor.name }; } };
    export const elb = (code) => caught(() => new ElasticLoadBalancingV2Client({ ...base, requestHandler: answer(400, '<ErrorResponse><Error><Type>Sender</Type><Code>' + code + '</Code><Message>nope</Message></Error><RequestId>r1</RequestId></ErrorResponse>', { 'content-type': 'text/xml' }) }).send(new DescribeTargetGroupsCommand({ Names: ['x'] })), ElasticLoadBalancingV2ServiceException);
    export const ssm = (type) => caught(() => new SSMClient({ ...base, requestHandler: answer(400, JSON.stringify({ __type: type, message: 'nope' }), { 'content-type': 'application/x-amz-json-1.1' }) }).send(new GetParameterCommand({ Name: 'x' })), SSMServiceException);
  `;
  type Caught = { name: string; message: string; fault: string; status: number; base: boolean; ctor: string } | null;
  type Mod = { elb: (code: string) => Promise<Caught>; ssm: (type: string) => Promise<Caught> };

  it('keeps every error name, message and fault the code reads, and drops the SSM error classes', async () => {
    // Prepare: both bundles as modules
    const dir = mkdtempSync(join(tmpdir(), 'sdk-errors-'));
    const [plainCode, shakenCode] = await Promise.all([bundle(false, ERRORS_ENTRY), bundle(true, ERRORS_ENTRY)]);
    writeFileSync(join(dir, 'plain.mjs'), plainCode);
    writeFileSync(join(dir, 'shaken.mjs'), shakenCode);
    const plain = (await import(pathToFileURL(join(dir, 'plain.mjs')).href)) as Mod;
    const shaken = (await import(pathToFileURL(join(dir, 'shaken.mjs')).href)) as Mod;
    const cases: [keyof Mod, string][] = [
      ['elb', 'TargetGroupNotFound'], // awsQuery wire code ≠ name: the SDK names it TargetGroupNotFoundException
      ['elb', 'Throttling'],
      ['ssm', 'ParameterNotFound'],
      ['ssm', 'com.amazonaws.ssm#ThrottlingException'],
      ['ssm', 'NoSuchThing'],
    ];
    for (const [svc, code] of cases) {
      // Act
      const [a, b] = [await plain[svc](code), await shaken[svc](code)];
      // Assess: the same error as far as anything but its constructor goes
      expect({ ...b, ctor: undefined }).toEqual({ ...a, ctor: undefined });
      expect(b?.base).toBe(true);
    }
    expect((await shaken.elb('TargetGroupNotFound'))?.name).toBe('TargetGroupNotFoundException');
    expect(plainCode).toContain('ParameterVersionLabelLimitExceeded');
    expect(shakenCode).not.toContain('ParameterVersionLabelLimitExceeded');
  }, 60_000);
});
