import {
  CreateBucketCommand,
  GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { createHash } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { advance, failure } from './s3eb-helpers.js';

const s3 = () => client(S3Client);
const events = () => client(EventBridgeClient);

describe('S3 Object Created notifications', () => {
  const cloud = cloudPerTest({ seed: 11 });
  let got: any[];
  beforeEach(async () => {
    got = [];
    cloud.lambda.register('probe', async (e) => {
      got.push(e);
    });
    await s3().send(new CreateBucketCommand({ Bucket: 'artifacts' }));
  });

  it('sends the EventBridge "Object Created" event to a rule matching on a key prefix', async () => {
    // Prepare
    await s3().send(new PutBucketVersioningCommand({ Bucket: 'artifacts', VersioningConfiguration: { Status: 'Enabled' } }));
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: 'artifacts', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    const pattern = { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: ['artifacts'] }, object: { key: [{ prefix: 'releases/' }] } } };
    await events().send(new PutRuleCommand({ Name: 'artifact-uploaded', EventPattern: JSON.stringify(pattern) }));
    await events().send(new PutTargetsCommand({ Rule: 'artifact-uploaded', Targets: [{ Id: 'trigger', Arn: cloud.lambda.functionArn('probe') }] }));
    const putAt = cloud.clock.now();
    // Act
    const put = await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'releases/web-prod/1.1.0/web.tgz', Body: 'tarball' }));
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'notes/readme.txt', Body: 'ignored by the rule' }));
    const beforeDelivery = got.length;
    await advance(cloud, 5_000);
    // Assess
    expect(beforeDelivery).toBe(0);
    expect(got).toHaveLength(1);
    const e = got[0];
    expect(Object.keys(e).sort()).toEqual(['account', 'detail', 'detail-type', 'id', 'region', 'resources', 'source', 'time', 'version']);
    expect(e).toMatchObject({
      version: '0',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      region: 'us-east-1',
      time: new Date(putAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      resources: ['arn:aws:s3:::artifacts'],
      detail: {
        version: '0',
        bucket: { name: 'artifacts' },
        object: {
          key: 'releases/web-prod/1.1.0/web.tgz',
          size: 7,
          etag: createHash('md5').update('tarball').digest('hex'),
          'version-id': put.VersionId,
        },
        requester: '123456789012',
        reason: 'PutObject',
      },
    });
    expect(e.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.detail.object.sequencer).toMatch(/^[0-9A-F]+$/);
    expect(typeof e.detail['request-id']).toBe('string');
    expect(typeof e.detail['source-ip-address']).toBe('string');
  });

  it('delivers the classic Records message to a Lambda configuration, with the key URL-encoded and filters applied', async () => {
    // Prepare
    const arn = cloud.lambda.functionArn('probe');
    await s3().send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'artifacts',
        NotificationConfiguration: {
          LambdaFunctionConfigurations: [
            {
              Id: 'releases',
              LambdaFunctionArn: arn,
              Events: ['s3:ObjectCreated:*'],
              Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'releases/' }, { Name: 'suffix', Value: '.tgz' }] } },
            },
          ],
        },
      }),
    );
    // Act
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'releases/web prod/a+b:c.tgz', Body: '12345' }));
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'releases/web/readme.md', Body: 'suffix does not match' }));
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'other/x.tgz', Body: 'prefix does not match' }));
    await advance(cloud, 5_000);
    const config = await s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: 'artifacts' }));
    // Assess
    expect(got).toHaveLength(1);
    const r = got[0].Records[0];
    expect(got[0].Records).toHaveLength(1);
    expect(r).toMatchObject({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'releases',
        bucket: { name: 'artifacts', arn: 'arn:aws:s3:::artifacts' },
        object: { key: 'releases/web+prod/a%2Bb%3Ac.tgz', size: 5, eTag: createHash('md5').update('12345').digest('hex') },
      },
    });
    expect(r.s3.object.versionId).toBeUndefined();
    expect(r.eventTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(decodeURIComponent(r.s3.object.key.replace(/\+/g, ' '))).toBe('releases/web prod/a+b:c.tgz');
    expect(config.LambdaFunctionConfigurations?.[0]?.Id).toBe('releases');
  });

  it('delivers each of the next n object events twice (at-least-once), with the same event id', async () => {
    // Prepare
    await s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: 'artifacts', NotificationConfiguration: { EventBridgeConfiguration: {} } }));
    await events().send(new PutRuleCommand({ Name: 'all-s3', EventPattern: JSON.stringify({ source: ['aws.s3'] }) }));
    await events().send(new PutTargetsCommand({ Rule: 'all-s3', Targets: [{ Id: 'p', Arn: cloud.lambda.functionArn('probe') }] }));
    cloud.s3.duplicateNextEvents(1);
    // Act
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'first', Body: '1' }));
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'second', Body: '2' }));
    await advance(cloud, 10_000);
    // Assess
    expect(got.map((e) => e.detail.object.key).sort()).toEqual(['first', 'first', 'second']);
    const firsts = got.filter((e) => e.detail.object.key === 'first');
    expect(firsts[0].id).toBe(firsts[1].id);
  });

  it('sends nothing when notifications are not configured', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'all-s3', EventPattern: JSON.stringify({ source: ['aws.s3'] }) }));
    await events().send(new PutTargetsCommand({ Rule: 'all-s3', Targets: [{ Id: 'p', Arn: cloud.lambda.functionArn('probe') }] }));
    // Act
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'quiet', Body: '1' }));
    await advance(cloud, 10_000);
    // Assess
    expect(got).toHaveLength(0);
    expect(cloud.lambda.count('probe')).toBe(0);
  });

  it('validates the notification configuration like S3', async () => {
    // Prepare
    const put = (NotificationConfiguration: any, extra: any = {}) =>
      s3().send(new PutBucketNotificationConfigurationCommand({ Bucket: 'artifacts', NotificationConfiguration, ...extra }));
    const arn = cloud.lambda.functionArn('probe');
    const unknown = 'arn:aws:lambda:us-east-1:123456789012:function:nobody';
    // Act
    const badEvent = await failure(put({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: arn, Events: ['s3:ObjectMade:*'] }] }));
    const badDestination = await failure(put({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: unknown, Events: ['s3:ObjectCreated:*'] }] }));
    const skipped = await put({ LambdaFunctionConfigurations: [{ LambdaFunctionArn: unknown, Events: ['s3:ObjectCreated:*'] }] }, { SkipDestinationValidation: true });
    const overlapping = await failure(
      put({
        LambdaFunctionConfigurations: [
          { LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'releases/' }] } } },
          { LambdaFunctionArn: arn, Events: ['s3:ObjectCreated:Put'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'releases/web/' }] } } },
        ],
      }),
    );
    const missingBucket = await failure(s3().send(new GetBucketNotificationConfigurationCommand({ Bucket: 'nobody-bucket' })));
    // Assess
    expect(badEvent.name).toBe('InvalidArgument');
    expect(badDestination.name).toBe('InvalidArgument');
    expect(badDestination.message).toMatch(/Unable to validate the following destination configurations/);
    expect(skipped.$metadata.httpStatusCode).toBe(200);
    expect(overlapping.name).toBe('InvalidArgument');
    expect(overlapping.message).toMatch(/overlap/);
    expect(missingBucket.name).toBe('NoSuchBucket');
  });

  it('retries a failing Lambda as asynchronous invocation does: twice, after 1 and 2 minutes', async () => {
    // Prepare
    const attempts: number[] = [];
    cloud.lambda.register('flaky', async () => {
      attempts.push(cloud.clock.now());
      throw new Error('boom');
    });
    await s3().send(
      new PutBucketNotificationConfigurationCommand({
        Bucket: 'artifacts',
        NotificationConfiguration: { LambdaFunctionConfigurations: [{ LambdaFunctionArn: cloud.lambda.functionArn('flaky'), Events: ['s3:ObjectCreated:Put'] }] },
      }),
    );
    const t0 = cloud.clock.now();
    // Act
    await s3().send(new PutObjectCommand({ Bucket: 'artifacts', Key: 'k', Body: 'x' }));
    await advance(cloud, 10 * 60_000);
    // Assess
    expect(attempts.map((t) => t - t0)).toEqual([1_000, 61_000, 181_000]);
    expect(cloud.s3.deliveryErrors).toHaveLength(1);
    expect(cloud.s3.deliveryErrors[0]?.error).toMatch(/boom/);
  });
});
