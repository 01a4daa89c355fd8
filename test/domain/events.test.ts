import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/domain/errors.js';
import { parseTriggerEvent, parseTriggerEvents, releaseFromKey } from '../../src/domain/events.js';
import { anyJson, clusterArb, releaseArb } from './arbitraries.js';

const BUCKET = 'redblack-artifacts';

/** S3 → EventBridge `Object Created` as https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html shows it. */
function eventBridge(key: string, object: Record<string, unknown> = {}, bucket = BUCKET): Record<string, unknown> {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2021-11-12T00:00:00Z',
    region: 'ca-central-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 5, etag: 'b1946ac92492d2347c6235b4d2611184', 'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', sequencer: '617f08299329d189', ...object },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      'source-ip-address': '1.2.3.4',
      reason: 'PutObject',
    },
  };
}

/** One classic notification record as https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html shows it; `encodedKey` is already form-encoded. */
function record(encodedKey: string, object: Record<string, unknown> = {}, eventName = 'ObjectCreated:Put'): Record<string, unknown> {
  return {
    eventVersion: '2.1',
    eventSource: 'aws:s3',
    awsRegion: 'us-west-2',
    eventTime: '1970-01-01T00:00:00.000Z',
    eventName,
    userIdentity: { principalId: 'AIDAJDPLRKLG7UEXAMPLE' },
    s3: {
      s3SchemaVersion: '1.0',
      configurationId: 'redblack',
      bucket: { name: BUCKET, ownerIdentity: { principalId: 'A3NL1KOZZKExample' }, arn: `arn:aws:s3:::${BUCKET}` },
      object: { key: encodedKey, size: 1024, eTag: 'd41d8cd98f00b204e9800998ecf8427e', sequencer: '0055AED6DCD90281E5', ...object },
    },
  };
}

describe('parseTriggerEvents: S3 through EventBridge', () => {
  it('turns a release upload into a deploy input with version and ETag', () => {
    // Act
    const [result] = parseTriggerEvents(eventBridge('releases/web-prod/1.1.0/web-1.1.0.tgz'), { bucket: BUCKET });
    // Assess
    expect(result).toEqual({
      kind: 'deploy',
      input: {
        cluster: 'web-prod',
        release: '1.1.0',
        artifact: { bucket: BUCKET, key: 'releases/web-prod/1.1.0/web-1.1.0.tgz', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e', etag: 'b1946ac92492d2347c6235b4d2611184' },
      },
    });
  });

  it('takes the key as is (not URL-decoded)', () => {
    // Act
    const result = parseTriggerEvent(eventBridge('releases/web/1.0+b/a+b%20c.tgz'));
    // Assess
    expect(result).toMatchObject({ kind: 'deploy', input: { release: '1.0+b', artifact: { key: 'releases/web/1.0+b/a+b%20c.tgz' } } });
  });

  it('works without a version id (unversioned bucket)', () => {
    // Prepare
    const event = eventBridge('releases/web/1.0/a.tgz');
    delete ((event.detail as any).object as any)['version-id'];
    // Act
    const result = parseTriggerEvent(event);
    // Assess
    expect(result).toMatchObject({ kind: 'deploy', input: { artifact: { etag: 'b1946ac92492d2347c6235b4d2611184' } } });
    expect((result as any).input.artifact.versionId).toBeUndefined();
  });

  it.each([
    ['another prefix', 'uploads/web/1.0/a.tgz', 'not under releases/'],
    ['a folder marker', 'releases/web/1.0/', 'folder marker'],
    ['too shallow', 'releases/web/a.tgz', 'releases/<cluster>/<release>/<file>'],
    ['too deep', 'releases/web/1.0/sub/a.tgz', 'releases/<cluster>/<release>/<file>'],
    ['an invalid cluster', 'releases/Web/1.0/a.tgz', 'cluster "Web"'],
    ['an invalid release', 'releases/web/1 0/a.tgz', 'release "1 0"'],
    ['a .. release', 'releases/web/../a.tgz', 'release ".."'],
    ['a release starting with -', 'releases/web/-rf/a.tgz', 'release "-rf"'],
    ['a release that is only +', 'releases/web/+/a.tgz', 'release "+"'],
  ])('ignores %s with a reason', (_what, key, reason) => {
    // Act
    const result = parseTriggerEvent(eventBridge(key));
    // Assess
    expect(result.kind).toBe('ignored');
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it('ignores other buckets when the artifacts bucket is given', () => {
    // Act
    const result = parseTriggerEvent(eventBridge('releases/web/1.0/a.tgz', {}, 'other-bucket'), { bucket: BUCKET });
    // Assess
    expect(result).toEqual({ kind: 'ignored', reason: `s3://other-bucket/releases/web/1.0/a.tgz: bucket is not the artifacts bucket ${BUCKET}` });
  });

  it('ignores S3 events other than Object Created', () => {
    // Act
    const result = parseTriggerEvent({ ...eventBridge('releases/web/1.0/a.tgz'), 'detail-type': 'Object Deleted' });
    // Assess
    expect(result).toEqual({ kind: 'ignored', reason: 'S3 event "Object Deleted" is not an upload' });
  });

  it.each<[string, (e: any) => void, string]>([
    ['no detail', (e) => delete e.detail, 'detail'],
    ['no key', (e) => delete e.detail.object.key, 'detail.object.key'],
    ['a numeric key', (e) => (e.detail.object.key = 7), 'detail.object.key'],
    ['no bucket', (e) => delete e.detail.bucket, 'detail.bucket'],
    ['an invalid bucket', (e) => (e.detail.bucket.name = 'Bad_Bucket'), 'detail.bucket.name'],
    ['an empty version', (e) => (e.detail.object['version-id'] = ''), 'detail.object.version-id'],
    ['a bad etag', (e) => (e.detail.object.etag = 'not an etag'), 'detail.object.etag'],
    ['a numeric detail-type', (e) => (e['detail-type'] = 1), 'detail-type'],
  ])('throws InvalidInput for %s', (_what, mutate, field) => {
    // Prepare
    const event = eventBridge('releases/web/1.0/a.tgz');
    mutate(event);
    // Act / Assess
    expect(() => parseTriggerEvents(event)).toThrow(expect.objectContaining({ name: 'InvalidInput', field }));
  });
});

describe('parseTriggerEvents: classic notification', () => {
  it('decodes form-encoded keys (+ is a space, %2B a plus)', () => {
    // Act
    const [result] = parseTriggerEvents({ Records: [record('releases/web-prod/1.1.0%2Bb/web+1.1.0%3Afinal.tgz')] });
    // Assess
    expect(result).toEqual({
      kind: 'deploy',
      input: {
        cluster: 'web-prod',
        release: '1.1.0+b',
        artifact: { bucket: BUCKET, key: 'releases/web-prod/1.1.0+b/web 1.1.0:final.tgz', etag: 'd41d8cd98f00b204e9800998ecf8427e' },
      },
    });
  });

  it('returns one result per record, in order', () => {
    // Prepare
    const event = { Records: [record('releases/web/1.0/a.tgz', { versionId: 'v1' }), record('docs/readme.md'), record('releases/web/1.0/a.tgz', {}, 'ObjectRemoved:Delete')] };
    // Act
    const results = parseTriggerEvents(event, { bucket: BUCKET });
    // Assess
    expect(results.map((r) => r.kind)).toEqual(['deploy', 'ignored', 'ignored']);
    expect(results[0]).toMatchObject({ input: { artifact: { versionId: 'v1' } } });
    expect(results[2]).toEqual({ kind: 'ignored', reason: 'S3 event ObjectRemoved:Delete is not an upload' });
  });

  it('gives the same input as the EventBridge shape for the same object', () => {
    // Prepare
    const object = { versionId: 'v9', eTag: 'b1946ac92492d2347c6235b4d2611184' };
    // Act
    const classic = parseTriggerEvent({ Records: [record('releases/web/1.0/a.tgz', object)] });
    const bridge = parseTriggerEvent(eventBridge('releases/web/1.0/a.tgz', { 'version-id': 'v9' }));
    // Assess
    expect(classic).toEqual(bridge);
  });

  it('ignores the S3 test event', () => {
    // Act
    const results = parseTriggerEvents({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-01-01T00:00:00Z', Bucket: BUCKET });
    // Assess
    expect(results).toEqual([{ kind: 'ignored', reason: 'S3 test event' }]);
  });

  it.each<[string, unknown, string]>([
    ['Records not a list', { Records: {} }, 'Records'],
    ['a record not an object', { Records: [1] }, 'Records[0]'],
    ['another event source', { Records: [{ ...record('k'), eventSource: 'aws:sqs' }] }, 'Records[0].eventSource'],
    ['a bad encoding', { Records: [record('releases/web/1.0/%E0%A4%A.tgz')] }, 'Records[0].s3.object.key'],
    ['no s3 block', { Records: [{ eventSource: 'aws:s3', eventName: 'ObjectCreated:Put' }] }, 'Records[0].s3'],
    ['a numeric version id', { Records: [record('releases/web/1.0/a.tgz', { versionId: 3 })] }, 'Records[0].s3.object.versionId'],
  ])('throws InvalidInput for %s', (_what, event, field) => {
    // Act / Assess
    expect(() => parseTriggerEvents(event)).toThrow(expect.objectContaining({ name: 'InvalidInput', field }));
  });

  it('parseTriggerEvent refuses batches it cannot answer with one result', () => {
    // Assess
    expect(() => parseTriggerEvent({ Records: [] })).toThrow(expect.objectContaining({ field: 'Records' }));
    expect(() => parseTriggerEvent({ Records: [record('a'), record('b')] })).toThrow(InvalidInput);
  });
});

describe('parseTriggerEvents: Deploy Requested', () => {
  it('passes the detail through as the deploy input', () => {
    // Prepare
    const detail = { cluster: 'web-prod', release: '1.4.2', imageId: 'ami-0123456789abcdef0' };
    // Act
    const result = parseTriggerEvent({ source: 'redblack', 'detail-type': 'Deploy Requested', detail });
    // Assess
    expect(result).toEqual({ kind: 'deploy', input: detail });
  });

  it.each<[string, unknown, string]>([
    ['a bad detail', { source: 'redblack', 'detail-type': 'Deploy Requested', detail: { cluster: 'web' } }, 'detail.release'],
    ['no detail', { source: 'redblack', 'detail-type': 'Deploy Requested' }, 'detail'],
    ['another detail-type', { source: 'redblack', 'detail-type': 'Deploy Wanted', detail: {} }, 'detail-type'],
    ['another source', { source: 'aws.ec2', 'detail-type': 'x' }, 'source'],
    ['no source', { id: 1 }, 'source'],
    ['not an object', 'hello', ''],
  ])('throws InvalidInput for %s', (_what, event, field) => {
    // Act / Assess
    expect(() => parseTriggerEvents(event)).toThrow(expect.objectContaining({ name: 'InvalidInput', field }));
  });
});

describe('releaseFromKey', () => {
  it('splits a release key', () => {
    // Assess
    expect(releaseFromKey('releases/web-prod/1.1.0/web.tgz')).toEqual({ cluster: 'web-prod', release: '1.1.0', file: 'web.tgz' });
  });

  it('property: every valid cluster/release/file key is a release', () => {
    fc.assert(
      fc.property(clusterArb, releaseArb.filter((r) => r !== '.' && r !== '..'), fc.stringMatching(/^[A-Za-z0-9._ -]{1,40}$/).filter((f) => f !== '.' && f !== '..'), (cluster, release, file) => {
        // Act / Assess
        expect(releaseFromKey(`releases/${cluster}/${release}/${file}`)).toEqual({ cluster, release, file });
      }),
    );
  });
});

describe('parseTriggerEvents: fuzz', () => {
  it('property: arbitrary events only ever throw InvalidInput', () => {
    // Prepare: arbitrary values, and known shapes with arbitrary parts.
    const shaped = fc.oneof(
      fc.record({ Records: fc.array(fc.oneof(anyJson, fc.record({ eventSource: fc.constant('aws:s3'), eventName: anyJson, s3: anyJson }))) }),
      fc.record({ source: fc.constantFrom('aws.s3', 'redblack'), 'detail-type': fc.constantFrom('Object Created', 'Deploy Requested'), detail: anyJson }),
      fc.string({ maxLength: 300 }).map((key) => eventBridge(key)),
      fc.string({ maxLength: 300 }).map((key) => ({ Records: [record(key)] })),
    );
    fc.assert(
      fc.property(fc.oneof(anyJson, shaped), (event) => {
        // Act
        try {
          parseTriggerEvents(event, { bucket: BUCKET });
        } catch (e) {
          // Assess
          expect(e).toBeInstanceOf(InvalidInput);
        }
      }),
    );
  });

  it('property: a deploy result always parses again as a deploy input of the key it came from', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), (tail) => {
        // Act
        const [result] = parseTriggerEvents(eventBridge(`releases/web/1.0/${tail}`));
        // Assess
        if (result?.kind === 'deploy') expect(result.input.artifact?.key).toBe(`releases/web/1.0/${tail}`);
        else expect(result?.kind).toBe('ignored');
      }),
    );
  });
});
