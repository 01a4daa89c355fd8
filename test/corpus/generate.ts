/**
 * Writes the hostile input corpus (test/corpus/*.json): `npx tsx test/corpus/generate.ts`.
 * Kept as data so a reviewer reads the cases and corpus.test.ts replays them unchanged; run again
 * only to change the corpus. Placeholders the test fills from its world: $BUCKET (the artifacts
 * bucket), $IMAGE (an image of this account), $LISTENER, $TG_ARN; `$HUGE:<n>` is n × "x", and
 * an array element `{"$repeat": n, "item": x}` stands for n copies of x (huge payloads, small files).
 */
import { writeFileSync } from 'node:fs';

export type Expect = { error: string; mentions: string[] } | { ignored: string };
export interface Case {
  id: string;
  expect: Expect;
  [payload: string]: unknown;
}

const err = (error: string, ...mentions: string[]): Expect => ({ error, mentions });
const ignored = (why: string): Expect => ({ ignored: why });
const invalid = (...mentions: string[]) => err('InvalidInput', ...mentions);

const KEY = 'releases/web-prod/1.2.0/web-1.2.0.tgz';
const ETAG = 'b1946ac92492d2347c6235b4d2611184';
const VERSION = 'IYV3p45BhZA0dKnqBtKIAAxXsQvXcQ6p';

/** Cluster names that are not names, and why. */
const BAD_CLUSTERS: [string, string][] = [
  ['Web-Prod', 'upper case'],
  ['web_prod', 'underscore'],
  ['web--prod', 'empty part'],
  ['-web', 'leading hyphen'],
  ['web-', 'trailing hyphen'],
  ['web-v001', 'vNNN part'],
  ['wéb-prod', 'unicode'],
  ['web prod', 'space'],
  ['a'.repeat(33), 'too long'],
  ['web.prod', 'dot'],
  ['web%2Fprod', 'encoded slash'],
  ['\u202eweb', 'bidi override'],
];
/** Releases outside [A-Za-z0-9._+-]{1,64}. */
const BAD_RELEASES: [string, string][] = [
  ['1.2 0', 'space'],
  ['1.2/0', 'slash'],
  ['v1.2.0!', 'bang'],
  ['١٫٢', 'arabic digits'],
  ['1.2.0\u0000', 'NUL'],
  ['r'.repeat(65), '65 characters'],
  ['$(reboot)', 'shell'],
  ['1.2.0;rm', 'semicolon'],
];
/** Keys under the right bucket that are not release uploads. */
const NOT_RELEASES: [string, string, string][] = [
  ['web-prod/1.2.0/web.tgz', 'no prefix', 'not under releases/'],
  ['Releases/web-prod/1.2.0/web.tgz', 'capitalised prefix', 'not under releases/'],
  ['releases', 'bare prefix', 'not under releases/'],
  ['release/web-prod/1.2.0/web.tgz', 'singular prefix', 'not under releases/'],
  ['/releases/web-prod/1.2.0/web.tgz', 'leading slash', 'not under releases/'],
  ['releases%2Fweb-prod%2F1.2.0%2Fweb.tgz', 'URL-encoded slashes', 'not under releases/'],
  ['releases/web-prod/1.2.0/', 'folder marker', 'folder marker'],
  ['releases/web-prod/web.tgz', 'no release segment', 'releases/<cluster>/<release>/<file>'],
  ['releases/web-prod/1.2.0/sub/web.tgz', 'five segments', 'releases/<cluster>/<release>/<file>'],
  ['releases//1.2.0/web.tgz', 'empty cluster', 'cluster'],
  ['releases/web-prod//web.tgz', 'empty release', 'release'],
  ['releases/web-prod/../web.tgz', 'dot-dot release', '..'],
  ['releases/web-prod/./web.tgz', 'dot release', '.'],
  ['releases/web-prod/1.2.0/..', 'dot-dot file', '..'],
  ['releases/web-prod/1.2.0/.', 'dot file', '.'],
  [`releases/web-prod/1.2.0/${'x'.repeat(1010)}`, '1,034-byte key', '1024 bytes'],
  [`releases/web-prod/1.2.0/${'é'.repeat(600)}`, '1,224 bytes of two-byte characters', '1024 bytes'],
  ['releases/web-prod/1.2.0/web\u0007.tgz', 'control character', 'control characters'],
  ['releases/web-prod/1.2.0/web\n.tgz', 'newline', 'control characters'],
  ['releases/web-prod/1.2.0/\ud800.tgz', 'lone surrogate', 'valid Unicode'],
  ...BAD_CLUSTERS.map(([c, why]): [string, string, string] => [`releases/${c}/1.2.0/web.tgz`, `cluster: ${why}`, 'cluster']),
  ...BAD_RELEASES.filter(([r]) => !r.includes('/')).map(([r, why]): [string, string, string] => [`releases/web-prod/${r}/web.tgz`, `release: ${why}`, 'release']),
];

function ebS3(over: { bucket?: unknown; key?: unknown; versionId?: unknown; etag?: unknown; detailType?: unknown }, drop: string[] = []): Record<string, unknown> {
  const object: Record<string, unknown> = { key: 'key' in over ? over.key : KEY, size: 27, etag: 'etag' in over ? over.etag : ETAG, 'version-id': 'versionId' in over ? over.versionId : VERSION, sequencer: '00617F08299329D189' };
  const detail: Record<string, unknown> = { version: '0', bucket: { name: 'bucket' in over ? over.bucket : '$BUCKET' }, object, 'request-id': 'N4N7GDK58NMKJ12R', requester: '123456789012', reason: 'PutObject' };
  const event: Record<string, unknown> = { version: '0', id: '17793124-05d4-b198-2fde-7ededc63b103', 'detail-type': 'detailType' in over ? over.detailType : 'Object Created', source: 'aws.s3', account: '123456789012', time: '2026-11-26T09:30:00Z', region: 'us-east-1', resources: [], detail };
  for (const path of drop) {
    const parts = path.split('.');
    let at: Record<string, unknown> = event;
    for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
    delete at[parts.at(-1) as string];
  }
  return event;
}

function record(over: { bucket?: unknown; key?: unknown; eventName?: unknown; eventSource?: unknown; versionId?: unknown; eTag?: unknown } = {}): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'eventSource' in over ? over.eventSource : 'aws:s3',
    awsRegion: 'us-east-1',
    eventTime: '2026-11-26T09:30:00.000Z',
    eventName: 'eventName' in over ? over.eventName : 'ObjectCreated:Put',
    s3: {
      s3SchemaVersion: '1.0',
      bucket: { name: 'bucket' in over ? over.bucket : '$BUCKET', arn: 'arn:aws:s3:::bucket' },
      object: { key: 'key' in over ? over.key : KEY, size: 27, eTag: 'eTag' in over ? over.eTag : ETAG, versionId: 'versionId' in over ? over.versionId : VERSION, sequencer: '0055AED6DCD90281E5' },
    },
  };
}

/** S3 uploads, through EventBridge and as classic notifications. */
function s3Cases(): Case[] {
  const cases: Case[] = [];
  const add = (id: string, event: unknown, expect: Expect) => cases.push({ id, event, expect });
  // EventBridge shape: wrong types and missing fields are wiring bugs (errors); anything else is ignored.
  add('eb-null', null, invalid('(root)'));
  add('eb-array', [], invalid('(root)', 'must be an object'));
  add('eb-string', 'Object Created', invalid('(root)', 'must be an object'));
  add('eb-empty-object', {}, invalid('source', 'is required'));
  add('eb-source-number', { ...ebS3({}), source: 42 }, invalid('source', 'must be a string'));
  add('eb-source-aws-ec2', { ...ebS3({}), source: 'aws.ec2' }, invalid('source', 'aws.s3 or redblack'));
  add('eb-no-detail-type', ebS3({}, ['detail-type']), invalid('detail-type', 'is required'));
  add('eb-detail-type-number', ebS3({ detailType: 7 }), invalid('detail-type', 'must be a string'));
  for (const t of ['Object Deleted', 'Object Restore Completed', 'Object Tags Added', 'object created'])
    add(`eb-detail-type-${t.replace(/ /g, '-').toLowerCase()}`, ebS3({ detailType: t }), ignored('is not an upload'));
  add('eb-no-detail', ebS3({}, ['detail']), invalid('detail', 'is required'));
  add('eb-detail-string', { ...ebS3({}), detail: 'releases/web-prod/1.2.0/web.tgz' }, invalid('detail', 'must be an object'));
  add('eb-no-bucket', ebS3({}, ['detail.bucket']), invalid('detail.bucket', 'is required'));
  add('eb-bucket-string', { ...ebS3({}), detail: { ...(ebS3({}).detail as object), bucket: '$BUCKET' } }, invalid('detail.bucket', 'must be an object'));
  add('eb-no-bucket-name', ebS3({}, ['detail.bucket.name']), invalid('detail.bucket.name', 'is required'));
  add('eb-bucket-name-number', ebS3({ bucket: 12 }), invalid('detail.bucket.name', 'must be a string'));
  add('eb-bucket-name-array', ebS3({ bucket: ['$BUCKET'] }), invalid('detail.bucket.name', 'must be a string'));
  add('eb-no-object', ebS3({}, ['detail.object']), invalid('detail.object', 'is required'));
  add('eb-no-key', ebS3({}, ['detail.object.key']), invalid('detail.object.key', 'is required'));
  add('eb-key-number', ebS3({ key: 1 }), invalid('detail.object.key', 'must be a string'));
  add('eb-key-object', ebS3({ key: { S: KEY } }), invalid('detail.object.key', 'must be a string'));
  add('eb-version-empty', ebS3({ versionId: '' }), invalid('detail.object.version-id', 'must not be empty'));
  add('eb-version-number', ebS3({ versionId: 3 }), invalid('detail.object.version-id', 'must be a string'));
  add('eb-version-huge', ebS3({ versionId: '$HUGE:2000' }), invalid('detail.object.version-id', '1024'));
  add('eb-etag-empty', ebS3({ etag: '' }), invalid('detail.object.etag', 'must not be empty'));
  add('eb-etag-shell', ebS3({ etag: '$(reboot)' }), invalid('detail.object.etag', 'ETag'));
  add('eb-etag-huge', ebS3({ etag: '$HUGE:300' }), invalid('detail.object.etag', 'ETag'));
  add('eb-etag-boolean', ebS3({ etag: true }), invalid('detail.object.etag', 'must be a string'));
  for (const b of ['other-bucket', 'redblack-local-artifacts-210987654321', 'Bad_Bucket', 'xn--bucket', '10.0.0.1', 'a'])
    add(`eb-other-bucket-${b.replace(/[^a-z0-9]/gi, '_')}`, ebS3({ bucket: b }), ignored('is not the artifacts bucket'));
  for (const [key, why, reason] of NOT_RELEASES) add(`eb-key-${why.replace(/\W+/g, '-')}`, ebS3({ key }), ignored(reason));
  add('eb-huge-payload', { ...ebS3({ key: 'logs/huge.txt' }), resources: [{ $repeat: 2000, item: 'arn:aws:s3:::$BUCKET' }], junk: '$HUGE:200000' }, ignored('not under releases/'));

  // Classic notifications: form-encoded keys, batches validated as a whole.
  add('classic-records-object', { Records: { 0: record() } }, invalid('Records', 'must be a list'));
  add('classic-records-string', { Records: 'ObjectCreated:Put' }, invalid('Records', 'must be a list'));
  add('classic-records-empty', { Records: [] }, ignored(''));
  add('classic-record-null', { Records: [null] }, invalid('Records[0]', 'must be an object'));
  add('classic-record-number', { Records: [7] }, invalid('Records[0]', 'must be an object'));
  add('classic-no-source', { Records: [{ ...record(), eventSource: undefined }] }, invalid('Records[0].eventSource', 'is required'));
  add('classic-source-sqs', { Records: [record({ eventSource: 'aws:sqs' })] }, invalid('Records[0].eventSource', 'must be aws:s3'));
  add('classic-no-event-name', { Records: [{ ...record(), eventName: undefined }] }, invalid('Records[0].eventName', 'is required'));
  for (const name of ['ObjectRemoved:Delete', 'ObjectRestore:Completed', 's3:TestEvent', 'LifecycleExpiration:Delete', 'objectcreated:put'])
    add(`classic-event-${name.replace(/\W+/g, '-').toLowerCase()}`, { Records: [record({ eventName: name })] }, ignored('is not an upload'));
  add('classic-no-s3', { Records: [{ ...record(), s3: undefined }] }, invalid('Records[0].s3', 'is required'));
  add('classic-bucket-number', { Records: [record({ bucket: 5 })] }, invalid('Records[0].s3.bucket.name', 'must be a string'));
  add('classic-key-number', { Records: [record({ key: 5 })] }, invalid('Records[0].s3.object.key', 'must be a string'));
  add('classic-key-bad-encoding', { Records: [record({ key: 'releases/web-prod/1.2.0/web%E0%A4%A.tgz' })] }, invalid('Records[0].s3.object.key', 'URL encoding'));
  add('classic-key-lone-percent', { Records: [record({ key: 'releases/web-prod/1.2.0/100%.tgz' })] }, invalid('Records[0].s3.object.key', 'URL encoding'));
  add('classic-version-empty', { Records: [record({ versionId: '' })] }, invalid('Records[0].s3.object.versionId', 'must not be empty'));
  add('classic-etag-shell', { Records: [record({ eTag: '`id`' })] }, invalid('Records[0].s3.object.eTag', 'ETag'));
  add('classic-second-record-broken', { Records: [record(), record({ key: 9 })] }, invalid('Records[1].s3.object.key', 'must be a string'));
  add('classic-other-bucket', { Records: [record({ bucket: 'other-bucket' })] }, ignored('is not the artifacts bucket'));
  add('classic-encoded-dotdot', { Records: [record({ key: 'releases/web-prod/1.2.0/%2E%2E' })] }, ignored('..'));
  add('classic-encoded-slashes', { Records: [record({ key: 'releases%2Fweb-prod%2F1.2.0%2F%2E%2E' })] }, ignored('..'));
  add('classic-plus-is-space', { Records: [record({ key: 'releases/web+prod/1.2.0/web.tgz' })] }, ignored('cluster'));
  add('classic-encoded-unicode-cluster', { Records: [record({ key: 'releases/w%C3%A9b-prod/1.2.0/web.tgz' })] }, ignored('cluster'));
  add('classic-encoded-control', { Records: [record({ key: 'releases/web-prod/1.2.0/a%0Ab.tgz' })] }, ignored('control characters'));
  add('classic-encoded-long', { Records: [record({ key: `releases/web-prod/1.2.0/${'%C3%A9'.repeat(600)}` })] }, ignored('1024 bytes'));
  for (const [key, why, reason] of NOT_RELEASES.filter(([k]) => ![...k].some((ch) => ch === '%' || ch === ' ' || (ch.codePointAt(0) as number) < 0x20 || /\p{Cs}/u.test(ch))))
    add(`classic-key-${why.replace(/\W+/g, '-')}`, { Records: [record({ key: encodeURIComponent(key).replace(/%2F/g, '/') })] }, ignored(reason));
  add('classic-huge-batch', { Records: [{ $repeat: 3000, item: record({ eventName: 'ObjectRemoved:Delete' }) }] }, ignored('is not an upload'));
  add('s3-test-event', { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-11-26T09:30:00.000Z', Bucket: '$BUCKET' }, ignored('S3 test event'));
  return cases;
}

const detail = (d: Record<string, unknown>) => ({ version: '0', id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718', 'detail-type': 'Deploy Requested', source: 'redblack', account: '123456789012', time: '2026-11-26T09:30:00Z', region: 'us-east-1', resources: [], detail: d });
const ARTIFACT = { bucket: '$BUCKET', key: KEY };

/** `Deploy Requested` events that must be refused before anything starts. */
function eventBridgeCases(): Case[] {
  const cases: Case[] = [];
  const add = (id: string, event: unknown, expect: Expect) => cases.push({ id, event, expect });
  add('detail-type-wrong', { ...detail({ cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE' }), 'detail-type': 'Deploy Please' }, invalid('detail-type', 'Deploy Requested'));
  add('detail-type-missing', { source: 'redblack', detail: { cluster: 'web-prod' } }, invalid('detail-type', 'is required'));
  for (const s of ['Redblack', 'redblack ', 'aws.events', 'aws.codepipeline', ''])
    add(`source-${s.replace(/\W+/g, '_') || 'empty'}`, { ...detail({ cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE' }), source: s }, invalid('source', 'aws.s3 or redblack'));
  add('no-detail', { source: 'redblack', 'detail-type': 'Deploy Requested' }, invalid('detail', 'JSON object'));
  add('detail-null', detail(null as never), invalid('detail', 'JSON object'));
  add('detail-array', detail([] as never), invalid('detail', 'JSON object'));
  add('detail-string', detail('web-prod 1.2.0' as never), invalid('detail', 'JSON object'));
  add('detail-empty', detail({}), invalid('detail.cluster', 'is required'));
  add('no-cluster', detail({ release: '1.2.0', imageId: '$IMAGE' }), invalid('detail.cluster', 'is required'));
  add('cluster-number', detail({ cluster: 7, release: '1.2.0', imageId: '$IMAGE' }), invalid('detail.cluster', 'must be a string'));
  add('cluster-empty', detail({ cluster: '', release: '1.2.0', imageId: '$IMAGE' }), invalid('detail.cluster', 'must not be empty'));
  for (const [c, why] of BAD_CLUSTERS) add(`cluster-${why.replace(/\W+/g, '-')}`, detail({ cluster: c, release: '1.2.0', imageId: '$IMAGE' }), invalid('detail.cluster'));
  add('cluster-huge', detail({ cluster: '$HUGE:200000', release: '1.2.0', imageId: '$IMAGE' }), invalid('detail.cluster', 'at most 32'));
  add('no-release', detail({ cluster: 'web-prod', imageId: '$IMAGE' }), invalid('detail.release', 'is required'));
  add('release-empty', detail({ cluster: 'web-prod', release: '', imageId: '$IMAGE' }), invalid('detail.release'));
  add('release-number', detail({ cluster: 'web-prod', release: 1.2, imageId: '$IMAGE' }), invalid('detail.release', 'must be a string'));
  for (const [r, why] of BAD_RELEASES) add(`release-${why.replace(/\W+/g, '-')}`, detail({ cluster: 'web-prod', release: r, imageId: '$IMAGE' }), invalid('detail.release', '1-64'));
  add('release-huge', detail({ cluster: 'web-prod', release: '$HUGE:200000', imageId: '$IMAGE' }), invalid('detail.release', '1-64'));
  add('neither-artifact-nor-image', detail({ cluster: 'web-prod', release: '1.2.0' }), invalid('detail.artifact', 'one of artifact or imageId'));
  add('both-artifact-and-image', detail({ cluster: 'web-prod', release: '1.2.0', artifact: ARTIFACT, imageId: '$IMAGE' }), invalid('detail.imageId', 'not both'));
  for (const id of ['ami-123', 'ami-0123456789abcdef', 'ami-0123456789ABCDEF0', 'i-0123456789abcdef0', 'AMI-0123456789abcdef0', ' ami-0123456789abcdef0', 'ami-0123456789abcdef0\n', 'snap-01234567'])
    add(`image-id-${id.replace(/\W+/g, '_')}`, detail({ cluster: 'web-prod', release: '1.2.0', imageId: id }), invalid('detail.imageId', 'AMI id'));
  add('image-id-number', detail({ cluster: 'web-prod', release: '1.2.0', imageId: 123 }), invalid('detail.imageId', 'must be a string'));
  add('misspelt-imageID', detail({ cluster: 'web-prod', release: '1.2.0', imageID: '$IMAGE' }), invalid('imageID', 'unknown field'));
  add('extra-field', detail({ cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE', priority: 'high' }), invalid('detail.priority', 'unknown field'));
  add('prototype-pollution', detail({ cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE', ['__proto__' as string]: { admin: true }, constructor: { prototype: {} } }), invalid('unknown field'));
  add('artifact-string', detail({ cluster: 'web-prod', release: '1.2.0', artifact: `s3://$BUCKET/${KEY}` }), invalid('detail.artifact', 'must be an object'));
  add('artifact-no-key', detail({ cluster: 'web-prod', release: '1.2.0', artifact: { bucket: '$BUCKET' } }), invalid('detail.artifact.key', 'is required'));
  add('artifact-no-bucket', detail({ cluster: 'web-prod', release: '1.2.0', artifact: { key: KEY } }), invalid('detail.artifact.bucket', 'is required'));
  add('artifact-extra', detail({ cluster: 'web-prod', release: '1.2.0', artifact: { ...ARTIFACT, acl: 'public-read' } }), invalid('detail.artifact.acl', 'unknown field'));
  for (const b of ['..', 'UPPER', 'ab', 'b'.repeat(64), 'xn--bucket', '192.168.0.1', 'bucket-s3alias', 'a..b', '-bucket'])
    add(`artifact-bucket-${b.replace(/\W+/g, '_').slice(0, 20)}`, detail({ cluster: 'web-prod', release: '1.2.0', artifact: { bucket: b, key: KEY } }), invalid('detail.artifact.bucket'));
  for (const [k, why, reason] of [
    ['releases/web-prod/1.2.0/../../etc/passwd', 'dot-dot', '..'],
    ['', 'empty', 'must not be empty'],
    ['releases/web-prod/1.2.0/', 'folder', 'folder'],
    [`releases/web-prod/1.2.0/${'x'.repeat(1100)}`, '1,124 bytes', '1024 bytes'],
    ['releases/web-prod/1.2.0/a\u0000b', 'NUL', 'control characters'],
    ['releases/web-prod/1.2.0/\udc00', 'lone surrogate', 'valid Unicode'],
  ] as [string, string, string][])
    add(`artifact-key-${why.replace(/\W+/g, '-')}`, detail({ cluster: 'web-prod', release: '1.2.0', artifact: { bucket: '$BUCKET', key: k } }), invalid('detail.artifact.key', reason));
  add('artifact-version-empty', detail({ cluster: 'web-prod', release: '1.2.0', artifact: { ...ARTIFACT, versionId: '' } }), invalid('detail.artifact.versionId', 'must not be empty'));
  add('artifact-etag-bad', detail({ cluster: 'web-prod', release: '1.2.0', artifact: { ...ARTIFACT, etag: 'not an etag' } }), invalid('detail.artifact.etag', 'ETag'));
  add('huge-detail', detail({ cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE', notes: '$HUGE:200000' }), invalid('detail.notes', 'unknown field'));
  return cases;
}

/** StartExecution inputs from the console or CLI: the execution fails in Plan, typed, having changed nothing. */
function consoleCases(): Case[] {
  const cases: Case[] = [];
  const add = (id: string, input: unknown, expect: Expect) => cases.push({ id, input, expect });
  add('empty-object', {}, invalid('cluster', 'is required'));
  add('unknown-cluster', { cluster: 'nope-prod', release: '1.2.0', imageId: '$IMAGE' }, err('ClusterNotFound', 'nope-prod'));
  add('unknown-cluster-artifact', { cluster: 'ghost', release: '1.2.0', artifact: ARTIFACT }, err('ClusterNotFound', 'ghost'));
  add('cluster-of-other-case', { cluster: 'WEB-PROD', release: '1.2.0', imageId: '$IMAGE' }, invalid('cluster'));
  for (const [c, why] of BAD_CLUSTERS.slice(0, 8)) add(`cluster-${why.replace(/\W+/g, '-')}`, { cluster: c, release: '1.2.0', imageId: '$IMAGE' }, invalid('cluster'));
  for (const [r, why] of BAD_RELEASES) add(`release-${why.replace(/\W+/g, '-')}`, { cluster: 'web-prod', release: r, imageId: '$IMAGE' }, invalid('release', '1-64'));
  add('release-missing', { cluster: 'web-prod', imageId: '$IMAGE' }, invalid('release', 'is required'));
  add('neither', { cluster: 'web-prod', release: '1.2.0' }, invalid('artifact', 'one of artifact or imageId'));
  add('both', { cluster: 'web-prod', release: '1.2.0', artifact: ARTIFACT, imageId: '$IMAGE' }, invalid('imageId', 'not both'));
  add('both-empty', { cluster: 'web-prod', release: '1.2.0', artifact: {}, imageId: '' }, invalid('artifact'));
  for (const id of ['ami-0123456789abcdef0', 'ami-00000000', 'ami-fedcba9876543210f'])
    add(`foreign-image-${id}`, { cluster: 'web-prod', release: '1.2.0', imageId: id }, err('ImageNotFound', id, 'not owned by this account'));
  add('image-malformed', { cluster: 'web-prod', release: '1.2.0', imageId: 'ami-xyz' }, invalid('imageId', 'AMI id'));
  add('image-wrong-kind', { cluster: 'web-prod', release: '1.2.0', imageId: 'snap-0123456789abcdef0' }, invalid('imageId', 'AMI id'));
  add('artifact-missing-object', { cluster: 'web-prod', release: '1.2.0', artifact: { bucket: '$BUCKET', key: 'releases/web-prod/9.9.9/nope.tgz' } }, invalid('artifact', 'does not exist'));
  add('artifact-other-bucket', { cluster: 'web-prod', release: '1.2.0', artifact: { bucket: 'someone-elses-bucket', key: KEY } }, invalid('artifact', 'does not exist'));
  add('artifact-unknown-version', { cluster: 'web-prod', release: '1.2.0', artifact: { ...ARTIFACT, versionId: 'nosuchversion' } }, invalid('artifact', 'does not exist'));
  add('artifact-dotdot', { cluster: 'web-prod', release: '1.2.0', artifact: { bucket: '$BUCKET', key: 'releases/../secrets/key.pem' } }, invalid('artifact.key', '..'));
  add('misspelt-imageID', { cluster: 'web-prod', release: '1.2.0', imageID: '$IMAGE' }, invalid('imageID', 'unknown field'));
  add('action-not-rollback', { action: 'destroy', cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE' }, invalid('action', 'unknown field'));
  add('rollback-no-cluster', { action: 'rollback' }, invalid('cluster', 'is required'));
  add('rollback-bad-cluster', { action: 'rollback', cluster: 'Web' }, invalid('cluster'));
  add('rollback-extra', { action: 'rollback', cluster: 'web-prod', force: true }, invalid('force', 'unknown field'));
  add('rollback-unknown-cluster', { action: 'rollback', cluster: 'nope-prod' }, err('ClusterNotFound', 'nope-prod'));
  add('rollback-nothing-deployed', { action: 'rollback', cluster: 'web-prod' }, err('RollbackUnavailable', 'web-prod'));
  add('rollback-reason-huge', { action: 'rollback', cluster: 'web-prod', reason: '$HUGE:5000' }, invalid('reason', '1024'));
  add('huge-release', { cluster: 'web-prod', release: '$HUGE:200000', imageId: '$IMAGE' }, invalid('release'));
  add('huge-extra', { cluster: 'web-prod', release: '1.2.0', imageId: '$IMAGE', padding: '$HUGE:200000' }, invalid('padding', 'unknown field'));
  add('deep-nesting', { cluster: 'web-prod', release: '1.2.0', artifact: { bucket: '$BUCKET', key: { a: { b: { c: { d: {} } } } } } }, invalid('artifact.key', 'must be a string'));
  return cases;
}

/** Cluster configurations (patched from the world's valid one): Plan refuses them naming the field. */
function configCases(): Case[] {
  const cases: Case[] = [];
  const cfg = (id: string, patch: [string, unknown][], ...mentions: string[]) => cases.push({ id, patch, expect: err('InvalidClusterConfig', ...mentions) });
  const D = '$DELETE';
  cases.push({ id: 'not-json', raw: '{"listenerArn": ', expect: err('InvalidClusterConfig', 'not valid JSON') });
  cases.push({ id: 'json-array', raw: '[]', expect: err('InvalidClusterConfig', 'JSON object') });
  cases.push({ id: 'json-string', raw: '"web-prod"', expect: err('InvalidClusterConfig', 'JSON object') });
  cases.push({ id: 'json-null', raw: 'null', expect: err('InvalidClusterConfig', 'JSON object') });
  cases.push({ id: 'double-encoded', raw: JSON.stringify(JSON.stringify({ listenerArn: '$LISTENER' })), expect: err('InvalidClusterConfig', 'JSON object') });
  cases.push({ id: 'empty-object', raw: '{}', expect: err('InvalidClusterConfig', 'listenerArn', 'one of listenerArn or ruleArn') });
  cfg('unknown-top-key', [['replicas', 3]], 'replicas', 'unknown field');
  cfg('misspelt-healthgate', [['healthgate', { timeoutMinutes: 5 }]], 'healthgate', 'unknown field');
  cfg('unknown-traffic-key', [['traffic.stepz', [100]]], 'traffic.stepz', 'unknown field');
  cfg('unknown-bake-key', [['bake.ami', 'ami-12345678']], 'bake.ami', 'unknown field');
  cfg('unknown-teardown-key', [['teardown.keep', 3]], 'teardown.keep', 'unknown field');
  cfg('no-listener', [['listenerArn', D]], 'listenerArn', 'one of listenerArn or ruleArn');
  cfg('listener-and-rule', [['ruleArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-prod/0123456789abcdef/0123456789abcdef/0123456789abcdef']], 'ruleArn', 'not both');
  cfg('listener-is-target-group', [['listenerArn', '$TG_ARN']], 'listenerArn', 'targetgroup ARN');
  cfg('listener-is-load-balancer', [['listenerArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web-prod/0123456789abcdef']], 'listenerArn', 'loadbalancer ARN');
  cfg('listener-is-rule', [['listenerArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-prod/0123456789abcdef/0123456789abcdef/0123456789abcdef']], 'listenerArn', 'listener-rule ARN');
  cfg('listener-is-nlb', [['listenerArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/web-prod/0123456789abcdef/0123456789abcdef']], 'listenerArn', 'non-ALB listener');
  cfg('listener-is-sqs', [['listenerArn', 'arn:aws:sqs:us-east-1:123456789012:queue']], 'listenerArn', 'not an Elastic Load Balancing ARN');
  cfg('listener-is-name', [['listenerArn', 'web-prod-listener']], 'listenerArn', 'not an Elastic Load Balancing ARN');
  cfg('listener-number', [['listenerArn', 80]], 'listenerArn', 'must be a string');
  cfg('listener-missing', [['listenerArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web-prod/0123456789abcdef/0123456789abcdef']], 'listenerArn', 'does not exist');
  cfg('rule-missing', [['listenerArn', D], ['ruleArn', 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web-prod/0123456789abcdef/0123456789abcdef/0123456789abcdef']], 'ruleArn', 'does not exist');
  cfg('rule-is-listener', [['listenerArn', D], ['ruleArn', '$LISTENER']], 'ruleArn', 'listener ARN');
  cfg('steps-not-ending-100', [['traffic.steps', [10, 50]]], 'traffic.steps[1]', 'must be 100');
  cfg('steps-ending-99', [['traffic.steps', [99]]], 'traffic.steps[0]', 'must be 100');
  cfg('steps-empty', [['traffic.steps', []]], 'traffic.steps', 'at least one step');
  cfg('steps-decreasing', [['traffic.steps', [50, 10, 100]]], 'traffic.steps[1]', 'greater than');
  cfg('steps-repeated', [['traffic.steps', [50, 50, 100]]], 'traffic.steps[1]', 'greater than');
  cfg('steps-zero', [['traffic.steps', [0, 100]]], 'traffic.steps[0]', '1 to 100');
  cfg('steps-over-100', [['traffic.steps', [50, 150]]], 'traffic.steps[1]', '1 to 100');
  cfg('steps-fraction', [['traffic.steps', [12.5, 100]]], 'traffic.steps[0]', 'integer');
  cfg('steps-negative', [['traffic.steps', [-10, 100]]], 'traffic.steps[0]', '1 to 100');
  cfg('steps-eleven', [['traffic.steps', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100]]], 'traffic.steps', 'at most 10');
  cfg('steps-string', [['traffic.steps', '10,50,100']], 'traffic.steps', 'must be an array');
  cfg('steps-strings', [['traffic.steps', ['10', '100']]], 'traffic.steps[0]', 'must be a number');
  cfg('wait-negative', [['traffic.waitSeconds', -1]], 'traffic.waitSeconds', '0 to 3600');
  cfg('wait-huge', [['traffic.waitSeconds', 86400]], 'traffic.waitSeconds', '0 to 3600');
  cfg('wait-string', [['traffic.waitSeconds', '60']], 'traffic.waitSeconds', 'must be');
  cfg('alarm-empty-name', [['traffic.alarmNames', ['']]], 'traffic.alarmNames[0]', 'must not be empty');
  cfg('alarm-not-list', [['healthGate.alarmNames', 'web-prod-5xx']], 'healthGate.alarmNames', 'must be an array');
  cfg('alarm-name-long', [['healthGate.alarmNames', ['$HUGE:300']]], 'healthGate.alarmNames[0]', '255');
  cfg('gate-timeout-zero', [['healthGate.timeoutMinutes', 0]], 'healthGate.timeoutMinutes', '1 to 120');
  cfg('gate-timeout-huge', [['healthGate.timeoutMinutes', 10000]], 'healthGate.timeoutMinutes', '1 to 120');
  cfg('min-healthy-zero', [['healthGate.minHealthyPercent', 0]], 'healthGate.minHealthyPercent', '1 to 100');
  cfg('min-healthy-over', [['healthGate.minHealthyPercent', 101]], 'healthGate.minHealthyPercent', '1 to 100');
  cfg('min-healthy-fraction', [['healthGate.minHealthyPercent', 66.6]], 'healthGate.minHealthyPercent', 'integer');
  cfg('min-healthy-string', [['healthGate.minHealthyPercent', '100%']], 'healthGate.minHealthyPercent', 'must be');
  cfg('retain-negative', [['teardown.retainMinutes', -5]], 'teardown.retainMinutes', '0 to 10080');
  cfg('retain-year', [['teardown.retainMinutes', 525600]], 'teardown.retainMinutes', '0 to 10080');
  cfg('max-groups-zero', [['teardown.maxRemainingGroups', 0]], 'teardown.maxRemainingGroups', '1 to 10');
  cfg('max-groups-many', [['teardown.maxRemainingGroups', 50]], 'teardown.maxRemainingGroups', '1 to 10');
  cfg('scale-down-string', [['teardown.scaleDownOld', 'yes']], 'teardown.scaleDownOld', 'true or false');
  cfg('image-retention-zero', [['teardown.imageRetentionDays', 0]], 'teardown.imageRetentionDays', '1 to 3650');
  cfg('rollback-string', [['rollbackOnFailure', 'true']], 'rollbackOnFailure', 'true or false');
  cfg('bake-no-base', [['bake.baseImageId', D]], 'bake.baseImageId', 'one of baseImageId or baseImageParameter');
  cfg('bake-both-bases', [['bake.baseImageParameter', '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64']], 'bake.baseImageParameter', 'not both');
  cfg('bake-base-not-ami', [['bake.baseImageId', 'ami-xyz']], 'bake.baseImageId', 'AMI id');
  cfg('bake-subnet-is-vpc', [['bake.subnetId', 'vpc-0123456789abcdef0']], 'bake.subnetId', 'subnet id');
  cfg('bake-no-subnet', [['bake.subnetId', D]], 'bake.subnetId', 'is required');
  cfg('bake-sg-not-sg', [['bake.securityGroupIds', ['subnet-01234567']]], 'bake.securityGroupIds[0]', 'security group id');
  cfg('bake-six-sgs', [['bake.securityGroupIds', Array.from({ length: 6 }, (_, i) => `sg-0123456${i}`)]], 'bake.securityGroupIds', 'at most 5');
  cfg('bake-instance-type', [['bake.instanceType', 'huge']], 'bake.instanceType', 'instance type');
  cfg('bake-timeout-short', [['bake.timeoutMinutes', 1]], 'bake.timeoutMinutes', '5 to 240');
  cfg('bake-profile-role-arn', [['bake.instanceProfile', 'arn:aws:iam::123456789012:role/builder']], 'bake.instanceProfile', 'instance-profile ARN');
  cfg('bake-install-empty', [['bake.installCommand', '']], 'bake.installCommand', 'must not be empty');
  cfg('bake-install-huge', [['bake.installCommand', '$HUGE:5000']], 'bake.installCommand', '4096');
  cfg('launch-no-target-group', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'] }]], 'launch.targetGroup', 'is required');
  cfg('launch-no-subnets', [['launch', { launchTemplateName: 'web-prod', subnets: [], targetGroup: { vpcId: 'vpc-01234567' } }]], 'launch.subnets', 'at least one subnet');
  cfg('launch-desired-over-max', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'], maxSize: 2, desiredCapacity: 5, targetGroup: { vpcId: 'vpc-01234567' } }]], 'launch.desiredCapacity', 'between');
  cfg('launch-min-over-max', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'], minSize: 5, maxSize: 2, targetGroup: { vpcId: 'vpc-01234567' } }]], 'launch.maxSize', 'at least minSize');
  cfg('launch-port-zero', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'], targetGroup: { vpcId: 'vpc-01234567', port: 0 } }]], 'launch.targetGroup.port', '1 to 65535');
  cfg('launch-protocol-tcp', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'], targetGroup: { vpcId: 'vpc-01234567', protocol: 'TCP' } }]], 'launch.targetGroup.protocol', 'HTTP or HTTPS');
  cfg('launch-health-path', [['launch', { launchTemplateName: 'web-prod', subnets: ['subnet-01234567'], targetGroup: { vpcId: 'vpc-01234567', healthCheckPath: 'health' } }]], 'launch.targetGroup.healthCheckPath', 'starting with /');
  cfg('launch-template-name', [['launch', { launchTemplateName: 'x', subnets: ['subnet-01234567'], targetGroup: { vpcId: 'vpc-01234567' } }]], 'launch.launchTemplateName', 'launch template name');
  cfg('section-null', [['traffic', null]], 'traffic', 'must be an object');
  cfg('section-array', [['healthGate', []]], 'healthGate', 'must be an object');
  return cases;
}

/** Teardown events (what a schedule would deliver) naming groups teardown must not touch. */
function teardownCases(): Case[] {
  const cases: Case[] = [];
  const add = (id: string, event: unknown, expect: Expect) => cases.push({ id, event, expect });
  add('empty', {}, invalid('serverGroup'));
  add('null', null, invalid('serverGroup'));
  add('group-number', { serverGroup: 1, deployment: 'd' }, invalid('serverGroup'));
  add('group-array', { serverGroup: ['web-prod-v001'], deployment: 'd' }, invalid('serverGroup'));
  for (const [i, g] of ['web-prod', 'web-prod-v1', 'web-prod-v0001', 'WEB-prod-v001', 'web-prod-v001 ', '../web-prod-v001', 'web-prod-v001/..', 'v001', '-v001', 'web_prod-v001', 'web-prod-V001', '$HUGE:100000'].entries())
    add(`group-${i}-${g.replace(/\W+/g, '_').slice(0, 24)}`, { serverGroup: g, deployment: 'web-prod-1_1_0-0123456789abcdef' }, invalid('serverGroup', 'server group name'));
  add('live-group', { serverGroup: 'web-prod-v001', deployment: 'web-prod-1_1_0-0123456789abcdef' }, err('TeardownRefused', 'web-prod-v001', 'serves traffic'));
  add('live-group-no-deployment', { serverGroup: 'web-prod-v001' }, err('TeardownRefused', 'web-prod-v001', 'serves traffic'));
  add('other-cluster-live-group', { serverGroup: 'api-prod-v001', deployment: 'web-prod-1_1_0-0123456789abcdef' }, err('TeardownRefused', 'api-prod-v001', 'serves traffic'));
  add('other-cluster-from-other-deployment', { serverGroup: 'api-prod-v001', deployment: 'api-prod-2_0_0-fedcba9876543210' }, err('TeardownRefused', 'api-prod-v001', 'serves traffic'));
  add('unknown-cluster', { serverGroup: 'ghost-v001', deployment: 'ghost-1_0_0-0123456789abcdef' }, err('ClusterNotFound', 'ghost'));
  add('cluster-prefix-of-another', { serverGroup: 'web-v001', deployment: 'web-prod-1_1_0-0123456789abcdef' }, err('ClusterNotFound', 'web'));
  return cases;
}

const files: Record<string, Case[]> = {
  's3-events': s3Cases(),
  'eventbridge-events': eventBridgeCases(),
  'console-inputs': consoleCases(),
  'cluster-configs': configCases(),
  'teardown-events': teardownCases(),
};

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) {
  let total = 0;
  for (const [name, cases] of Object.entries(files)) {
    const ids = new Set(cases.map((c) => c.id));
    if (ids.size !== cases.length) throw new Error(`${name}: duplicate case ids`);
    writeFileSync(new URL(`./${name}.json`, import.meta.url), `${JSON.stringify(cases, null, 1)}\n`);
    total += cases.length;
    process.stdout.write(`${name}.json: ${cases.length} cases\n`);
  }
  process.stdout.write(`${total} cases\n`);
}
