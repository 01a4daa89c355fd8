import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  paginateDescribeAlarms,
  PutMetricAlarmCommand,
  type PutMetricAlarmCommandInput,
  SetAlarmStateCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { elapse, expectCode } from './elbv2-helpers.js';

const cw = (): CloudWatchClient => client(CloudWatchClient);

const alarm = (name: string, extra: Partial<PutMetricAlarmCommandInput> = {}): PutMetricAlarmCommandInput => ({
  AlarmName: name,
  Namespace: 'AWS/ApplicationELB',
  MetricName: 'HTTPCode_Target_5XX_Count',
  Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }],
  Statistic: 'Sum',
  Period: 60,
  EvaluationPeriods: 1,
  Threshold: 10,
  ComparisonOperator: 'GreaterThanThreshold',
  ...extra,
});

describe('CloudWatch alarms and metric reads', () => {
  const cloud = cloudPerTest({ seed: 4 });

  it('creates alarms in INSUFFICIENT_DATA and describes them by name, prefix and state, in pages', async () => {
    // Prepare
    for (const n of ['web-5xx', 'web-latency', 'api-5xx']) await cw().send(new PutMetricAlarmCommand(alarm(n)));
    // Act
    const one = await cw().send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    const prefixed = await cw().send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'web-' }));
    const pages: string[][] = [];
    for await (const p of paginateDescribeAlarms({ client: cw(), pageSize: 2 }, {})) pages.push((p.MetricAlarms ?? []).map((a) => a.AlarmName as string));
    // Assess
    expect(one.MetricAlarms?.[0]).toMatchObject({
      AlarmName: 'web-5xx',
      AlarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx',
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      Threshold: 10,
      ActionsEnabled: true,
    });
    expect(one.MetricAlarms?.[0]?.StateUpdatedTimestamp).toBeInstanceOf(Date);
    expect(prefixed.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['web-5xx', 'web-latency']);
    expect(pages).toEqual([['api-5xx', 'web-5xx'], ['web-latency']]);
    await expectCode(cw().send(new DescribeAlarmsCommand({ AlarmNames: ['a'], AlarmNamePrefix: 'a' })), 'InvalidParameterCombinationException');
    await expectCode(cw().send(new DescribeAlarmsCommand({ StateValue: 'BROKEN' as never })), 'ValidationException');
    await expectCode(cw().send(new DescribeAlarmsCommand({ NextToken: 'garbage' })), 'InvalidNextToken');
  });

  it('validates PutMetricAlarm', async () => {
    // Act + Assess
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { ComparisonOperator: undefined }))), 'ValidationException');
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { Period: 45 }))), 'ValidationException');
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { EvaluationPeriods: 2, DatapointsToAlarm: 3 }))), 'ValidationException');
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { ExtendedStatistic: 'p99' }))), 'ValidationException');
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { TreatMissingData: 'sometimes' }))), 'ValidationException');
    await expectCode(cw().send(new PutMetricAlarmCommand(alarm('a', { Period: 3600, EvaluationPeriods: 200 }))), 'ValidationException');
    expect((await cw().send(new DescribeAlarmsCommand({}))).MetricAlarms).toEqual([]);
  });

  it('flips alarm state with SetAlarmState and flip(), and deletes alarms', async () => {
    // Prepare
    await cw().send(new PutMetricAlarmCommand(alarm('web-5xx')));
    const state = async () => (await cw().send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx'] }))).MetricAlarms?.[0];
    // Act
    await cw().send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"k":1}' }));
    const set = await state();
    cloud.cloudwatch.flip('web-5xx', 'OK');
    // Assess
    expect(set).toMatchObject({ StateValue: 'ALARM', StateReason: 'testing', StateReasonData: '{"k":1}' });
    expect((await state())?.StateValue).toBe('OK');
    expect(cloud.cloudwatch.alarmState('web-5xx')).toBe('OK');
    await expectCode(cw().send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' })), 'ResourceNotFound');
    await expectCode(cw().send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'RED' as never, StateReason: 'x' })), 'ValidationException');
    await expectCode(cw().send(new SetAlarmStateCommand({ AlarmName: 'web-5xx', StateValue: 'OK', StateReason: 'x', StateReasonData: '{' })), 'InvalidFormatFault');
    await expectCode(cw().send(new DeleteAlarmsCommand({ AlarmNames: ['web-5xx', 'nope'] })), 'ResourceNotFound');
    await cw().send(new DeleteAlarmsCommand({ AlarmNames: ['web-5xx'] }));
    expect(await state()).toBeUndefined();
  });

  it('evaluates published datapoints every period with TreatMissingData', async () => {
    // Prepare: a 5xx alarm, 2 of 3 periods; missing data does not breach
    await cw().send(new PutMetricAlarmCommand(alarm('web-5xx', { EvaluationPeriods: 3, DatapointsToAlarm: 2, TreatMissingData: 'notBreaching' })));
    const dims = [{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }];
    const put = (minute: number, n: number) =>
      cloud.cloudwatch.record({ namespace: 'AWS/ApplicationELB', metricName: 'HTTPCode_Target_5XX_Count', dimensions: dims, timestamp: cloud.clock.startMs + minute * 60_000, sum: n, count: n, min: 1, max: 1, unit: 'Count' });
    // Act + Assess: the first evaluation with no data goes OK
    await elapse(cloud, 60_000);
    expect(cloud.cloudwatch.alarmState('web-5xx')).toBe('OK');
    put(1, 50);
    await elapse(cloud, 60_000);
    expect(cloud.cloudwatch.alarmState('web-5xx')).toBe('OK');
    put(2, 20);
    await elapse(cloud, 60_000);
    const fired = (await cw().send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }))).MetricAlarms?.[0];
    expect(fired?.StateReason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [20.0 (26/11/26 09:02:00), 50.0 (26/11/26 09:01:00)] were greater than the threshold (10.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
    expect(fired?.StateUpdatedTimestamp?.getTime()).toBe(cloud.clock.startMs + 180_000);
    expect(JSON.parse(fired?.StateReasonData as string)).toMatchObject({ version: '1.0', statistic: 'Sum', period: 60, recentDatapoints: [20, 50] });
    // Two quiet minutes later only one breaching point is left in the window.
    await elapse(cloud, 120_000);
    expect(cloud.cloudwatch.alarmState('web-5xx')).toBe('OK');
  });

  it('reads datapoints with GetMetricData and GetMetricStatistics, absent periods left out', async () => {
    // Prepare
    const dims = [{ Name: 'LoadBalancer', Value: 'app/web/0123456789abcdef' }];
    const t0 = cloud.clock.startMs;
    for (const [m, n] of [
      [0, 100],
      [1, 200],
      [3, 300],
    ] as const) {
      cloud.cloudwatch.record({ namespace: 'AWS/ApplicationELB', metricName: 'RequestCount', dimensions: dims, timestamp: t0 + m * 60_000, sum: n, count: n, min: 1, max: 1, unit: 'Count' });
    }
    const metric = { Namespace: 'AWS/ApplicationELB', MetricName: 'RequestCount', Dimensions: dims };
    // Act
    const data = await cw().send(
      new GetMetricDataCommand({
        StartTime: new Date(t0),
        EndTime: new Date(t0 + 300_000),
        MetricDataQueries: [
          { Id: 'requests', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } },
          { Id: 'wrongDims', MetricStat: { Metric: { ...metric, Dimensions: [] }, Period: 60, Stat: 'Sum' } },
        ],
      }),
    );
    const stats = await cw().send(new GetMetricStatisticsCommand({ ...metric, StartTime: new Date(t0), EndTime: new Date(t0 + 300_000), Period: 120, Statistics: ['Sum', 'Average'] }));
    // Assess
    expect(data.MetricDataResults?.[0]).toEqual({
      Id: 'requests',
      Label: 'RequestCount',
      Timestamps: [new Date(t0 + 180_000), new Date(t0 + 60_000), new Date(t0)],
      Values: [300, 200, 100],
      StatusCode: 'Complete',
      Messages: [],
    });
    expect(data.MetricDataResults?.[1]?.Values).toEqual([]);
    expect(stats.Datapoints).toEqual([
      { Timestamp: new Date(t0), Sum: 300, Average: 1, Unit: 'Count' },
      { Timestamp: new Date(t0 + 120_000), Sum: 300, Average: 1, Unit: 'Count' },
    ]);
    const q = [{ Id: 'Bad', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }];
    await expectCode(cw().send(new GetMetricDataCommand({ StartTime: new Date(t0), EndTime: new Date(t0 + 60_000), MetricDataQueries: q })), 'ValidationException');
    await expectCode(cw().send(new GetMetricDataCommand({ StartTime: new Date(t0), EndTime: new Date(t0), MetricDataQueries: [{ ...q[0], Id: 'ok' }] as never })), 'ValidationException');
    await expectCode(cw().send(new GetMetricStatisticsCommand({ ...metric, StartTime: new Date(t0), EndTime: new Date(t0 + 60_000), Period: 60 })), 'InvalidParameterCombinationException');
    await expectCode(cw().send(new GetMetricStatisticsCommand({ ...metric, StartTime: new Date(t0), EndTime: new Date(t0 + 60_000), Statistics: ['Sum'] } as never)), 'MissingRequiredParameterException');
    await expectCode(cw().send(new GetMetricStatisticsCommand({ ...metric, StartTime: new Date(t0), EndTime: new Date(t0 + 2 * 86_400_000), Period: 60, Statistics: ['Sum'] })), 'InvalidParameterCombinationException');
  });
});
