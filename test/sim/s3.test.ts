import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  paginateListObjectsV2,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { EmbeddedCloud } from '../../sim/cloud.js';
import { failure } from './s3eb-helpers.js';
import { createCloud } from '../../local/cloud.js';

const s3 = () => client(S3Client);

describe('S3 buckets', () => {
  let cloud: EmbeddedCloud;
  afterEach(() => cloud.dispose());

  it('creates a bucket that HeadBucket then finds', async () => {
    // Prepare
    cloud = await createCloud({ seed: 1 });
    // Act
    const created = await s3().send(new CreateBucketCommand({ Bucket: 'artifacts-1' }));
    const head = await s3().send(new HeadBucketCommand({ Bucket: 'artifacts-1' }));
    // Assess
    expect(created.Location).toBe('/artifacts-1');
    expect(head.BucketRegion).toBe('us-east-1');
  });

  it.each(['ab', 'Upper-case', 'under_score', '-leading', 'two..dots', '192.168.1.1', 'xn--punycode', 'a'.repeat(64)])(
    'rejects the bucket name %s with InvalidBucketName',
    async (name) => {
      // Prepare
      cloud = await createCloud({ seed: 1 });
      // Act
      const err = await failure(s3().send(new CreateBucketCommand({ Bucket: name })));
      // Assess
      expect(err.name).toBe('InvalidBucketName');
      expect(err.$metadata.httpStatusCode).toBe(400);
    },
  );

  it('answers BucketAlreadyOwnedByYou outside us-east-1, and 200 in us-east-1 (legacy)', async () => {
    // Prepare
    cloud = await createCloud({ seed: 1, region: 'eu-west-1' });
    await s3().send(new CreateBucketCommand({ Bucket: 'mine', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    // Act
    const err = await failure(s3().send(new CreateBucketCommand({ Bucket: 'mine', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })));
    cloud.dispose();
    cloud = await createCloud({ seed: 1 });
    await s3().send(new CreateBucketCommand({ Bucket: 'mine' }));
    const again = await s3().send(new CreateBucketCommand({ Bucket: 'mine' }));
    // Assess
    expect(err.name).toBe('BucketAlreadyOwnedByYou');
    expect(err.$metadata.httpStatusCode).toBe(409);
    expect(again.$metadata.httpStatusCode).toBe(200);
  });

  it('HEAD of a missing bucket is NotFound; other calls say NoSuchBucket', async () => {
    // Prepare
    cloud = await createCloud({ seed: 1 });
    // Act
    const head = await failure(s3().send(new HeadBucketCommand({ Bucket: 'nope-bucket' })));
    const put = await failure(s3().send(new PutObjectCommand({ Bucket: 'nope-bucket', Key: 'k', Body: 'x' })));
    const list = await failure(s3().send(new ListObjectsV2Command({ Bucket: 'nope-bucket' })));
    // Assess
    expect(head.name).toBe('NotFound');
    expect(head.$metadata.httpStatusCode).toBe(404);
    expect(put.name).toBe('NoSuchBucket');
    expect(list.name).toBe('NoSuchBucket');
  });
});

describe('S3 objects', () => {
  const cloud = cloudPerTest({ seed: 3 });
  beforeEach(async () => {
    await s3().send(new CreateBucketCommand({ Bucket: 'objects' }));
  });

  it('puts, heads, gets (as an SDK stream) and deletes an object', async () => {
    // Prepare
    const body = 'hello, red/black';
    const md5 = createHash('md5').update(body).digest('hex');
    // Act
    const put = await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'a/b.txt', Body: body, ContentType: 'text/plain', Metadata: { Release: '1.2.3' } }));
    const head = await s3().send(new HeadObjectCommand({ Bucket: 'objects', Key: 'a/b.txt' }));
    const got = await s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'a/b.txt' }));
    const text = await got.Body?.transformToString();
    await s3().send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'a/b.txt' }));
    const gone = await failure(s3().send(new HeadObjectCommand({ Bucket: 'objects', Key: 'a/b.txt' })));
    // Assess
    expect(put.ETag).toBe(`"${md5}"`);
    expect(put.VersionId).toBeUndefined();
    expect(head).toMatchObject({ ContentLength: body.length, ContentType: 'text/plain', ETag: `"${md5}"`, Metadata: { release: '1.2.3' } });
    expect(head.LastModified).toBeInstanceOf(Date);
    expect(text).toBe(body);
    expect(gone.name).toBe('NotFound');
  });

  it('accepts Uint8Array and Buffer bodies', async () => {
    // Act
    await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'bin', Body: new Uint8Array([1, 2, 3]) }));
    await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'buf', Body: Buffer.from('buffer') }));
    const bin = await (await s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'bin' }))).Body?.transformToByteArray();
    const buf = await (await s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'buf' }))).Body?.transformToString();
    // Assess
    expect([...(bin ?? [])]).toEqual([1, 2, 3]);
    expect(buf).toBe('buffer');
  });

  it('reports NoSuchKey on GET and NotFound on HEAD for a missing key, KeyTooLongError over 1024 bytes', async () => {
    // Act
    const get = await failure(s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'missing' })));
    const head = await failure(s3().send(new HeadObjectCommand({ Bucket: 'objects', Key: 'missing' })));
    const long = await failure(s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'é'.repeat(513), Body: 'x' })));
    const fits = await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'é'.repeat(512), Body: 'x' }));
    // Assess
    expect(get.name).toBe('NoSuchKey');
    expect(get.$metadata.httpStatusCode).toBe(404);
    expect(head.name).toBe('NotFound');
    expect(long.name).toBe('KeyTooLongError');
    expect(fits.ETag).toBeDefined();
  });

  it('keeps versions when versioning is enabled', async () => {
    // Prepare
    await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'before', Body: 'unversioned' }));
    await s3().send(new PutBucketVersioningCommand({ Bucket: 'objects', VersioningConfiguration: { Status: 'Enabled' } }));
    // Act
    const v1 = await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'k', Body: 'one' }));
    const v2 = await s3().send(new PutObjectCommand({ Bucket: 'objects', Key: 'k', Body: 'two' }));
    const old = await s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'k', VersionId: v1.VersionId }));
    const del = await s3().send(new DeleteObjectCommand({ Bucket: 'objects', Key: 'k' }));
    const afterDelete = await failure(s3().send(new GetObjectCommand({ Bucket: 'objects', Key: 'k' })));
    const status = await s3().send(new GetBucketVersioningCommand({ Bucket: 'objects' }));
    const nullVersion = await s3().send(new HeadObjectCommand({ Bucket: 'objects', Key: 'before' }));
    // Assess
    expect(v1.VersionId).toMatch(/^[A-Za-z0-9._]{32}$/);
    expect(v2.VersionId).not.toBe(v1.VersionId);
    expect(await old.Body?.transformToString()).toBe('one');
    expect(old.VersionId).toBe(v1.VersionId);
    expect(del.DeleteMarker).toBe(true);
    expect(afterDelete.name).toBe('NoSuchKey');
    expect(status.Status).toBe('Enabled');
    expect(nullVersion.VersionId).toBe('null');
    expect(cloud.s3.objectExists('objects', 'k')).toBe(false);
    expect(cloud.s3.objectExists('objects', 'k', v2.VersionId)).toBe(true);
    expect(cloud.s3.objectExists('objects', 'k', 'no-such-version')).toBe(false);
    expect(cloud.s3.objectExists('other-bucket', 'k')).toBe(false);
  });

  it('lists with Prefix, Delimiter and continuation tokens in UTF-8 key order', async () => {
    // Prepare
    const keys = ['releases/web/1.0/a.tgz', 'releases/web/1.1/b.tgz', 'releases/api/2.0/c.tgz', 'other/x', 'releases/top.txt'];
    for (const Key of keys) await s3().send(new PutObjectCommand({ Bucket: 'objects', Key, Body: Key }));
    // Act
    const pages: string[][] = [];
    for await (const page of paginateListObjectsV2({ client: s3(), pageSize: 2 }, { Bucket: 'objects', Prefix: 'releases/' })) {
      pages.push((page.Contents ?? []).map((o) => o.Key as string));
    }
    const grouped = await s3().send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'releases/', Delimiter: '/' }));
    const firstGroup = await s3().send(new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'releases/', Delimiter: '/', MaxKeys: 1 }));
    const secondGroup = await s3().send(
      new ListObjectsV2Command({ Bucket: 'objects', Prefix: 'releases/', Delimiter: '/', MaxKeys: 1, ContinuationToken: firstGroup.NextContinuationToken }),
    );
    // Assess
    expect(pages.flat()).toEqual(['releases/api/2.0/c.tgz', 'releases/top.txt', 'releases/web/1.0/a.tgz', 'releases/web/1.1/b.tgz']);
    expect(pages.map((p) => p.length)).toEqual([2, 2]);
    expect(grouped.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['releases/api/', 'releases/web/']);
    expect(grouped.Contents?.map((o) => o.Key)).toEqual(['releases/top.txt']);
    expect(grouped.KeyCount).toBe(3);
    expect(firstGroup.CommonPrefixes?.map((p) => p.Prefix)).toEqual(['releases/api/']);
    expect(firstGroup.IsTruncated).toBe(true);
    expect(secondGroup.Contents?.map((o) => o.Key)).toEqual(['releases/top.txt']);
  });

  it('rejects a bad continuation token', async () => {
    // Act
    const err = await failure(s3().send(new ListObjectsV2Command({ Bucket: 'objects', ContinuationToken: 'garbage' })));
    // Assess
    expect(err.name).toBe('InvalidArgument');
  });
});
