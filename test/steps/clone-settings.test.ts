/** The pure part of the clone's settings copy: what is copied, dropped or re-pointed, and why. */
import { describe, expect, it } from 'vitest';
import { cloneAlarms, NEVER_SUSPENDED, settingsRequests } from '../../src/steps/shared/clone-settings.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('settingsRequests', () => {
  it('keeps a future start time, drops a past one (AWS refuses it) but keeps its recurrence', () => {
    // Act
    const r = settingsRequests(
      { AutoScalingGroupName: 'web-v001' } as never,
      {
        scheduled: [
          { ScheduledActionName: 'past', StartTime: new Date(NOW - 1000), Recurrence: '0 22 * * *', DesiredCapacity: 2 },
          { ScheduledActionName: 'future', StartTime: new Date(NOW + 1000), MaxSize: 9 },
        ],
        notifications: [],
      },
      'web-v002',
      NOW,
    );
    // Assess
    expect(r.scheduled).toEqual([
      { AutoScalingGroupName: 'web-v002', ScheduledActionName: 'past', Recurrence: '0 22 * * *', DesiredCapacity: 2 },
      { AutoScalingGroupName: 'web-v002', ScheduledActionName: 'future', StartTime: new Date(NOW + 1000), MaxSize: 9 },
    ]);
  });

  it('suspends what the live group suspends, except the processes a new group needs to become healthy', () => {
    // Act
    const r = settingsRequests(
      { SuspendedProcesses: ['Launch', 'AZRebalance', 'AddToLoadBalancer', 'ScheduledActions'].map((ProcessName) => ({ ProcessName })) } as never,
      { scheduled: [], notifications: [] },
      'web-v002',
      NOW,
    );
    // Assess
    expect(NEVER_SUSPENDED).toEqual(['Launch', 'AddToLoadBalancer']);
    expect(r.suspend).toEqual({ AutoScalingGroupName: 'web-v002', ScalingProcesses: ['AZRebalance', 'ScheduledActions'] });
  });

  it('groups notification types by topic, and asks for nothing the live group does not have', () => {
    // Act
    const r = settingsRequests(
      {} as never,
      {
        scheduled: [],
        notifications: [
          { TopicARN: 'arn:t1', NotificationType: 'autoscaling:EC2_INSTANCE_LAUNCH' },
          { TopicARN: 'arn:t1', NotificationType: 'autoscaling:EC2_INSTANCE_TERMINATE' },
        ],
      },
      'web-v002',
      NOW,
    );
    // Assess
    expect(r).toEqual({
      scheduled: [],
      notifications: [{ AutoScalingGroupName: 'web-v002', TopicARN: 'arn:t1', NotificationTypes: ['autoscaling:EC2_INSTANCE_LAUNCH', 'autoscaling:EC2_INSTANCE_TERMINATE'] }],
    });
  });
});

describe('cloneAlarms', () => {
  const policies = new Map([['arn:old-policy', 'arn:new-policy']]);
  const alarm = (name: string, actions: string[]) => ({ AlarmName: name, AlarmActions: actions, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold' as const, Dimensions: [{ Name: 'AutoScalingGroupName', Value: 'web-v001' }] });

  it('renames by the group name when the alarm carries it, suffixes it otherwise, and re-points actions and dimension', () => {
    // Act
    const out = cloneAlarms([alarm('web-v001-cpu', ['arn:old-policy', 'arn:topic']), alarm('cpu-high', ['arn:old-policy'])], policies, 'web-v001', 'web-v002');
    // Assess
    expect(out.map((a) => [a.AlarmName, a.AlarmActions, a.Dimensions?.[0]?.Value])).toEqual([
      ['web-v002-cpu', ['arn:new-policy', 'arn:topic'], 'web-v002'],
      ['cpu-high-web-v002', ['arn:new-policy'], 'web-v002'],
    ]);
  });

  it('leaves out an alarm that invokes none of the live policies', () => {
    // Assess
    expect(cloneAlarms([alarm('unrelated', ['arn:topic'])], policies, 'web-v001', 'web-v002')).toEqual([]);
  });
});
