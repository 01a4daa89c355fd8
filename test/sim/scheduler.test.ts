import {
  CreateScheduleCommand,
  type CreateScheduleCommandInput,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  paginateListSchedules,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { advance, failure } from './s3eb-helpers.js';

const scheduler = () => client(SchedulerClient);
const MIN = 60_000;
const ROLE = 'arn:aws:iam::123456789012:role/redblack-scheduler';

describe('EventBridge Scheduler', () => {
  const cloud = cloudPerTest({ seed: 8 });
  let got: { at: number; event: any }[];
  // The clock starts on Thursday 2026-11-26 09:00:00 UTC.
  beforeEach(async () => {
    got = [];
    cloud.lambda.register('teardown', async (event) => {
      got.push({ at: cloud.clock.now(), event });
    });
  });

  const utc = (iso: string) => Date.parse(iso);
  const schedule = (overrides: Partial<CreateScheduleCommandInput> = {}): CreateScheduleCommandInput => ({
    Name: 'redblack-teardown-web-prod-v001',
    ScheduleExpression: 'at(2026-11-26T09:30:00)',
    FlexibleTimeWindow: { Mode: 'OFF' },
    Target: { Arn: cloud.lambda.functionArn('teardown'), RoleArn: ROLE, Input: JSON.stringify({ serverGroup: 'web-prod-v001', deployment: 'd-1' }) },
    ActionAfterCompletion: 'DELETE',
    ...overrides,
  });

  describe('schedule groups', () => {
    it('has a default group, creates, reads and deletes others (with their schedules)', async () => {
      // Act
      const def = await scheduler().send(new GetScheduleGroupCommand({ Name: 'default' }));
      const created = await scheduler().send(new CreateScheduleGroupCommand({ Name: 'teardowns' }));
      const read = await scheduler().send(new GetScheduleGroupCommand({ Name: 'teardowns' }));
      await scheduler().send(new CreateScheduleCommand(schedule({ GroupName: 'teardowns' })));
      const duplicate = await failure(scheduler().send(new CreateScheduleGroupCommand({ Name: 'teardowns' })));
      await scheduler().send(new DeleteScheduleGroupCommand({ Name: 'teardowns' }));
      const gone = await failure(scheduler().send(new GetScheduleGroupCommand({ Name: 'teardowns' })));
      const defaultDelete = await failure(scheduler().send(new DeleteScheduleGroupCommand({ Name: 'default' })));
      await advance(cloud, 60 * MIN);
      // Assess
      expect(def).toMatchObject({ Name: 'default', State: 'ACTIVE', Arn: 'arn:aws:scheduler:us-east-1:123456789012:schedule-group/default' });
      expect(created.ScheduleGroupArn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule-group/teardowns');
      expect(read.CreationDate).toBeInstanceOf(Date);
      expect(duplicate.name).toBe('ConflictException');
      expect(duplicate.$metadata.httpStatusCode).toBe(409);
      expect(gone.name).toBe('ResourceNotFoundException');
      expect(gone.$metadata.httpStatusCode).toBe(404);
      expect(defaultDelete.name).toBe('ValidationException');
      expect(got).toHaveLength(0);
    });
  });

  describe('CreateSchedule validation', () => {
    it.each<[string, Partial<CreateScheduleCommandInput>]>([
      ['a name with a space', { Name: 'has space' }],
      ['a name of 65 characters', { Name: 'n'.repeat(65) }],
      ['a bad group name', { GroupName: 'bad/group' }],
      ['no target', { Target: undefined }],
      ['a bad role ARN', { Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:x', RoleArn: 'not-a-role' } }],
      ['an impossible date', { ScheduleExpression: 'at(2026-02-30T10:00:00)' }],
      ['a zone suffix in at()', { ScheduleExpression: 'at(2026-11-26T10:00:00Z)' }],
      ['a five-field cron', { ScheduleExpression: 'cron(0 12 * * ?)' }],
      ['an unknown time zone', { ScheduleExpressionTimezone: 'Mars/Olympus' }],
      ['FLEXIBLE without a window', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }],
      ['a retry policy out of range', { Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:x', RoleArn: ROLE, RetryPolicy: { MaximumRetryAttempts: 186 } } }],
      ['a bad ActionAfterCompletion', { ActionAfterCompletion: 'KEEP' as any }],
    ])('rejects %s with ValidationException', async (_name, overrides) => {
      // Act
      const err = await failure(scheduler().send(new CreateScheduleCommand(schedule(overrides))));
      // Assess
      expect(err.name).toBe('ValidationException');
      expect(err.$metadata.httpStatusCode).toBe(400);
    });

    it('answers ConflictException for a name taken in the group, ResourceNotFoundException for a missing group', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule()));
      // Act
      const conflict = await failure(scheduler().send(new CreateScheduleCommand(schedule())));
      const noGroup = await failure(scheduler().send(new CreateScheduleCommand(schedule({ GroupName: 'nope' }))));
      await scheduler().send(new CreateScheduleGroupCommand({ Name: 'other' }));
      const sameNameOtherGroup = await scheduler().send(new CreateScheduleCommand(schedule({ GroupName: 'other' })));
      // Assess
      expect(conflict.name).toBe('ConflictException');
      expect(conflict.$metadata.httpStatusCode).toBe(409);
      expect(noGroup.name).toBe('ResourceNotFoundException');
      expect(sameNameOtherGroup.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule/other/redblack-teardown-web-prod-v001');
    });

    it('treats a repeated ClientToken as the same request', async () => {
      // Act
      const first = await scheduler().send(new CreateScheduleCommand(schedule({ ClientToken: 'token-1' })));
      const retry = await scheduler().send(new CreateScheduleCommand(schedule({ ClientToken: 'token-1' })));
      const other = await failure(scheduler().send(new CreateScheduleCommand(schedule({ ClientToken: 'token-2' }))));
      // Assess
      expect(retry.ScheduleArn).toBe(first.ScheduleArn);
      expect(other.name).toBe('ConflictException');
    });
  });

  describe('one-time at() schedules', () => {
    it('invokes the Lambda target with the parsed Input within the minute, then deletes itself', async () => {
      // Prepare
      const created = await scheduler().send(new CreateScheduleCommand(schedule()));
      const stored = await scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' }));
      // Act
      await advance(cloud, 29 * MIN + 59_000);
      const early = got.length;
      await advance(cloud, 2 * MIN);
      const after = await failure(scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' })));
      // Assess
      expect(created.ScheduleArn).toBe('arn:aws:scheduler:us-east-1:123456789012:schedule/default/redblack-teardown-web-prod-v001');
      expect(stored).toMatchObject({
        GroupName: 'default',
        ScheduleExpression: 'at(2026-11-26T09:30:00)',
        ScheduleExpressionTimezone: 'UTC',
        State: 'ENABLED',
        ActionAfterCompletion: 'DELETE',
        Target: { RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 } },
      });
      expect(early).toBe(0);
      expect(got).toHaveLength(1);
      expect(got[0]?.event).toEqual({ serverGroup: 'web-prod-v001', deployment: 'd-1' });
      expect(got[0]?.at).toBeGreaterThanOrEqual(utc('2026-11-26T09:30:00Z'));
      expect(got[0]?.at).toBeLessThan(utc('2026-11-26T09:31:00Z'));
      expect(after.name).toBe('ResourceNotFoundException');
    });

    it('keeps a completed schedule with ActionAfterCompletion NONE, and never runs it again', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule({ ActionAfterCompletion: undefined })));
      // Act
      await advance(cloud, 3 * 60 * MIN);
      const kept = await scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' }));
      // Assess
      expect(got).toHaveLength(1);
      expect(kept.ActionAfterCompletion).toBe('NONE');
    });

    it('accepts an at() time already past, and never runs it (documented choice)', async () => {
      // Act
      await scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpression: 'at(2026-11-26T08:00:00)' })));
      await advance(cloud, 24 * 60 * MIN);
      const still = await scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' }));
      // Assess
      expect(got).toHaveLength(0);
      expect(still.State).toBe('ENABLED');
      expect(cloud.scheduler.nextInvocation('redblack-teardown-web-prod-v001')).toBeUndefined();
    });

    it('reads the at() time in ScheduleExpressionTimezone', async () => {
      // Prepare: 05:00 in New York is 10:00 UTC in November (EST).
      await scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpression: 'at(2026-11-26T05:00:00)', ScheduleExpressionTimezone: 'America/New_York' })));
      // Act
      await advance(cloud, 2 * 60 * MIN);
      // Assess
      expect(got).toHaveLength(1);
      expect(got[0]?.at).toBeGreaterThanOrEqual(utc('2026-11-26T10:00:00Z'));
      expect(got[0]?.at).toBeLessThan(utc('2026-11-26T10:01:00Z'));
    });

    it('fires within the flexible window when FlexibleTimeWindow is FLEXIBLE', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule({ FlexibleTimeWindow: { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 15 } })));
      // Act
      await advance(cloud, 60 * MIN);
      // Assess
      expect(got).toHaveLength(1);
      expect(got[0]?.at).toBeGreaterThanOrEqual(utc('2026-11-26T09:30:00Z'));
      expect(got[0]?.at).toBeLessThan(utc('2026-11-26T09:45:00Z'));
    });

    it('fireEarly delivers now and completes the schedule (a fault: teardown fired early)', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule({ ScheduleExpression: 'at(2026-11-26T12:00:00)' })));
      // Act
      cloud.scheduler.fireEarly('redblack-teardown-web-prod-v001');
      await advance(cloud, 1_000);
      const after = await failure(scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' })));
      await advance(cloud, 4 * 60 * MIN);
      // Assess
      expect(got).toHaveLength(1);
      expect(got[0]?.at).toBeLessThan(utc('2026-11-26T09:01:00Z'));
      expect(after.name).toBe('ResourceNotFoundException');
    });

    it('invokes twice when a duplicate is injected (at-least-once)', async () => {
      // Prepare
      cloud.scheduler.duplicateNextInvocations(1);
      await scheduler().send(new CreateScheduleCommand(schedule()));
      // Act
      await advance(cloud, 60 * MIN);
      // Assess
      expect(got.map((g) => g.event.serverGroup)).toEqual(['web-prod-v001', 'web-prod-v001']);
    });
  });

  describe('recurring schedules', () => {
    it('runs cron() in its time zone and rate() from creation', async () => {
      // Prepare: 10:00 in Paris is 09:00 UTC in November (CET).
      await scheduler().send(new CreateScheduleCommand(schedule({ Name: 'paris', ScheduleExpression: 'cron(0 10 * * ? *)', ScheduleExpressionTimezone: 'Europe/Paris', Target: { Arn: cloud.lambda.functionArn('teardown'), RoleArn: ROLE, Input: '"paris"' } })));
      await scheduler().send(new CreateScheduleCommand(schedule({ Name: 'half-hourly', ScheduleExpression: 'rate(30 minutes)', Target: { Arn: cloud.lambda.functionArn('teardown'), RoleArn: ROLE, Input: '"rate"' } })));
      // Act
      await advance(cloud, 24 * 60 * MIN + 10 * MIN);
      // Assess
      const paris = got.filter((g) => g.event === 'paris').map((g) => g.at);
      const rate = got.filter((g) => g.event === 'rate').map((g) => g.at);
      expect(paris).toHaveLength(1);
      expect(paris[0]).toBeGreaterThanOrEqual(utc('2026-11-27T09:00:00Z'));
      expect(paris[0]).toBeLessThan(utc('2026-11-27T09:01:00Z'));
      expect(rate).toHaveLength(48);
      expect(rate[0]).toBeGreaterThanOrEqual(utc('2026-11-26T09:30:00Z'));
      expect(rate[0]).toBeLessThan(utc('2026-11-26T09:31:00Z'));
    });
  });

  describe('Get / Update / Delete / List', () => {
    it('UpdateSchedule replaces the whole definition and re-arms it', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule({ Description: 'first' })));
      // Act
      await scheduler().send(new UpdateScheduleCommand(schedule({ ScheduleExpression: 'at(2026-11-26T11:00:00)', ActionAfterCompletion: undefined })));
      const updated = await scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' }));
      await advance(cloud, 60 * MIN);
      const atTen = got.length;
      await advance(cloud, 2 * 60 * MIN);
      const missing = await failure(scheduler().send(new UpdateScheduleCommand(schedule({ Name: 'nobody' }))));
      // Assess
      expect(updated.Description).toBeUndefined();
      expect(updated.ActionAfterCompletion).toBe('NONE');
      expect(updated.LastModificationDate).toBeInstanceOf(Date);
      expect(atTen).toBe(0);
      expect(got).toHaveLength(1);
      expect(got[0]?.at).toBeGreaterThanOrEqual(utc('2026-11-26T11:00:00Z'));
      expect(missing.name).toBe('ResourceNotFoundException');
    });

    it('DeleteSchedule removes it before it fires; a second delete is ResourceNotFoundException', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule()));
      // Act
      await scheduler().send(new DeleteScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' }));
      const again = await failure(scheduler().send(new DeleteScheduleCommand({ Name: 'redblack-teardown-web-prod-v001' })));
      const get = await failure(scheduler().send(new GetScheduleCommand({ Name: 'redblack-teardown-web-prod-v001', GroupName: 'default' })));
      await advance(cloud, 60 * MIN);
      // Assess
      expect(again.name).toBe('ResourceNotFoundException');
      expect(again.$metadata.httpStatusCode).toBe(404);
      expect(get.name).toBe('ResourceNotFoundException');
      expect(got).toHaveLength(0);
    });

    it('lists by group and name prefix, page by page', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleGroupCommand({ Name: 'other' }));
      for (let i = 0; i < 5; i++) await scheduler().send(new CreateScheduleCommand(schedule({ Name: `redblack-teardown-web-v00${i}` })));
      await scheduler().send(new CreateScheduleCommand(schedule({ Name: 'unrelated' })));
      await scheduler().send(new CreateScheduleCommand(schedule({ Name: 'redblack-teardown-api-v001', GroupName: 'other' })));
      // Act
      const pages: string[][] = [];
      for await (const page of paginateListSchedules({ client: scheduler(), pageSize: 2 }, { GroupName: 'default', NamePrefix: 'redblack-teardown-' })) {
        pages.push((page.Schedules ?? []).map((s) => s.Name as string));
      }
      const everything: any[] = [];
      for await (const page of paginateListSchedules({ client: scheduler() }, {})) everything.push(...(page.Schedules ?? []));
      // Assess
      expect(pages).toEqual([
        ['redblack-teardown-web-v000', 'redblack-teardown-web-v001'],
        ['redblack-teardown-web-v002', 'redblack-teardown-web-v003'],
        ['redblack-teardown-web-v004'],
      ]);
      expect(everything).toHaveLength(7);
      expect(everything[0]).toMatchObject({ GroupName: 'default', State: 'ENABLED', Target: { Arn: cloud.lambda.functionArn('teardown') } });
      expect(Object.keys(everything[0].Target)).toEqual(['Arn']);
    });

    it('records an invocation of a missing function as a failed delivery', async () => {
      // Prepare
      await scheduler().send(new CreateScheduleCommand(schedule({ Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:ghost', RoleArn: ROLE } })));
      // Act
      await advance(cloud, 60 * MIN);
      // Assess
      expect(cloud.scheduler.deliveryErrors).toHaveLength(1);
      expect(cloud.scheduler.deliveryErrors[0]).toMatchObject({ source: 'schedule/default/redblack-teardown-web-prod-v001', error: expect.stringMatching(/ResourceNotFoundException/) });
    });
  });
});
