/**
 * S3 event notifications: the bucket configuration's rules, and the two event shapes S3 sends —
 * the classic `{Records:[…]}` message for Lambda (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html) and the EventBridge
 * "Object Created" event (§7.3).
 */
import { Event, type LambdaFunctionConfiguration, type NotificationConfiguration } from '@aws-sdk/client-s3';
import { AwsFault } from '../../aws-fault.js';
import type { SimContext } from '../../context.js';

const EVENTS = new Set<string>(Object.values(Event));

/** One object event, before it is shaped for a destination. */
export interface ObjectEvent {
  bucket: string;
  key: string;
  size: number;
  /** Unquoted hex MD5. */
  etag: string;
  /** Only for buckets with versioning enabled. */
  versionId?: string;
  sequencer: string;
  /** Epoch ms of the PutObject. */
  time: number;
  requestId: string;
  hostId: string;
  /** Classic name without the `s3:` prefix, e.g. `ObjectCreated:Put`. */
  eventName: string;
  /** EventBridge `detail.reason`, e.g. `PutObject`. */
  reason: string;
}

const invalid = (message: string) => new AwsFault('InvalidArgument', message);

/**
 * Validates a PutBucketNotificationConfiguration document the way S3 does (event names, filter
 * rules, overlapping configurations, Lambda destinations) and fills in missing configuration ids.
 */
export function normaliseNotification(ctx: SimContext, config: NotificationConfiguration | undefined, skipDestinationValidation: boolean): NotificationConfiguration {
  if (!config) throw new AwsFault('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema', 400);
  const lambdas: LambdaFunctionConfiguration[] = [];
  for (const c of config.LambdaFunctionConfigurations ?? []) {
    if (!c.LambdaFunctionArn) throw invalid('A LambdaFunctionArn is required for each LambdaFunctionConfiguration');
    if (!c.Events || c.Events.length === 0) throw invalid('At least one event must be specified for each configuration');
    for (const e of c.Events) if (!EVENTS.has(e)) throw invalid(`The event is not supported for notifications: ${e}`);
    filterRules(c);
    if (!skipDestinationValidation && ctx.lambda.keyOf(c.LambdaFunctionArn) === undefined) {
      throw invalid(`Unable to validate the following destination configurations: ${c.LambdaFunctionArn}`);
    }
    lambdas.push({ ...c, Id: c.Id ?? Buffer.from(ctx.ids.uuid()).toString('base64') });
  }
  for (let i = 0; i < lambdas.length; i++) {
    for (let j = i + 1; j < lambdas.length; j++) {
      if (overlap(lambdas[i] as LambdaFunctionConfiguration, lambdas[j] as LambdaFunctionConfiguration)) {
        throw invalid('Configurations overlap. Configurations on the same bucket cannot share a common event type.');
      }
    }
  }
  const out: NotificationConfiguration = { ...config };
  if (lambdas.length > 0) out.LambdaFunctionConfigurations = lambdas;
  else delete out.LambdaFunctionConfigurations;
  return out;
}

function filterRules(c: LambdaFunctionConfiguration): { prefix: string; suffix: string } {
  let prefix: string | undefined;
  let suffix: string | undefined;
  for (const r of c.Filter?.Key?.FilterRules ?? []) {
    const name = String(r.Name ?? '').toLowerCase();
    if (name === 'prefix') {
      if (prefix !== undefined) throw invalid('Cannot specify more than one prefix rule in a filter.');
      prefix = r.Value ?? '';
    } else if (name === 'suffix') {
      if (suffix !== undefined) throw invalid('Cannot specify more than one suffix rule in a filter.');
      suffix = r.Value ?? '';
    } else {
      throw invalid('filter rule name must be either prefix or suffix');
    }
  }
  return { prefix: prefix ?? '', suffix: suffix ?? '' };
}

function eventsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  const covers = (wild: string, e: string) => wild.endsWith(':*') && e.startsWith(wild.slice(0, -1));
  return covers(a, b) || covers(b, a);
}

function overlap(a: LambdaFunctionConfiguration, b: LambdaFunctionConfiguration): boolean {
  const shared = (a.Events ?? []).some((x) => (b.Events ?? []).some((y) => eventsIntersect(x, y)));
  if (!shared) return false;
  const fa = filterRules(a);
  const fb = filterRules(b);
  const prefixes = fa.prefix.startsWith(fb.prefix) || fb.prefix.startsWith(fa.prefix);
  const suffixes = fa.suffix.endsWith(fb.suffix) || fb.suffix.endsWith(fa.suffix);
  return prefixes && suffixes;
}

/** The Lambda configurations that want this event for this key. */
export function matchingLambdaConfigs(config: NotificationConfiguration, event: ObjectEvent): LambdaFunctionConfiguration[] {
  const name = `s3:${event.eventName}`;
  return (config.LambdaFunctionConfigurations ?? []).filter((c) => {
    if (!(c.Events ?? []).some((e) => eventsIntersect(e, name))) return false;
    const f = filterRules(c);
    return event.key.startsWith(f.prefix) && event.key.endsWith(f.suffix);
  });
}

/**
 * The key as S3 writes it into classic notifications: form encoding (space → `+`, everything
 * outside `A-Za-z0-9.-*_` percent-encoded from its UTF-8 bytes) except that `/` stays as it is.
 */
export function formEncodeKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9.\-*_/]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Classic notification message for one Lambda configuration (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html). */
export function classicMessage(ctx: SimContext, e: ObjectEvent, configurationId: string | undefined): unknown {
  const object: Record<string, unknown> = { key: formEncodeKey(e.key), size: e.size, eTag: e.etag };
  if (e.versionId !== undefined) object.versionId = e.versionId;
  object.sequencer = e.sequencer;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: ctx.region,
        eventTime: new Date(e.time).toISOString(),
        eventName: e.eventName,
        userIdentity: { principalId: `AWS:${ctx.accountId}` },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': e.requestId, 'x-amz-id-2': e.hostId },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: configurationId ?? '',
          bucket: { name: e.bucket, ownerIdentity: { principalId: ownerId(ctx) }, arn: `arn:aws:s3:::${e.bucket}` },
          object,
        },
      },
    ],
  };
}

/** EventBridge "Object Created" event (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html); the key is sent raw, as moto and the docs' examples do. */
export function eventBridgeEvent(ctx: SimContext, e: ObjectEvent): Record<string, unknown> {
  const object: Record<string, unknown> = { key: e.key, size: e.size, etag: e.etag };
  if (e.versionId !== undefined) object['version-id'] = e.versionId;
  object.sequencer = e.sequencer;
  return {
    version: '0',
    id: ctx.ids.uuid(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: ctx.accountId,
    time: new Date(e.time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: ctx.region,
    resources: [`arn:aws:s3:::${e.bucket}`],
    detail: {
      version: '0',
      bucket: { name: e.bucket },
      object,
      'request-id': e.requestId,
      requester: ctx.accountId,
      'source-ip-address': '127.0.0.1',
      reason: e.reason,
    },
  };
}

/** The canonical-user-style owner id S3 puts in classic events (stable per account). */
function ownerId(ctx: SimContext): string {
  return `A${Buffer.from(ctx.accountId).toString('hex').toUpperCase().slice(0, 13)}`;
}
