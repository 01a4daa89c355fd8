/**
 * S3: buckets, versioning, objects, and "Object Created" notifications to EventBridge and to
 * Lambda (classic shape). Notifications are asynchronous and at least once, as on AWS.
 */
import type {
  CreateBucketCommandInput,
  CreateBucketCommandOutput,
  DeleteObjectCommandInput,
  DeleteObjectCommandOutput,
  GetBucketNotificationConfigurationCommandInput,
  GetBucketNotificationConfigurationCommandOutput,
  GetBucketVersioningCommandInput,
  GetBucketVersioningCommandOutput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  HeadBucketCommandInput,
  HeadBucketCommandOutput,
  HeadObjectCommandInput,
  HeadObjectCommandOutput,
  ListObjectsV2CommandInput,
  ListObjectsV2CommandOutput,
  PutBucketNotificationConfigurationCommandInput,
  PutBucketVersioningCommandInput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { sdkStreamMixin } from '@smithy/core/serde';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';
import { deliver, type DeliveryError } from './eventbridge/delivery.js';
import { classicMessage, eventBridgeEvent, matchingLambdaConfigs, normaliseNotification, type ObjectEvent } from './s3/notifications.js';
import { listObjects } from './s3/list.js';
import {
  type Bucket,
  bucketNameProblem,
  headNotFound,
  MAX_KEY_BYTES,
  MAX_METADATA_BYTES,
  MAX_PUT_BYTES,
  newVersionId,
  noSuchBucket,
  noSuchKey,
  type ObjectVersion,
  readBody,
} from './s3/store.js';

type Out<T> = Omit<T, '$metadata'>;

/** S3 usually notifies within seconds; the simulator uses a fixed second. */
export const S3_EVENT_DELAY_MS = 1000;

export class S3Sim {
  readonly buckets = new Map<string, Bucket>();
  /** Notifications that could not be handed to their destination. */
  readonly deliveryErrors: DeliveryError[] = [];
  private duplicates = 0;
  private sequence = 0;

  constructor(readonly ctx: SimContext) {}

  CreateBucket(input: CreateBucketCommandInput): Out<CreateBucketCommandOutput> {
    const name = input.Bucket ?? '';
    const problem = bucketNameProblem(name);
    if (problem) throw new AwsFault('InvalidBucketName', `The specified bucket is not valid. Bucket name ${problem}.`);
    const constraint = input.CreateBucketConfiguration?.LocationConstraint;
    if (this.ctx.region === 'us-east-1' && constraint) {
      throw new AwsFault('InvalidLocationConstraint', 'The specified location-constraint is not valid');
    }
    if (this.ctx.region !== 'us-east-1' && constraint !== undefined && constraint !== this.ctx.region) {
      throw new AwsFault('IllegalLocationConstraintException', `The ${constraint} location constraint is incompatible for the region specific endpoint this request was sent to.`);
    }
    if (this.buckets.has(name)) {
      // Legacy behaviour of North Virginia: re-creating your own bucket answers 200 OK.
      if (this.ctx.region !== 'us-east-1') {
        throw new AwsFault('BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', 409);
      }
    } else {
      this.buckets.set(name, { name, created: this.now(), notification: {}, objects: new Map() });
    }
    const location = this.ctx.region === 'us-east-1' ? `/${name}` : `http://${name}.s3.amazonaws.com/`;
    return { Location: location, BucketArn: `arn:aws:s3:::${name}` };
  }

  HeadBucket(input: HeadBucketCommandInput): Out<HeadBucketCommandOutput> {
    if (!this.buckets.has(input.Bucket ?? '')) throw headNotFound();
    return { BucketRegion: this.ctx.region, AccessPointAlias: false };
  }

  PutBucketVersioning(input: PutBucketVersioningCommandInput): Record<string, never> {
    const bucket = this.bucket(input.Bucket);
    const status = input.VersioningConfiguration?.Status;
    if (status !== 'Enabled' && status !== 'Suspended') {
      throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    bucket.versioning = status;
    return {};
  }

  GetBucketVersioning(input: GetBucketVersioningCommandInput): Out<GetBucketVersioningCommandOutput> {
    const bucket = this.bucket(input.Bucket);
    return bucket.versioning ? { Status: bucket.versioning } : {};
  }

  PutBucketNotificationConfiguration(input: PutBucketNotificationConfigurationCommandInput): Record<string, never> {
    const bucket = this.bucket(input.Bucket);
    bucket.notification = normaliseNotification(this.ctx, input.NotificationConfiguration, input.SkipDestinationValidation === true);
    return {};
  }

  GetBucketNotificationConfiguration(input: GetBucketNotificationConfigurationCommandInput): Out<GetBucketNotificationConfigurationCommandOutput> {
    return structuredClone(this.bucket(input.Bucket).notification);
  }

  async PutObject(input: PutObjectCommandInput): Promise<Out<PutObjectCommandOutput>> {
    const bucket = this.bucket(input.Bucket);
    const key = input.Key ?? '';
    this.checkKey(key);
    const metadata: Record<string, string> = {};
    let metadataBytes = 0;
    for (const [k, v] of Object.entries(input.Metadata ?? {})) {
      metadata[k.toLowerCase()] = String(v);
      metadataBytes += Buffer.byteLength(k) + Buffer.byteLength(String(v));
    }
    if (metadataBytes > MAX_METADATA_BYTES) {
      throw new AwsFault('MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size');
    }
    const body = await readBody(input.Body);
    if (body.length > MAX_PUT_BYTES) throw new AwsFault('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    const etag = createHash('md5').update(body).digest('hex');
    const versionId = bucket.versioning === 'Enabled' ? newVersionId(this.ctx.rng) : 'null';
    this.addVersion(bucket, {
      key,
      versionId,
      deleteMarker: false,
      body,
      etag: `"${etag}"`,
      lastModified: this.now(),
      metadata,
      contentType: input.ContentType ?? 'binary/octet-stream',
    });
    this.emitObjectCreated(bucket, {
      bucket: bucket.name,
      key,
      size: body.length,
      etag,
      ...(bucket.versioning === 'Enabled' ? { versionId } : {}),
      sequencer: this.nextSequencer(),
      time: this.ctx.clock.now(),
      requestId: this.ctx.ids.hex(16).toUpperCase(),
      hostId: Buffer.from(this.ctx.ids.hex(48), 'hex').toString('base64'),
      eventName: 'ObjectCreated:Put',
      reason: 'PutObject',
    });
    return {
      ETag: `"${etag}"`,
      ServerSideEncryption: 'AES256',
      ...(bucket.versioning ? { VersionId: versionId } : {}),
    };
  }

  HeadObject(input: HeadObjectCommandInput): Out<HeadObjectCommandOutput> {
    const bucket = this.buckets.get(input.Bucket ?? '');
    if (!bucket) throw headNotFound();
    const v = this.find(bucket, input.Key ?? '', input.VersionId);
    if (!v || v.deleteMarker) throw headNotFound();
    return { ...this.describe(bucket, v) };
  }

  GetObject(input: GetObjectCommandInput): Out<GetObjectCommandOutput> {
    const bucket = this.bucket(input.Bucket);
    const v = this.find(bucket, input.Key ?? '', input.VersionId);
    if (!v) {
      if (input.VersionId !== undefined) throw new AwsFault('NoSuchVersion', 'The specified version does not exist.', 404);
      throw noSuchKey();
    }
    if (v.deleteMarker) {
      if (input.VersionId !== undefined) throw new AwsFault('MethodNotAllowed', 'The specified method is not allowed against this resource.', 405);
      throw noSuchKey();
    }
    const Body = sdkStreamMixin(Readable.from([Buffer.from(v.body)])) as GetObjectCommandOutput['Body'];
    return { ...this.describe(bucket, v), Body };
  }

  DeleteObject(input: DeleteObjectCommandInput): Out<DeleteObjectCommandOutput> {
    const bucket = this.bucket(input.Bucket);
    const key = input.Key ?? '';
    const versions = bucket.objects.get(key) ?? [];
    if (input.VersionId !== undefined) {
      // Permanently remove one version (deleting a missing version succeeds, as on S3).
      const i = versions.findIndex((v) => v.versionId === input.VersionId);
      const removed = i >= 0 ? versions.splice(i, 1)[0] : undefined;
      if (versions.length === 0) bucket.objects.delete(key);
      return { VersionId: input.VersionId, ...(removed?.deleteMarker ? { DeleteMarker: true } : {}) };
    }
    if (!bucket.versioning) {
      bucket.objects.delete(key);
      return {};
    }
    const versionId = bucket.versioning === 'Enabled' ? newVersionId(this.ctx.rng) : 'null';
    this.addVersion(bucket, {
      key,
      versionId,
      deleteMarker: true,
      body: Buffer.alloc(0),
      etag: '',
      lastModified: this.now(),
      metadata: {},
      contentType: '',
    });
    return { DeleteMarker: true, VersionId: versionId };
  }

  ListObjectsV2(input: ListObjectsV2CommandInput): Out<ListObjectsV2CommandOutput> {
    return listObjects(this.bucket(input.Bucket), input);
  }

  // ---- internal API for other services and fault injection ----

  /** Does the object (latest version, or the given one) exist? */
  objectExists(bucket: string, key: string, versionId?: string): boolean {
    const b = this.buckets.get(bucket);
    if (!b) return false;
    const v = this.find(b, key, versionId);
    return v !== undefined && !v.deleteMarker;
  }

  /** At-least-once delivery: each of the next `n` object events is delivered twice. */
  duplicateNextEvents(n: number): void {
    this.duplicates += n;
  }

  // ---- helpers ----

  private bucket(name: string | undefined): Bucket {
    const b = this.buckets.get(name ?? '');
    if (!b) throw noSuchBucket(name ?? '');
    return b;
  }

  private checkKey(key: string): void {
    if (key.length === 0) throw new AwsFault('InvalidArgument', 'Object key must not be empty');
    if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new AwsFault('KeyTooLongError', 'Your key is too long');
  }

  private now(): Date {
    // S3 timestamps carry whole seconds.
    return new Date(Math.floor(this.ctx.clock.now() / 1000) * 1000);
  }

  private find(bucket: Bucket, key: string, versionId?: string): ObjectVersion | undefined {
    const versions = bucket.objects.get(key);
    if (!versions) return undefined;
    if (versionId === undefined) return versions[versions.length - 1];
    return versions.find((v) => v.versionId === versionId);
  }

  /** A new current version; the null version is replaced, as S3 does outside "Enabled". */
  private addVersion(bucket: Bucket, v: ObjectVersion): void {
    const versions = bucket.objects.get(v.key) ?? [];
    const kept = bucket.versioning ? versions.filter((x) => x.versionId !== 'null' || v.versionId !== 'null') : [];
    kept.push(v);
    bucket.objects.set(v.key, kept);
  }

  private describe(bucket: Bucket, v: ObjectVersion) {
    return {
      AcceptRanges: 'bytes',
      ContentLength: v.body.length,
      ContentType: v.contentType,
      ETag: v.etag,
      LastModified: v.lastModified,
      Metadata: { ...v.metadata },
      ServerSideEncryption: 'AES256' as const,
      ...(bucket.versioning ? { VersionId: v.versionId } : {}),
    };
  }

  /** Orders events for one key: hex, growing with time. */
  private nextSequencer(): string {
    this.sequence++;
    const n = BigInt(this.ctx.clock.now()) * 1000n + BigInt(this.sequence % 1000);
    return n.toString(16).toUpperCase().padStart(16, '0');
  }

  private emitObjectCreated(bucket: Bucket, e: ObjectEvent): void {
    const config = bucket.notification;
    const toEventBridge = config.EventBridgeConfiguration ? eventBridgeEvent(this.ctx, e) : undefined;
    const lambdas = matchingLambdaConfigs(config, e).map((c) => ({ arn: c.LambdaFunctionArn as string, message: classicMessage(this.ctx, e, c.Id) }));
    if (!toEventBridge && lambdas.length === 0) return;
    const copies = this.duplicates > 0 ? 2 : 1;
    if (this.duplicates > 0) this.duplicates--;
    for (let copy = 0; copy < copies; copy++) {
      this.ctx.clock.after(S3_EVENT_DELAY_MS * (copy + 1), () => {
        if (toEventBridge) this.ctx.events.putEventInternal(structuredClone(toEventBridge));
        for (const l of lambdas) deliver(this.ctx, l.arn, l.message, { source: `s3/${bucket.name}`, errors: this.deliveryErrors, retry: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 0 } });
      });
    }
  }
}
