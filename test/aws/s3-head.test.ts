/**
 * HeadObject without the S3 client (src/aws/s3-head.ts): the request must be the one
 * @aws-sdk/client-s3 sends, signature included, and its answers must read as the client's do.
 */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { headObject, headObjectRequest, S3HeadError, signHeadObject } from '../../src/aws/s3-head.js';
import { artifactExists } from '../../src/aws/s3.js';
import { isTransient } from '../../src/lambda/middleware/transient-errors.js';
import { answerInProcess } from '../support/in-process.js';
import { clientRequest, credentials } from '../support/signed-requests.js';

const SIGNED = ['authorization', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'];

/** The signed request the S3 client sends for this HeadObject (path style at an endpoint, as for moto). */
const s3Request = (region: string, input: { Bucket: string; Key: string; VersionId?: string }, endpoint?: string) =>
  clientRequest(S3Client, new HeadObjectCommand(input), region, endpoint, endpoint ? { forcePathStyle: true } : {});

const pick = (headers: Record<string, string>) => Object.fromEntries(SIGNED.map((h) => [h, headers[h] ?? headers[h.replace(/(^|-)(\w)/g, (m) => m.toUpperCase())]]));

afterEach(() => {
  configureClients({});
  vi.useRealTimers();
});

describe('headObjectRequest + signHeadObject', () => {
  const cases = [
    { name: 'a plain bucket in us-east-1', region: 'us-east-1', input: { Bucket: 'redblack-artifacts', Key: 'web/1.2.3/web.tar.gz' } },
    { name: 'a versioned key with characters SigV4 encodes', region: 'eu-west-1', input: { Bucket: 'builds-eu', Key: "web/a b/(x)!*'~+=.zip", VersionId: 'v+1/=abc' } },
    { name: 'a bucket with dots (path style)', region: 'us-west-2', input: { Bucket: 'my.dotted.bucket', Key: 'app.zip' } },
    { name: 'the China partition', region: 'cn-north-1', input: { Bucket: 'artifacts-cn', Key: 'x/y.tgz' } },
  ];
  for (const c of cases) {
    it(`signs ${c.name} exactly as @aws-sdk/client-s3 does`, async () => {
      // Prepare: one signing time for both
      const at = new Date('2026-11-30T12:00:00Z');
      vi.useFakeTimers({ now: at, toFake: ['Date'] });
      const expected = await s3Request(c.region, c.input);

      // Act
      const ours = await signHeadObject(headObjectRequest(c.input, c.region), c.region, credentials, at);

      // Assess
      expect({ method: ours.method, hostname: ours.hostname, path: ours.path, query: ours.query }).toEqual({
        method: expected.method,
        hostname: expected.hostname,
        path: expected.path,
        query: expected.query,
      });
      expect(pick(ours.headers)).toEqual(pick(expected.headers));
    });
  }

  it('addresses an endpoint by path, as the client with forcePathStyle does', async () => {
    // Prepare
    const at = new Date('2026-11-30T12:00:00Z');
    vi.useFakeTimers({ now: at, toFake: ['Date'] });
    const input = { Bucket: 'artifacts', Key: 'web/1.0.0/web.tar.gz', VersionId: '3' };
    const expected = await s3Request('us-east-1', input, 'http://127.0.0.1:5000');

    // Act
    const ours = await signHeadObject(headObjectRequest(input, 'us-east-1', 'http://127.0.0.1:5000'), 'us-east-1', credentials, at);

    // Assess
    expect([ours.hostname, ours.port, ours.path, ours.query]).toEqual([expected.hostname, expected.port, expected.path, expected.query]);
    expect(pick(ours.headers)).toEqual(pick(expected.headers));
  });
});

describe('headObject over HTTP', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  /** A local server answering each request with the next of `answers`; returns what it saw. */
  async function serve(answers: Array<{ status: number; headers?: Record<string, string> }>) {
    const seen: IncomingMessage[] = [];
    server = createServer((req, res) => {
      seen.push(req);
      const a = answers[Math.min(seen.length - 1, answers.length - 1)] as { status: number; headers?: Record<string, string> };
      res.writeHead(a.status, a.headers ?? {});
      res.end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
    const { port } = server.address() as AddressInfo;
    configureClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 3 });
    return seen;
  }

  it('reads the object metadata of a 200, from a signed HEAD by path', async () => {
    // Prepare
    const seen = await serve([{ status: 200, headers: { 'content-length': '42', etag: '"abc"', 'x-amz-version-id': '7', 'last-modified': 'Mon, 30 Nov 2026 12:00:00 GMT' } }]);

    // Act
    const out = await headObject({ Bucket: 'artifacts', Key: 'web/1.0.0/web.tar.gz', VersionId: '7' });

    // Assess
    expect(out).toEqual({ ContentLength: 42, ETag: '"abc"', VersionId: '7', LastModified: new Date('2026-11-30T12:00:00Z') });
    expect(seen.map((r) => [r.method, r.url])).toEqual([['HEAD', '/artifacts/web/1.0.0/web.tar.gz?versionId=7']]);
    expect(seen[0]?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });

  it('finds the region where an SDK client would: the profile in the shared config file, without AWS_REGION', async () => {
    // Prepare: what the CLI sees on an operator's machine
    const seen = await serve([{ status: 200 }]);
    const { port } = (server as Server).address() as AddressInfo;
    const dir = mkdtempSync(join(tmpdir(), 'redblack-config-'));
    writeFileSync(join(dir, 'config'), '[default]\nregion = eu-west-1\n');
    const saved = { region: process.env.AWS_REGION, file: process.env.AWS_CONFIG_FILE, profile: process.env.AWS_PROFILE };
    delete process.env.AWS_REGION;
    delete process.env.AWS_PROFILE;
    process.env.AWS_CONFIG_FILE = join(dir, 'config');
    configureClients({ endpoint: `http://127.0.0.1:${port}`, credentials });
    try {
      // Act
      await headObject({ Bucket: 'b1', Key: 'k' });
    } finally {
      for (const [k, v] of [['AWS_REGION', saved.region], ['AWS_CONFIG_FILE', saved.file], ['AWS_PROFILE', saved.profile]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(dir, { recursive: true, force: true });
    }
    // Assess
    expect(seen[0]?.headers.authorization).toContain('/eu-west-1/s3/aws4_request');
  });

  it('names a 404 NotFound and a 403 Forbidden, which artifactExists reads as "no such artifact"', async () => {
    // Prepare
    await serve([{ status: 404 }, { status: 403 }]);

    // Act
    const notFound = await headObject({ Bucket: 'b1', Key: 'k' }).catch((e: unknown) => e);
    const forbidden = await artifactExists('b1', 'k');

    // Assess
    expect(notFound).toBeInstanceOf(S3HeadError);
    expect(notFound).toMatchObject({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 } });
    expect(forbidden).toBe(false);
  });

  it('says which region a bucket is in when S3 redirects (301), and does not retry it', async () => {
    // Prepare
    const seen = await serve([{ status: 301, headers: { 'x-amz-bucket-region': 'eu-west-1' } }]);

    // Act
    const err = await artifactExists('elsewhere', 'k').catch((e: unknown) => e as Error);

    // Assess
    expect(err).toMatchObject({ name: 'PermanentRedirect', message: expect.stringContaining('the bucket is in eu-west-1, not us-east-1') });
    expect(seen).toHaveLength(1);
  });

  it('retries a 503 as the SDK does, and succeeds on the next attempt', async () => {
    // Prepare
    const seen = await serve([{ status: 503 }, { status: 200, headers: { 'content-length': '1' } }]);

    // Act
    const out = await headObject({ Bucket: 'b1', Key: 'k' });

    // Assess
    expect(out.ContentLength).toBe(1);
    expect(seen).toHaveLength(2);
  });

  it('gives up after maxAttempts with an error the step wrapper treats as transient', async () => {
    // Prepare
    const seen = await serve([{ status: 500 }]);

    // Act
    const err = await headObject({ Bucket: 'b1', Key: 'k' }).catch((e: unknown) => e);

    // Assess
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ name: 'InternalError', $fault: 'server' });
    expect(isTransient(err)).toBe(true);
  });
});

describe('headObject in process', () => {
  it('goes through the configured middleware and tap as an S3Client HeadObjectCommand, with the SDK retry around them', async () => {
    // Prepare: the first call throttled, the second answered
    const calls = answerInProcess(() => ({ ContentLength: 9 }), { name: 'SlowDown', fault: 'server', status: 503 });

    // Act
    const out = await headObject({ Bucket: 'b', Key: 'k' });

    // Assess
    expect(out).toEqual({ ContentLength: 9 });
    expect(calls).toEqual([
      'tap S3Client HeadObjectCommand',
      'answer HeadObjectCommand {"Bucket":"b","Key":"k"}',
      'tap S3Client HeadObjectCommand',
      'answer HeadObjectCommand {"Bucket":"b","Key":"k"}',
    ]);
  });
});
