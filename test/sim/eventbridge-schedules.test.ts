import { DeleteRuleCommand, DisableRuleCommand, EnableRuleCommand, EventBridgeClient, PutRuleCommand, PutTargetsCommand, RemoveTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { advance } from './s3eb-helpers.js';

const events = () => client(EventBridgeClient);
const MIN = 60_000;
const HOUR = 60 * MIN;

describe('EventBridge scheduled rules', () => {
  const cloud = cloudPerTest({ seed: 4 });
  let got: { at: number; event: any }[];
  // The clock starts on Thursday 2026-11-26 09:00:00 UTC.
  beforeEach(async () => {
    got = [];
    cloud.lambda.register('probe', async (event) => {
      got.push({ at: cloud.clock.now(), event });
    });
  });

  async function scheduled(name: string, expression: string) {
    const { RuleArn } = await events().send(new PutRuleCommand({ Name: name, ScheduleExpression: expression }));
    await events().send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'probe', Arn: cloud.lambda.functionArn('probe') }] }));
    return RuleArn as string;
  }

  const times = () => got.map((g) => g.event.time);

  it('fires rate(5 minutes) every five minutes with a Scheduled Event', async () => {
    // Prepare
    const arn = await scheduled('every-5', 'rate(5 minutes)');
    const t0 = cloud.clock.now();
    // Act
    await advance(cloud, 16 * MIN);
    // Assess
    expect(times()).toEqual(['2026-11-26T09:05:00Z', '2026-11-26T09:10:00Z', '2026-11-26T09:15:00Z']);
    expect(got[0]?.at).toBeGreaterThanOrEqual(t0 + 5 * MIN);
    expect(got[0]?.at).toBeLessThan(t0 + 6 * MIN);
    expect(got[0]?.event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: '123456789012',
      time: '2026-11-26T09:05:00Z',
      region: 'us-east-1',
      resources: [arn],
      detail: {},
    });
  });

  it('fires rate(1 day) once a day', async () => {
    // Prepare
    await scheduled('daily-sweep', 'rate(1 day)');
    // Act
    await advance(cloud, 49 * HOUR);
    // Assess
    expect(times()).toEqual(['2026-11-27T09:00:00Z', '2026-11-28T09:00:00Z']);
  });

  it('fires cron(0 12 * * ? *) at noon UTC every day', async () => {
    // Prepare
    await scheduled('noon', 'cron(0 12 * * ? *)');
    // Act
    await advance(cloud, 28 * HOUR);
    // Assess
    expect(times()).toEqual(['2026-11-26T12:00:00Z', '2026-11-27T12:00:00Z']);
  });

  it('supports steps, ranges and weekday names: cron(0/15 9-10 ? * MON-FRI *)', async () => {
    // Prepare
    await scheduled('business-hours', 'cron(0/15 9-10 ? * MON-FRI *)');
    // Act: Thursday 09:00 → Monday 09:20
    await advance(cloud, 4 * 24 * HOUR + 20 * MIN);
    // Assess
    const thursday = ['09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45'].map((t) => `2026-11-26T${t}:00Z`);
    const friday = ['09:00', '09:15', '09:30', '09:45', '10:00', '10:15', '10:30', '10:45'].map((t) => `2026-11-27T${t}:00Z`);
    const monday = ['09:00', '09:15'].map((t) => `2026-11-30T${t}:00Z`);
    expect(times()).toEqual([...thursday, ...friday, ...monday]);
  });

  it('supports lists, L (last day) and # (nth weekday)', async () => {
    // Prepare
    await scheduled('lists', 'cron(5,35 14 27,28 NOV ? 2026)');
    await scheduled('last-day', 'cron(30 8 L * ? *)');
    await scheduled('fourth-friday', 'cron(0 7 ? * 6#4 *)');
    // Act
    await advance(cloud, 40 * 24 * HOUR);
    // Assess
    const by = (rule: string) => got.filter((g) => g.event.resources[0].endsWith(`/${rule}`)).map((g) => g.event.time);
    expect(by('lists')).toEqual(['2026-11-27T14:05:00Z', '2026-11-27T14:35:00Z', '2026-11-28T14:05:00Z', '2026-11-28T14:35:00Z']);
    expect(by('last-day')).toEqual(['2026-11-30T08:30:00Z', '2026-12-31T08:30:00Z']);
    expect(by('fourth-friday')).toEqual(['2026-11-27T07:00:00Z', '2026-12-25T07:00:00Z']);
  });

  it('does not fire while disabled, and stops for good when deleted', async () => {
    // Prepare
    await scheduled('hourly', 'rate(1 hour)');
    await events().send(new DisableRuleCommand({ Name: 'hourly' }));
    // Act
    await advance(cloud, 3 * HOUR);
    const whileDisabled = got.length;
    await events().send(new EnableRuleCommand({ Name: 'hourly' }));
    await advance(cloud, 1 * HOUR + MIN);
    const afterEnable = times();
    await events().send(new RemoveTargetsCommand({ Rule: 'hourly', Ids: ['probe'] }));
    await events().send(new DeleteRuleCommand({ Name: 'hourly' }));
    await advance(cloud, 5 * HOUR);
    // Assess
    expect(whileDisabled).toBe(0);
    expect(afterEnable).toEqual(['2026-11-26T13:00:00Z']);
    expect(got).toHaveLength(1);
  });

  it('keeps the phase of a rate rule when PutRule only changes the description', async () => {
    // Prepare
    await scheduled('every-10', 'rate(10 minutes)');
    await advance(cloud, 7 * MIN);
    // Act
    await events().send(new PutRuleCommand({ Name: 'every-10', ScheduleExpression: 'rate(10 minutes)', Description: 'updated' }));
    await advance(cloud, 14 * MIN);
    // Assess
    expect(times()).toEqual(['2026-11-26T09:10:00Z', '2026-11-26T09:20:00Z']);
  });
});
