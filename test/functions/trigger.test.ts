/** trigger: a malformed event is a wiring bug (InvalidInput naming the field); an unrelated upload is ignored. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/trigger.js';
import type { TriggerReport } from '../../src/steps/trigger.js';
import { sample } from '../pipeline/helpers.js';
import { expectRefused, fail, lambdaContext, worldPerTest } from './helpers.js';

const s = worldPerTest();

const eventBridge = (patch: (e: any) => void) => {
  const e = sample('s3-eventbridge-object-created.json');
  patch(e);
  return e;
};
const classic = (patch: (r: any) => void) => {
  const e = sample('s3-classic-notification.json');
  patch(e.Records[0]);
  return e;
};

describe('trigger refuses malformed events', () => {
  it.each([
    ['not an object', 'releases/web-prod/1.1.0/x.tgz', ''],
    ['neither EventBridge nor S3 shape', { hello: 'world' }, 'source'],
    ['an unknown source', { ...sample('deploy-requested.json'), source: 'acme' }, 'source'],
    ['a redblack event of another type', { ...sample('deploy-requested.json'), 'detail-type': 'Deploy Cancelled' }, 'detail-type'],
    ['Deploy Requested with a bad release', { ...sample('deploy-requested.json'), detail: { ...sample('deploy-requested.json').detail, release: '' } }, 'detail.release'],
    ['Deploy Requested without detail', { ...sample('deploy-requested.json'), detail: undefined }, 'detail'],
    ['S3 via EventBridge without an object key', eventBridge((e) => delete e.detail.object.key), 'detail.object.key'],
    ['S3 via EventBridge with an empty version id', eventBridge((e) => (e.detail.object['version-id'] = '')), 'detail.object.version-id'],
    ['classic Records that is not a list', { Records: {} }, 'Records'],
    ['a classic record from another service', classic((r) => (r.eventSource = 'aws:sqs')), 'Records[0].eventSource'],
    ['a classic key that is not URL encoding', classic((r) => (r.s3.object.key = 'releases/web-prod/1.1.0/web%E0%A4%A.tgz')), 'Records[0].s3.object.key'],
  ])('%s → InvalidInput', async (_what, event, field) => {
    // Act
    const f = await fail(s, 'trigger', handler, event);
    // Assess
    expectRefused(f, 'InvalidInput', field);
    expect(s.cloud.sfn.executions()).toEqual([]);
  });
});

describe('trigger ignores uploads that are not releases', () => {
  it.each([
    ['a key outside releases/', eventBridge((e) => (e.detail.object.key = 'docs/readme.txt'))],
    ['a folder marker', eventBridge((e) => (e.detail.object.key = 'releases/web-prod/1.1.0/'))],
    ['another bucket', eventBridge((e) => (e.detail.bucket.name = 'someone-elses-bucket'))],
    ['an S3 delete', eventBridge((e) => (e['detail-type'] = 'Object Deleted'))],
    ['a classic key outside releases/', classic((r) => (r.s3.object.key = 'tmp%2Fscratch.bin'))],
    ['the S3 test event', { Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'redblack-local-artifacts-123456789012' }],
  ])('%s → ignored with a reason, no StartExecution', async (_what, event) => {
    // Prepare
    const mark = s.cloud.log.mark();
    // Act
    const report = (await handler(event, lambdaContext('trigger'))) as TriggerReport;
    // Assess
    expect(report.started).toEqual([]);
    expect(report.ignored).toHaveLength(1);
    expect(s.cloud.log.calls.slice(mark).map((c) => c.operation)).toEqual([]);
    expect(s.cloud.sfn.executions()).toEqual([]);
  });
});
