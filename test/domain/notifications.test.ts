/** The one-line summary every notification carries (what the SNS subscription reads), per type. */
import { describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES, notificationWarning, summarize } from '../../src/domain/notifications.js';

const base = { cluster: 'web-prod', deployment: 'web-prod-1_4_2-0123456789abcdef' };

describe('summarize', () => {
  it.each([
    ['Deployment Started', { ...base, release: '1.4.2', from: null, to: 'web-prod-v000', source: 'prebaked', steps: [100] }, 'web-prod 1.4.2: deploying a prebaked image to web-prod-v000 (first deployment); traffic steps 100%'],
    [
      'Deployment Step Changed',
      { ...base, release: '1.4.2', phase: 'healthy', weights: { 'web-prod-v001': 100, 'web-prod-v002': 0 }, healthy: 3, required: 4 },
      'web-prod 1.4.2: passed its health gate; web-prod-v001 100%, web-prod-v002 0%; 3/4 healthy',
    ],
    [
      'Deployment Approval Requested',
      { ...base, release: '1.4.2', gate: 'traffic 50%', weights: { 'web-prod-v002': 10, 'web-prod-v001': 90 }, expiresAt: '2026-11-30T18:00:00.000Z', respond: 'redblack approve web-prod' },
      'web-prod 1.4.2: approval needed for traffic 50% before 2026-11-30T18:00:00.000Z; web-prod-v002 10%, web-prod-v001 90%; redblack approve web-prod',
    ],
    [
      'Deployment Succeeded',
      { ...base, outcome: 'succeeded', release: '1.4.2', from: 'web-prod-v001', to: 'web-prod-v002', imageId: 'ami-0123456789abcdef0', traffic: { 'web-prod-v002': 100 }, teardown: null },
      'web-prod 1.4.2: web-prod-v001 → web-prod-v002 succeeded; web-prod-v002 100%',
    ],
    [
      'Deployment Rolled Back',
      { ...base, outcome: 'rolled-back', listenerRestored: true, deleted: ['web-prod-v002'], kept: [], cause: 'HealthGateTimedOut' },
      'web-prod: deployment rolled back (HealthGateTimedOut); listener restored; deleted web-prod-v002',
    ],
    [
      'Deployment Rolled Back',
      { ...base, outcome: 'rolled-back', manual: true, from: 'web-prod-v002', to: 'web-prod-v001', traffic: { 'web-prod-v001': 100 }, teardown: { serverGroup: 'web-prod-v002', at: '2026-11-30T19:00:00.000Z' } },
      'web-prod: rolled back on request from web-prod-v002 to web-prod-v001; web-prod-v002 torn down at 2026-11-30T19:00:00.000Z',
    ],
    ['Deployment Failed', { ...base, error: 'InvalidClusterConfig', message: 'invalid configuration of cluster web-prod: traffic.steps[1]: …', phase: 'plan' }, 'web-prod: deployment refused, nothing changed: InvalidClusterConfig: invalid configuration of cluster web-prod: traffic.steps[1]: …'],
  ] as const)('%s reads as one line', (type, detail, line) => {
    // Act
    const text = summarize(type, detail as never);
    // Assess
    expect(text).toBe(line);
    expect(text).not.toContain('\n');
    expect(NOTIFICATION_TYPES).toContain(type);
  });

  it('names a failed notification as a warning', () => {
    expect(notificationWarning('Deployment Succeeded', 'InternalFailure: boom')).toBe('notification "Deployment Succeeded" not delivered: InternalFailure: boom');
  });
});
