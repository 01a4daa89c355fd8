/** S3 simulator state and the small rules around it: bucket names, version ids, bodies, errors. */
import type { NotificationConfiguration } from '@aws-sdk/client-s3';
import { AwsFault } from '../../aws-fault.js';
import type { Rng } from '../../rng.js';

export interface ObjectVersion {
  key: string;
  /** `null` (the string) for the null version of an unversioned or suspended bucket. */
  versionId: string;
  deleteMarker: boolean;
  body: Buffer;
  /** Quoted hex MD5, as S3 returns it in headers. */
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
  contentType: string;
}

export interface Bucket {
  name: string;
  created: Date;
  /** Undefined until versioning was first configured (then the bucket is "versioned" for good). */
  versioning?: 'Enabled' | 'Suspended';
  notification: NotificationConfiguration;
  /** Versions per key, oldest first; the last one is the current version. */
  objects: Map<string, ObjectVersion[]>;
}

export const MAX_KEY_BYTES = 1024;
export const MAX_METADATA_BYTES = 2048;
/** Largest single PUT (5 GiB). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export const noSuchBucket = (name: string): AwsFault => new AwsFault('NoSuchBucket', `The specified bucket does not exist: ${name}`, 404);
export const noSuchKey = (): AwsFault => new AwsFault('NoSuchKey', 'The specified key does not exist.', 404);
/** HEAD errors have no body: the SDK can only name them from the status (https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html). */
export const headNotFound = (): AwsFault => new AwsFault('NotFound', 'UnknownError', 404);

/**
 * General purpose bucket naming rules (UG: Bucket naming rules). Returns the broken rule, or
 * undefined when the name is valid.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be between 3 and 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may contain only lowercase letters, numbers, dots and hyphens';
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must begin and end with a letter or number';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return 'uses a reserved prefix';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'uses a reserved suffix';
  return undefined;
}

const VERSION_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';

/** A version id shaped like S3's (32 URL-safe characters), drawn from the seeded RNG. */
export function newVersionId(rng: Rng): string {
  let s = '';
  for (let i = 0; i < 32; i++) s += VERSION_CHARS[Math.floor(rng.next() * VERSION_CHARS.length)];
  return s;
}

/** A PutObject Body as bytes: string, Uint8Array/Buffer, ArrayBuffer, Blob or a (Node/web) stream. */
export async function readBody(body: unknown): Promise<Buffer> {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Buffer.from(await body.arrayBuffer());
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<unknown>) {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array));
    }
    return Buffer.concat(chunks);
  }
  throw new AwsFault('InvalidArgument', 'Unsupported Body type for PutObject');
}

/** S3 sorts keys by their UTF-8 bytes. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Opaque continuation token: the last key returned (and the common prefix it closed, if any). */
export function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ a: after }), 'utf8').toString('base64');
}

export function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { a?: unknown };
    if (typeof v.a === 'string') return v.a;
  } catch {
    // fall through to the AWS error
  }
  throw new AwsFault('InvalidArgument', 'The continuation token provided is incorrect');
}
