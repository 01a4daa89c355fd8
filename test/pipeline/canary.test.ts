/**
 * The canary judge on the real state machine: releases the LB-wide alarm cannot see roll back with
 * CanaryFailed naming the metric, a noisy but healthy release is promoted, and every judgment is in
 * the ledger and the deployment's events.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { listJudgments } from '../../src/aws/store.js';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

async function run(name: string, seed = 1) {
  session = await DemoSession.create(name, seed);
  const s = session;
  const before = await snapshotCluster(s.world.cluster, s.world.listenerArn);
  await s.upload();
  const execution = await s.awaitExecutions(1);
  const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
  const judgments = await listJudgments(s.world.cluster, execution.name);
  const events = s.cloud.log.calls
    .filter((c) => c.caller === 'judgeCanary' && c.operation === 'PutEvents')
    .flatMap((c) => (c.input as { Entries: { DetailType: string; Detail: string }[] }).Entries);
  return { s, before, after, execution, judgments, events };
}

describe('slow-release', () => {
  it('rolls back with CanaryFailed naming latencyP99, after one marginal extension, while the LB alarm stays OK', async () => {
    // Act
    const { s, before, after, execution, judgments } = await run('slow-release');
    // Assess
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('CanaryFailed');
    expect(execution.cause).toContain('failed on latencyP99');
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
    expect(s.cloud.cloudwatch.alarmState('web-prod-5xx')).toBe('OK');
    expect(judgments.map((j) => j.decision)).toContain('extend');
    expect(judgments.at(-1)).toMatchObject({ decision: 'fail', stepIndex: 0, step: 10, canary: 'web-prod-v002', baseline: 'web-prod-v001' });
    expect(judgments.map((j) => j.seq)).toEqual(judgments.map((_, i) => i));
  });
});

describe('subtle-errors', () => {
  it('rolls back with CanaryFailed naming errorRate at the 10 % step', async () => {
    // Act
    const { s, before, after, execution, judgments, events } = await run('subtle-errors');
    // Assess
    expect(execution.error).toBe('CanaryFailed');
    expect(execution.cause).toContain('failed on errorRate');
    expect(after.actions).toEqual(before.actions);
    expect(s.cloud.cloudwatch.alarmState('web-prod-5xx')).toBe('OK');
    const last = judgments.at(-1);
    expect(last?.decision).toBe('fail');
    expect(last?.metrics).toContainEqual(expect.objectContaining({ metric: 'errorRate', verdict: 'high', critical: true }));
    expect(events.map((e) => e.DetailType)).toEqual(judgments.map(() => 'Deployment Canary Judged'));
    expect(JSON.parse(events.at(-1)?.Detail ?? '{}')).toMatchObject({ cluster: 'web-prod', release: '1.1.0', decision: 'fail' });
  });
});

describe('noisy-healthy', () => {
  it('promotes through 10 % and 50 % and succeeds: every step end judged promote', async () => {
    // Act
    const { execution, after, judgments } = await run('noisy-healthy');
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(after.forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    expect(judgments.filter((j) => j.decision === 'promote').map((j) => j.step)).toEqual([10, 50]);
    expect(judgments.every((j) => j.decision !== 'fail')).toBe(true);
  });
});

describe('fresh-baseline', () => {
  it('judges against a fresh baseline at 10 % and 25 %, promotes, and leaves no baseline behind', async () => {
    // Act
    const { s, execution, after, judgments } = await run('fresh-baseline');
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(s.cloud.log.filter({ operation: 'CreateAutoScalingGroup', outcome: 'ok' }).map((c) => (c.input as { AutoScalingGroupName: string }).AutoScalingGroupName)).toContain('web-prod-v002-baseline');
    expect(judgments.filter((j) => j.decision === 'promote').map((j) => j.step)).toEqual([10, 25]);
    expect(judgments.every((j) => j.baseline === 'web-prod-v002-baseline' && j.baselineSource === 'fresh')).toBe(true);
    expect(after.forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name).sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(after.targetGroups.filter((n) => n.endsWith('-baseline'))).toEqual([]);
  });
});

describe('fresh-baseline-subtle-errors', () => {
  it('rolls back with CanaryFailed on errorRate against the fresh baseline: listener as before, canary and baseline gone', async () => {
    // Act
    const { before, after, execution, judgments } = await run('fresh-baseline-subtle-errors');
    // Assess
    expect(execution.error).toBe('CanaryFailed');
    expect(execution.cause).toContain('failed on errorRate');
    expect(judgments.at(-1)).toMatchObject({ decision: 'fail', baseline: 'web-prod-v002-baseline', baselineSource: 'fresh' });
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.targetGroups.filter((n) => n.startsWith('web-prod-v002'))).toEqual([]);
    expect(after.lock).toBeUndefined();
  });
});
