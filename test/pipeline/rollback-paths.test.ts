/**
 * The less travelled ends of a deployment on the real state machine: a failed first deploy, a
 * failure with `rollbackOnFailure: false`, and every step killed right after its side effects
 * and retried (invariant 6: no duplicates, same end state).
 */
import { AutoScalingClient, UpdateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { DemoSession } from '../../local/demo.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { snapshotCluster } from '../../local/inspect.js';
import { awaitExecution, deployRelease, sample, startConsole } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const snapshot = (s: DemoSession) => snapshotCluster(s.world.cluster, s.world.listenerArn);
const live = (groups: { name: string; deleting: boolean }[]) => groups.filter((g) => !g.deleting).map((g) => g.name).sort();

describe('first deploy', () => {
  it('rolled back: the listener answers its fixed 503 again, v000 and its target group gone', async () => {
    // Prepare
    session = await DemoSession.create('first-deploy', 1, { healthGateMinutes: 8 });
    const s = session;
    s.cloud.apps.set('1.1.0', { healthy: false });
    const before = await snapshot(s);
    expect(before.actions).toMatchObject([{ Type: 'fixed-response' }]);
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('HealthGateTimedOut');
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(live(after.groups)).toEqual([]);
    expect(after.targetGroups).toEqual([]);
    expect(after.builders).toEqual([]);
    expect(after.lock).toBeUndefined();
  });

  it('succeeded: a manual rollback has no previous group to go back to', async () => {
    // Prepare
    session = await DemoSession.create('first-deploy', 1);
    const s = session;
    await s.upload();
    expect((await s.awaitExecutions(1)).status).toBe('SUCCEEDED');
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'rollback-first', sample('manual-rollback.json')));
    // Assess
    expect(done.error).toBe('RollbackUnavailable');
    expect(done.cause).toContain('no older server group of the cluster to roll back to (web-prod-v000 is the only one)');
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v000': 100 });
  });
});

describe('rollbackOnFailure: false', () => {
  it('keeps the failed group out of traffic for inspection; the next sweep removes it', async () => {
    // Prepare
    session = await DemoSession.create('unhealthy-release', 1);
    const s = session;
    await putClusterConfig(s.world.cluster, { ...s.world.config, rollbackOnFailure: false });
    const before = await snapshot(s);
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess: traffic and lock as before the deployment, v001 unpinned, v002 kept.
    expect(done.error).toBe('HealthGateTimedOut');
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(live(after.groups)).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ min: 2 });
    expect(after.groups.find((g) => g.name === 'web-prod-v001')?.pinnedBy).toBeUndefined();
    expect(after.targetGroups.sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(after.lock).toBeUndefined();

    // Act: the daily sweep.
    const report = await s.cloud.lambda.invoke('teardown', sample('daily-sweep.json'));
    // Assess
    expect(report).toMatchObject({ deleted: ['web-prod-v002'] });
    const swept = await snapshot(s);
    expect(live(swept.groups)).toEqual(['web-prod-v001']);
    expect(swept.targetGroups).toEqual(['web-prod-v001']);
    expect(swept.actions).toEqual(before.actions);
  });

  it('a later good release deploys beside the kept group as v003', async () => {
    // Prepare
    session = await DemoSession.create('unhealthy-release', 1);
    const s = session;
    await putClusterConfig(s.world.cluster, { ...s.world.config, rollbackOnFailure: false });
    await s.upload();
    await s.awaitExecutions(1);
    // Act
    const done = await deployRelease(s, '1.2.0');
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v003': 100, 'web-prod-v001': 0 });
  });
});

describe('someone else edits the listener mid-deploy', () => {
  it('ListenerDrifted at the next traffic step; rolled back without overwriting their edit', async () => {
    // Prepare: canary 10/50/100; once 10 % goes to v002, an operator adds their own target group at weight 0.
    session = await DemoSession.create('canary-steps', 1);
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.elb.forwardWeights(s.world.listenerArn).some((f) => f.weight > 0 && f.targetGroupArn !== s.world.liveTargetGroupArn), { limitMs: 3600_000 });
    const elb = client(ElasticLoadBalancingV2Client);
    const ops = (await elb.send(new CreateTargetGroupCommand({ Name: 'ops-canary', Protocol: 'HTTP', Port: 80, VpcId: s.world.vpcId, TargetType: 'instance' }))).TargetGroups?.[0]?.TargetGroupArn as string;
    const current = s.cloud.elb.forwardWeights(s.world.listenerArn);
    await elb.send(
      new ModifyListenerCommand({
        ListenerArn: s.world.listenerArn,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [...current.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })), { TargetGroupArn: ops, Weight: 0 }] } }],
      }),
    );
    // Act
    const done = await s.awaitExecutions(1);
    // Assess: stopped rather than overwriting; the restore keeps their target group.
    expect(done.error).toBe('ListenerDrifted');
    const after = await snapshot(s);
    // v001 at its weight as Plan found it (a plain forward is weight 1), their group at theirs.
    expect(after.forward).toEqual({ 'web-prod-v001': 1, 'ops-canary': 0 });
    expect(live(after.groups)).toEqual(['web-prod-v001']);
    expect(after.targetGroups.sort()).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });
});

describe('the traffic guard', () => {
  it('a new group scaled to 0 mid-shift never gets a bigger share: TrafficGuardViolation, rolled back', async () => {
    // Prepare: canary 10/50/100; after the 10 % step someone scales v002 to 0.
    session = await DemoSession.create('canary-steps', 1);
    const s = session;
    const shares: number[] = [];
    s.cloud.hooks.on('listenerChanged', () => {
      const forward = s.cloud.elb.forwardWeights(s.world.listenerArn);
      const total = forward.reduce((sum, f) => sum + f.weight, 0);
      const v002 = forward.find((f) => f.targetGroupArn !== s.world.liveTargetGroupArn && f.weight > 0)?.weight ?? 0;
      shares.push(total === 0 ? 0 : Math.round((v002 * 100) / total));
    });
    await s.upload();
    await s.cloud.clock.runUntil(() => shares.some((p) => p > 0), { limitMs: 3600_000 });
    await client(AutoScalingClient).send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'web-prod-v002', MinSize: 0, DesiredCapacity: 0 }));
    // Act
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('TrafficGuardViolation');
    expect(done.cause).toContain('web-prod-v002: its desired capacity is 0');
    expect(Math.max(...shares)).toBe(10);
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v001': 1 });
  });
});
