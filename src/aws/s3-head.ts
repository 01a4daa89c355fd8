/**
 * S3 HeadObject on the SDK's own parts — its SigV4 signer, HTTP handler, retry strategy and
 * partition table — without `@aws-sdk/client-s3`. Plan asks S3 one question (does this artifact
 * exist?); the full client answers it with its REST-XML protocol, endpoint rule set, event-stream
 * codecs and S3 Express middleware, about 90 KB of Plan's bundle that a HEAD never runs.
 *
 * The request is the one the client sends (test/aws/s3-head.test.ts signs both and compares):
 * virtual-hosted style where the bucket name allows it, path style otherwise or at an endpoint
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html), each key segment
 * URI-encoded as SigV4 asks and signed without a second encoding
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html). A HEAD
 * response has no body to carry an error code, so a failure is named after its status: 404
 * `NotFound` (as the client names it), 403 `Forbidden` (what S3 answers for a missing key when the
 * caller may not list the bucket: https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html),
 * 301 `PermanentRedirect` (the bucket is in another region).
 */
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';
import { HttpRequest } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { clientSettings, HTTP_TIMEOUTS, routed } from './clients.js';

export interface HeadObjectInput {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

export interface HeadObjectOutput {
  ContentLength?: number;
  ETag?: string;
  VersionId?: string;
  LastModified?: Date;
}

/** An S3 error as the SDK throws it: `name` is the code, `$fault` and `$metadata` as the client sets them. */
export class S3HeadError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, status: number, message: string, requestId?: string) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

const STATUS_NAMES: Record<number, string> = { 301: 'PermanentRedirect', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError', 503: 'SlowDown' };

/** Percent-encodes as SigV4's canonical URI wants: everything but A-Z a-z 0-9 - _ . ~ (RFC 3986 unreserved). */
const encodeSegment = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A bucket name S3 can serve as a host label over TLS: no dots, no upper case (VirtualHosting.html). */
const virtualHostable = (bucket: string): boolean => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);

/** The HTTP request for a HeadObject of `input`, unsigned. */
export function headObjectRequest(input: HeadObjectInput, region: string, endpoint?: string): HttpRequest {
  const key = input.Key.split('/').map(encodeSegment).join('/');
  const query: Record<string, string> = input.VersionId !== undefined ? { versionId: input.VersionId } : {};
  if (endpoint) {
    const url = new URL(endpoint);
    const base = url.pathname.replace(/\/$/, '');
    return new HttpRequest({
      method: 'HEAD', protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}),
      path: `${base}/${encodeSegment(input.Bucket)}/${key}`, query, headers: { host: url.host },
    });
  }
  const { dnsSuffix } = partition(region);
  const service = `s3.${region}.${dnsSuffix}`;
  const hostname = virtualHostable(input.Bucket) ? `${input.Bucket}.${service}` : service;
  const path = virtualHostable(input.Bucket) ? `/${key}` : `/${encodeSegment(input.Bucket)}/${key}`;
  return new HttpRequest({ method: 'HEAD', protocol: 'https:', hostname, path, query, headers: { host: hostname } });
}

/** Signs `request` for S3 the way the client does: SigV4, payload hash header, path as built. */
export async function signHeadObject(request: HttpRequest, region: string, credentials: AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>), signingDate?: Date): Promise<HttpRequest> {
  const signer = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  return (await signer.sign(request, signingDate ? { signingDate } : {})) as HttpRequest;
}

let handler: NodeHttpHandler | undefined;

async function sendOverHttp(input: HeadObjectInput): Promise<{ output: HeadObjectOutput }> {
  const settings = clientSettings();
  const region = settings.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new S3HeadError('ConfigError', 400, 'S3 HeadObject: no region (set AWS_REGION)');
  const endpoint = settings.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const signed = await signHeadObject(headObjectRequest(input, region, endpoint), region, settings.credentials ?? defaultProvider());
  const t = settings.timeouts ?? HTTP_TIMEOUTS;
  handler ??= new NodeHttpHandler({ connectionTimeout: t.connectionMs, requestTimeout: t.requestMs, throwOnRequestTimeout: true });
  const { response } = await handler.handle(signed);
  // A HEAD has no body to read; the socket goes back to the pool once the stream ends.
  (response.body as { resume?: () => void } | undefined)?.resume?.();
  const h = response.headers;
  const requestId = h['x-amz-request-id'];
  if (response.statusCode >= 300) {
    const name = STATUS_NAMES[response.statusCode] ?? String(response.statusCode);
    const where = h['x-amz-bucket-region'] && response.statusCode === 301 ? ` (the bucket is in ${h['x-amz-bucket-region']}, not ${region})` : '';
    throw new S3HeadError(name, response.statusCode, `HeadObject s3://${input.Bucket}/${input.Key}: HTTP ${response.statusCode}${where}`, requestId);
  }
  return {
    output: {
      ...(h['content-length'] !== undefined ? { ContentLength: Number(h['content-length']) } : {}),
      ...(h.etag !== undefined ? { ETag: h.etag } : {}),
      ...(h['x-amz-version-id'] !== undefined ? { VersionId: h['x-amz-version-id'] } : {}),
      ...(h['last-modified'] !== undefined ? { LastModified: new Date(h['last-modified']) } : {}),
    },
  };
}

/** The retry the SDK's clients do (standard mode, same strategy and error classes), around the routed call. */
async function withRetries<T>(call: () => Promise<T>): Promise<T> {
  const strategy = new StandardRetryStrategy(clientSettings().maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 3));
  let token = await strategy.acquireInitialRetryToken('s3');
  for (;;) {
    try {
      const out = await call();
      strategy.recordSuccess(token);
      return out;
    } catch (err) {
      const e = err as Parameters<typeof isThrottlingError>[0];
      const errorType = isThrottlingError(e) ? 'THROTTLING' : isTransientError(e) ? 'TRANSIENT' : isServerError(e) ? 'SERVER_ERROR' : 'CLIENT_ERROR';
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType });
      } catch {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
    }
  }
}

/** HeadObject: routed like every client's call (the embedded cloud answers it in process), retried like one. */
export async function headObject(input: HeadObjectInput): Promise<HeadObjectOutput> {
  const send = routed('S3Client', 'HeadObjectCommand', (args: { input: HeadObjectInput }) => sendOverHttp(args.input));
  const { output } = (await withRetries(() => send({ input }))) as { output: HeadObjectOutput };
  return output;
}
