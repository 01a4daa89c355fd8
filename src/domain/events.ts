/**
 * What the trigger function receives, turned into deploy inputs.
 *
 * Shapes: S3 `Object Created` through EventBridge (key as is), the classic S3 notification
 * `{Records: [...]}` (key form-URL-encoded), and `source: redblack` / `Deploy Requested`.
 * A classic notification may carry several records, so the canonical entry point,
 * `parseTriggerEvents`, returns a list for every shape (one element for EventBridge events).
 *
 * An upload that is not a release (another prefix, a folder marker, another bucket, an invalid
 * cluster or release in the key, a non-create S3 event) is `ignored` with a reason: the bucket
 * is shared with other objects and that is normal. A malformed event (wrong types, missing
 * fields, unknown shape) throws InvalidInput naming the field: that is a wiring bug.
 */
import { InvalidInput } from './errors.js';
import { bucketProblem, keyProblem, parseDeployInput, type DeployInput, type S3Artifact } from './input.js';
import { clusterProblem, isValidRelease } from './names.js';

export type TriggerResult = { kind: 'deploy'; input: DeployInput } | { kind: 'ignored'; reason: string };

export interface TriggerOptions {
  /** The artifacts bucket; uploads to any other bucket are ignored. */
  bucket?: string;
}

/** The key prefix releases are uploaded under: `releases/<cluster>/<release>/<file>`. */
export const RELEASES_PREFIX = 'releases/';

type Json = Record<string, unknown>;

function object(x: unknown, field: string): Json {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new InvalidInput(field, x === undefined ? 'is required' : 'must be an object');
  return x as Json;
}

function string(x: unknown, field: string): string {
  if (typeof x !== 'string') throw new InvalidInput(field, x === undefined ? 'is required' : 'must be a string');
  return x;
}

function optionalString(x: unknown, field: string): string | undefined {
  if (x === undefined || x === null) return undefined;
  const s = string(x, field);
  if (s === '') throw new InvalidInput(field, 'must not be empty');
  return s;
}

const ignored = (reason: string): TriggerResult => ({ kind: 'ignored', reason });

/**
 * Cluster and release of a key, or why the key is not a release upload. Exactly four segments:
 * `releases/<cluster>/<release>/<file>` with a non-empty file.
 */
export function releaseFromKey(key: string): { cluster: string; release: string; file: string } | { ignored: string } {
  if (!key.startsWith(RELEASES_PREFIX)) return { ignored: `key is not under ${RELEASES_PREFIX}` };
  const parts = key.split('/');
  if (parts.length === 4 && parts[3] === '') return { ignored: 'key is a folder marker' };
  if (parts.length !== 4) return { ignored: 'key is not releases/<cluster>/<release>/<file>' };
  const [, cluster, release, file] = parts as [string, string, string, string];
  const cp = clusterProblem(cluster);
  if (cp !== undefined) return { ignored: `cluster ${JSON.stringify(cluster)} in the key ${cp}` };
  if (!isValidRelease(release)) return { ignored: `release ${JSON.stringify(release)} in the key is not [A-Za-z0-9][A-Za-z0-9._+-]{0,63}` };
  const kp = keyProblem(key);
  if (kp !== undefined) return { ignored: `key ${kp}` };
  return { cluster, release, file };
}

interface Upload {
  bucket: string;
  key: string;
  versionId: string | undefined;
  etag: string | undefined;
}

/** One uploaded object → deploy or ignored. `at` names the event's fields for errors. */
function fromUpload(u: Upload, at: { bucket: string; etag: string; versionId: string }, options: TriggerOptions): TriggerResult {
  const where = `s3://${u.bucket}/${u.key}`;
  if (options.bucket !== undefined && u.bucket !== options.bucket) return ignored(`${where}: bucket is not the artifacts bucket ${options.bucket}`);
  const bp = bucketProblem(u.bucket);
  if (bp !== undefined) throw new InvalidInput(at.bucket, bp);
  const parsed = releaseFromKey(u.key);
  if ('ignored' in parsed) return ignored(`${where}: ${parsed.ignored}`);
  const artifact: S3Artifact = { bucket: u.bucket, key: u.key };
  if (u.versionId !== undefined) artifact.versionId = u.versionId;
  if (u.etag !== undefined) artifact.etag = u.etag;
  try {
    return { kind: 'deploy', input: parseDeployInput({ cluster: parsed.cluster, release: parsed.release, artifact }) };
  } catch (e) {
    // Only the event-supplied etag/version can still be wrong here; name the event's field.
    if (e instanceof InvalidInput) throw new InvalidInput(e.field === 'artifact.etag' ? at.etag : e.field === 'artifact.versionId' ? at.versionId : e.field, e.problem);
    throw e;
  }
}

/** S3 → EventBridge. Only `Object Created` is a candidate; other S3 detail-types are ignored. */
function fromEventBridgeS3(event: Json, options: TriggerOptions): TriggerResult {
  const detailType = string(event['detail-type'], 'detail-type');
  if (detailType !== 'Object Created') return ignored(`S3 event "${detailType}" is not an upload`);
  const detail = object(event.detail, 'detail');
  const bucket = string(object(detail.bucket, 'detail.bucket').name, 'detail.bucket.name');
  const obj = object(detail.object, 'detail.object');
  const upload: Upload = {
    bucket,
    key: string(obj.key, 'detail.object.key'),
    versionId: optionalString(obj['version-id'], 'detail.object.version-id'),
    etag: optionalString(obj.etag, 'detail.object.etag'),
  };
  return fromUpload(upload, { bucket: 'detail.bucket.name', etag: 'detail.object.etag', versionId: 'detail.object.version-id' }, options);
}

/** Classic notification keys are form-encoded (`+` = space, `%2B` = plus). */
function decodeKey(raw: string, field: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw new InvalidInput(field, 'is not valid URL encoding');
  }
}

function fromClassicRecord(record: unknown, i: number, options: TriggerOptions): TriggerResult {
  const at = `Records[${i}]`;
  const r = object(record, at);
  const source = string(r.eventSource, `${at}.eventSource`);
  if (source !== 'aws:s3') throw new InvalidInput(`${at}.eventSource`, `must be aws:s3 (got ${JSON.stringify(source)})`);
  const eventName = string(r.eventName, `${at}.eventName`);
  if (!eventName.startsWith('ObjectCreated:')) return ignored(`S3 event ${eventName} is not an upload`);
  const s3 = object(r.s3, `${at}.s3`);
  const bucket = string(object(s3.bucket, `${at}.s3.bucket`).name, `${at}.s3.bucket.name`);
  const obj = object(s3.object, `${at}.s3.object`);
  const upload: Upload = {
    bucket,
    key: decodeKey(string(obj.key, `${at}.s3.object.key`), `${at}.s3.object.key`),
    versionId: optionalString(obj.versionId, `${at}.s3.object.versionId`),
    etag: optionalString(obj.eTag, `${at}.s3.object.eTag`),
  };
  return fromUpload(upload, { bucket: `${at}.s3.bucket.name`, etag: `${at}.s3.object.eTag`, versionId: `${at}.s3.object.versionId` }, options);
}

/** Every shape → a list of results, one per object (classic notifications may batch records). */
export function parseTriggerEvents(event: unknown, options: TriggerOptions = {}): TriggerResult[] {
  const e = object(event, '');
  if ('Records' in e) {
    const records = e.Records;
    if (!Array.isArray(records)) throw new InvalidInput('Records', 'must be a list');
    return records.map((r, i) => fromClassicRecord(r, i, options));
  }
  // S3 sends this once when a notification is configured; it is not an upload.
  if (e.Event === 's3:TestEvent') return [ignored('S3 test event')];
  if (!('source' in e)) throw new InvalidInput('source', 'is required (not an EventBridge event nor an S3 notification)');
  const source = string(e.source, 'source');
  if (source === 'aws.s3') return [fromEventBridgeS3(e, options)];
  if (source === 'redblack') {
    const detailType = string(e['detail-type'], 'detail-type');
    if (detailType !== 'Deploy Requested') throw new InvalidInput('detail-type', `must be "Deploy Requested" for source redblack (got ${JSON.stringify(detailType)})`);
    return [{ kind: 'deploy', input: parseDeployInput(e.detail, 'detail') }];
  }
  throw new InvalidInput('source', `must be aws.s3 or redblack (got ${JSON.stringify(source)})`);
}

/**
 * The single result of an event that holds exactly one object. A classic notification with
 * zero or several records throws InvalidInput (`Records`): use parseTriggerEvents for those.
 */
export function parseTriggerEvent(event: unknown, options: TriggerOptions = {}): TriggerResult {
  const results = parseTriggerEvents(event, options);
  if (results.length !== 1) throw new InvalidInput('Records', `holds ${results.length} records; expected exactly one`);
  return results[0] as TriggerResult;
}
