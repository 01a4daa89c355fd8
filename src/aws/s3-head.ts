/**
 * S3 HeadObject on the SDK's own parts — its SigV4 signer, HTTP handler, retry strategy and
 * partition table, shared in src/aws/signed-call.ts — without `@aws-sdk/client-s3`. Validate asks
 * S3 one question (does this artifact exist?); the full client answers it with its REST-XML
 * protocol, endpoint rule set, event-stream codecs and S3 Express middleware, about 90 KB of a
 * bundle that a HEAD never runs.
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
import { AwsCallError, call, type Credentials, discardBody, encodeSegment, HttpRequest, sendSigned, serviceRequest, sign, target } from './signed-call.js';

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

/** An S3 error as the SDK throws it (the shared class of calls without a client). */
export { AwsCallError as S3HeadError };

const STATUS_NAMES: Record<number, string> = { 301: 'PermanentRedirect', 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound', 500: 'InternalError', 503: 'SlowDown' };

/** A bucket name S3 can serve as a host label over TLS: no dots, no upper case (VirtualHosting.html). */
const virtualHostable = (bucket: string): boolean => /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket) && !/^\d+\.\d+\.\d+\.\d+$/.test(bucket);

/** The HTTP request for a HeadObject of `input`, unsigned. */
export function headObjectRequest(input: HeadObjectInput, region: string, endpoint?: string): HttpRequest {
  const key = input.Key.split('/').map(encodeSegment).join('/');
  const query: Record<string, string> = input.VersionId !== undefined ? { versionId: input.VersionId } : {};
  const pathStyle = { method: 'HEAD', path: `/${encodeSegment(input.Bucket)}/${key}`, query };
  if (endpoint || !virtualHostable(input.Bucket)) return serviceRequest({ prefix: 's3', region, endpoint }, pathStyle);
  const hostname = `${input.Bucket}.s3.${region}.${partition(region).dnsSuffix}`;
  return serviceRequest({ prefix: 's3', region, hostname }, { method: 'HEAD', path: `/${key}`, query });
}

/** Signs `request` for S3 the way the client does: SigV4, payload hash header, path as built. */
export async function signHeadObject(request: HttpRequest, region: string, credentials: Credentials, signingDate?: Date): Promise<HttpRequest> {
  return sign(request, 's3', region, credentials, signingDate);
}

async function sendOverHttp(input: HeadObjectInput): Promise<HeadObjectOutput> {
  const { region, endpoint, credentials } = await target('S3 HeadObject');
  const response = await sendSigned(await signHeadObject(headObjectRequest(input, region, endpoint), region, credentials));
  // A HEAD has no body to read.
  discardBody(response);
  const h = response.headers;
  const requestId = h['x-amz-request-id'];
  if (response.statusCode >= 300) {
    const name = STATUS_NAMES[response.statusCode] ?? String(response.statusCode);
    const where = h['x-amz-bucket-region'] && response.statusCode === 301 ? ` (the bucket is in ${h['x-amz-bucket-region']}, not ${region})` : '';
    throw new AwsCallError(name, response.statusCode, `HeadObject s3://${input.Bucket}/${input.Key}: HTTP ${response.statusCode}${where}`, requestId);
  }
  return {
    ...(h['content-length'] !== undefined ? { ContentLength: Number(h['content-length']) } : {}),
    ...(h.etag !== undefined ? { ETag: h.etag } : {}),
    ...(h['x-amz-version-id'] !== undefined ? { VersionId: h['x-amz-version-id'] } : {}),
    ...(h['last-modified'] !== undefined ? { LastModified: new Date(h['last-modified']) } : {}),
  };
}

/** HeadObject: routed like every client's call (the embedded cloud answers it in process), retried like one. */
export async function headObject(input: HeadObjectInput): Promise<HeadObjectOutput> {
  return call('S3Client', 'HeadObjectCommand', input, sendOverHttp);
}
