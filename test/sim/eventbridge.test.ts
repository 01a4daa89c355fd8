import {
  DeleteRuleCommand,
  DescribeRuleCommand,
  DisableRuleCommand,
  EnableRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { advance, failure } from './s3eb-helpers.js';

const events = () => client(EventBridgeClient);

describe('EventBridge rules and targets', () => {
  const cloud = cloudPerTest({ seed: 5 });
  beforeEach(async () => {
    cloud.lambda.register('probe', async () => undefined);
  });

  it('creates, describes, lists, disables, enables and deletes a rule', async () => {
    // Prepare
    const pattern = JSON.stringify({ source: ['redblack'] });
    // Act
    const put = await events().send(new PutRuleCommand({ Name: 'deploy-requested', EventPattern: pattern, Description: 'manual deploys' }));
    await events().send(new DisableRuleCommand({ Name: 'deploy-requested' }));
    const disabled = await events().send(new DescribeRuleCommand({ Name: 'deploy-requested' }));
    await events().send(new EnableRuleCommand({ Name: 'deploy-requested' }));
    const enabled = await events().send(new DescribeRuleCommand({ Name: 'deploy-requested', EventBusName: 'default' }));
    const listed = await events().send(new ListRulesCommand({ NamePrefix: 'deploy' }));
    await events().send(new DeleteRuleCommand({ Name: 'deploy-requested' }));
    const gone = await failure(events().send(new DescribeRuleCommand({ Name: 'deploy-requested' })));
    const deleteAgain = await events().send(new DeleteRuleCommand({ Name: 'deploy-requested' }));
    // Assess
    expect(put.RuleArn).toBe('arn:aws:events:us-east-1:123456789012:rule/deploy-requested');
    expect(disabled.State).toBe('DISABLED');
    expect(enabled).toMatchObject({ Name: 'deploy-requested', Arn: put.RuleArn, EventPattern: pattern, State: 'ENABLED', EventBusName: 'default', Description: 'manual deploys' });
    expect(listed.Rules?.map((r) => r.Name)).toEqual(['deploy-requested']);
    expect(gone.name).toBe('ResourceNotFoundException');
    expect(deleteAgain.$metadata.httpStatusCode).toBe(200);
  });

  it('pages ListRules', async () => {
    // Prepare
    for (let i = 0; i < 5; i++) await events().send(new PutRuleCommand({ Name: `rule-${i}`, ScheduleExpression: 'rate(1 day)' }));
    // Act
    const pages: string[][] = [];
    let NextToken: string | undefined;
    do {
      const page = await events().send(new ListRulesCommand({ Limit: 2, NextToken }));
      pages.push((page.Rules ?? []).map((r) => r.Name as string));
      NextToken = page.NextToken;
    } while (NextToken);
    // Assess
    expect(pages).toEqual([['rule-0', 'rule-1'], ['rule-2', 'rule-3'], ['rule-4']]);
  });

  it('rejects bad names, missing pattern/schedule, bad patterns and bad schedules', async () => {
    // Act
    const badName = await failure(events().send(new PutRuleCommand({ Name: 'has space', EventPattern: '{"source":["x"]}' })));
    const longName = await failure(events().send(new PutRuleCommand({ Name: 'x'.repeat(65), EventPattern: '{"source":["x"]}' })));
    const neither = await failure(events().send(new PutRuleCommand({ Name: 'empty' })));
    const notJson = await failure(events().send(new PutRuleCommand({ Name: 'p1', EventPattern: '{source' })));
    const notArray = await failure(events().send(new PutRuleCommand({ Name: 'p2', EventPattern: '{"source":"x"}' })));
    const badOp = await failure(events().send(new PutRuleCommand({ Name: 'p3', EventPattern: '{"source":[{"startsWith":"x"}]}' })));
    const badRate = await failure(events().send(new PutRuleCommand({ Name: 's1', ScheduleExpression: 'rate(1 days)' })));
    const badCron = await failure(events().send(new PutRuleCommand({ Name: 's2', ScheduleExpression: 'cron(0 12 * * * *)' })));
    const noBus = await failure(events().send(new PutRuleCommand({ Name: 'b', EventPattern: '{"source":["x"]}', EventBusName: 'custom' })));
    // Assess
    expect(badName.name).toBe('ValidationException');
    expect(longName.name).toBe('ValidationException');
    expect(neither.name).toBe('ValidationException');
    for (const e of [notJson, notArray, badOp]) expect(e.name).toBe('InvalidEventPatternException');
    expect(badRate.name).toBe('ValidationException');
    expect(badCron.name).toBe('ValidationException');
    expect(badCron.message).toBe('Parameter ScheduleExpression is not valid.');
    expect(noBus.name).toBe('ResourceNotFoundException');
  });

  it('manages targets; a rule with targets cannot be deleted', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["redblack"]}' }));
    const arn = cloud.lambda.functionArn('probe');
    // Act
    const put = await events().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't1', Arn: arn, Input: '{"a":1}' }, { Id: 't2', Arn: arn, InputPath: '$.detail' }] }));
    const listed = await events().send(new ListTargetsByRuleCommand({ Rule: 'r' }));
    const blocked = await failure(events().send(new DeleteRuleCommand({ Name: 'r' })));
    await events().send(new RemoveTargetsCommand({ Rule: 'r', Ids: ['t1', 't2'] }));
    await events().send(new DeleteRuleCommand({ Name: 'r' }));
    const missingRule = await failure(events().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 't1', Arn: arn }] })));
    const listMissing = await failure(events().send(new ListTargetsByRuleCommand({ Rule: 'r' })));
    // Assess
    expect(put).toMatchObject({ FailedEntryCount: 0, FailedEntries: [] });
    expect(listed.Targets).toEqual([
      { Id: 't1', Arn: arn, Input: '{"a":1}' },
      { Id: 't2', Arn: arn, InputPath: '$.detail' },
    ]);
    expect(blocked.name).toBe('ValidationException');
    expect(blocked.message).toBe("Rule can't be deleted since it has targets.");
    expect(missingRule.name).toBe('ResourceNotFoundException');
    expect(listMissing.name).toBe('ResourceNotFoundException');
  });

  it('validates targets: ids, JSON input, one input kind, at most 5 per rule', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["redblack"]}' }));
    const arn = cloud.lambda.functionArn('probe');
    const put = (Targets: any[]) => events().send(new PutTargetsCommand({ Rule: 'r', Targets }));
    // Act
    const badId = await failure(put([{ Id: 'bad id', Arn: arn }]));
    const badInput = await failure(put([{ Id: 'a', Arn: arn, Input: 'not json' }]));
    const both = await failure(put([{ Id: 'a', Arn: arn, Input: '{}', InputPath: '$' }]));
    // LimitExceededException is a throttling name to the SDK: it retries with back-off on the virtual clock.
    let done = false;
    const sixCall = failure(put(Array.from({ length: 6 }, (_, i) => ({ Id: `t${i}`, Arn: arn })))).finally(() => (done = true));
    await cloud.clock.runUntil(() => done, { limitMs: 60_000 });
    const six = await sixCall;
    // Assess
    expect(badId.name).toBe('ValidationException');
    expect(badInput.name).toBe('ValidationException');
    expect(both.name).toBe('ValidationException');
    expect(six.name).toBe('LimitExceededException');
    expect(six.$metadata.attempts).toBe(3);
  });
});

describe('EventBridge PutEvents and delivery', () => {
  const cloud = cloudPerTest({ seed: 9 });
  let got: { at: number; event: any }[];
  beforeEach(async () => {
    got = [];
    cloud.lambda.register('probe', async (event) => {
      got.push({ at: cloud.clock.now(), event });
    });
  });

  const target = (Id = 'probe', extra: Record<string, string> = {}) => ({ Id, Arn: cloud.lambda.functionArn('probe'), ...extra });

  it('delivers a matching event asynchronously, in the EventBridge envelope', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'deploys', EventPattern: JSON.stringify({ source: ['redblack'], 'detail-type': ['Deploy Requested'] }) }));
    await events().send(new PutTargetsCommand({ Rule: 'deploys', Targets: [target()] }));
    const t0 = cloud.clock.now();
    // Act
    const out = await events().send(
      new PutEventsCommand({
        Entries: [
          { Source: 'redblack', DetailType: 'Deploy Requested', Detail: JSON.stringify({ cluster: 'web-prod', release: '1.4.2' }) },
          { Source: 'other', DetailType: 'Deploy Requested', Detail: '{}' },
        ],
      }),
    );
    const immediately = got.length;
    await advance(cloud, 2_000);
    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(out.Entries?.map((e) => e.EventId)).toHaveLength(2);
    expect(immediately).toBe(0);
    expect(got).toHaveLength(1);
    expect(got[0]?.at).toBeGreaterThan(t0);
    expect(got[0]?.event).toEqual({
      version: '0',
      id: out.Entries?.[0]?.EventId,
      'detail-type': 'Deploy Requested',
      source: 'redblack',
      account: '123456789012',
      time: new Date(t0).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: 'us-east-1',
      resources: [],
      detail: { cluster: 'web-prod', release: '1.4.2' },
    });
  });

  it('applies Input and InputPath, and skips disabled rules', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["redblack"]}' }));
    await events().send(new PutTargetsCommand({ Rule: 'r', Targets: [target('constant', { Input: '{"mode":"sweep"}' }), target('path', { InputPath: '$.detail.cluster' })] }));
    await events().send(new PutRuleCommand({ Name: 'off', EventPattern: '{"source":["redblack"]}', State: 'DISABLED' }));
    await events().send(new PutTargetsCommand({ Rule: 'off', Targets: [target('never', { Input: '"disabled"' })] }));
    // Act
    await events().send(new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'x', Detail: '{"cluster":"web-prod"}' }] }));
    await advance(cloud, 2_000);
    // Assess
    expect(got.map((g) => g.event)).toEqual([{ mode: 'sweep' }, 'web-prod']);
  });

  it('reports per-entry failures without failing the call, and enforces the request limits', async () => {
    // Act
    const out = await events().send(
      new PutEventsCommand({
        Entries: [
          { DetailType: 'x', Detail: '{}' },
          { Source: 's', Detail: '{}' },
          { Source: 's', DetailType: 'x' },
          { Source: 's', DetailType: 'x', Detail: '[1,2]' },
          { Source: 'aws.s3', DetailType: 'x', Detail: '{}' },
          { Source: 's', DetailType: 'x', Detail: '{}', EventBusName: 'nope' },
          { Source: 's', DetailType: 'x', Detail: '{}' },
        ],
      }),
    );
    const eleven = await failure(events().send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 'x', Detail: '{}' })) })));
    const big = await failure(events().send(new PutEventsCommand({ Entries: [{ Source: 's', DetailType: 'x', Detail: JSON.stringify({ pad: 'x'.repeat(256 * 1024) }) }] })));
    // Assess
    expect(out.FailedEntryCount).toBe(6);
    expect(out.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual(['InvalidArgument', 'InvalidArgument', 'InvalidArgument', 'MalformedDetail', 'NotAuthorizedForSourceException', 'ResourceNotFoundException', 'ok']);
    expect(out.Entries?.[6]?.EventId).toBeDefined();
    expect(eleven.name).toBe('ValidationException');
    expect(big.name).toBe('ValidationException');
  });

  it('delivers the next n deliveries twice (at-least-once)', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["redblack"]}' }));
    await events().send(new PutTargetsCommand({ Rule: 'r', Targets: [target()] }));
    cloud.events.duplicateNextDeliveries(1);
    // Act
    await events().send(new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'a', Detail: '{}' }] }));
    await events().send(new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'b', Detail: '{}' }] }));
    await advance(cloud, 5_000);
    // Assess
    expect(got.map((g) => g.event['detail-type'])).toEqual(['a', 'b', 'a']);
    expect(got[0]?.event.id).toBe(got[2]?.event.id);
  });

  it('records a delivery to a missing function as a failed delivery', async () => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'r', EventPattern: '{"source":["redblack"]}' }));
    await events().send(new PutTargetsCommand({ Rule: 'r', Targets: [{ Id: 'ghost', Arn: 'arn:aws:lambda:us-east-1:123456789012:function:ghost' }] }));
    // Act
    await events().send(new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'a', Detail: '{}' }] }));
    await advance(cloud, 5_000);
    // Assess
    expect(cloud.events.deliveryErrors).toHaveLength(1);
    expect(cloud.events.deliveryErrors[0]).toMatchObject({ source: 'rule/r', error: expect.stringMatching(/ResourceNotFoundException/) });
  });
});
