/**
 * The real state machine with the real handlers on the embedded cloud, one test per demo
 * scenario, asserting the end state an operator would check and the invariants of docs/design.md.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

async function open(name: string, seed = 1) {
  session = await DemoSession.create(name, seed);
  const before = await snapshotCluster(session.world.cluster, session.world.listenerArn);
  return { s: session, before };
}

describe('happy', () => {
  it('moves 100% to v002, keeps v001 untouched until its schedule fires, then removes it', async () => {
    // Prepare
    const { s, before } = await open('happy');
    expect(before.forward).toEqual({ 'web-prod-v001': 1 });
    // Act
    await s.upload();
    const execution = await s.awaitExecutions(1);
    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(after.forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    const v001 = after.groups.find((g) => g.name === 'web-prod-v001');
    expect(v001).toMatchObject({ desired: 4, min: 2, deleting: false });
    expect(v001?.pinnedBy).toBeUndefined();
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v001']);
    expect(after.builders).toEqual([]);
    expect(after.lock).toBeUndefined();

    const gone = await s.awaitTeardown('web-prod-v001');
    expect(gone).toBe(true);
    const end = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(end.forward).toEqual({ 'web-prod-v002': 100 });
    expect(end.groups.map((g) => g.name)).toEqual(['web-prod-v002']);
    expect(end.targetGroups).toEqual(['web-prod-v002']);
    expect(end.schedules).toEqual([]);
  });
});

describe('unhealthy-release', () => {
  it('rolls back: listener identical to before, v002 and its target group gone, lock free', async () => {
    const { s, before } = await open('unhealthy-release');
    await s.upload();
    const execution = await s.awaitExecutions(1);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('HealthGateTimedOut');
    const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.targetGroups).toEqual(['web-prod-v001']);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ min: 2 });
    expect(after.builders).toEqual([]);
    expect(after.lock).toBeUndefined();
  });
});

describe('bake-failure', () => {
  it('terminates the builder, creates no group, and leaves the listener as it was', async () => {
    const { s, before } = await open('bake-failure');
    await s.upload();
    const execution = await s.awaitExecutions(1);
    expect(execution.error).toBe('BakeFailed');
    const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(after.actions).toEqual(before.actions);
    expect(after.builders).toEqual([]);
    expect(after.groups.map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });
});

describe('alarm-during-shift', () => {
  it('goes back to v001 at 100% when the alarm fires at the 10% step', async () => {
    const { s, before } = await open('alarm-during-shift');
    const served: number[] = [];
    s.cloud.hooks.on('listenerChanged', () => served.push(s.traffic()['web-prod-v002'] ?? 0));
    await s.upload();
    const execution = await s.awaitExecutions(1);
    expect(execution.error).toBe('AlarmTriggered');
    // Staged at 0, then 10%, then straight back: the 50% step never happened.
    expect(served).toEqual([0, 10, 0]);
    const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });
});

describe('first-deploy', () => {
  it("builds web-prod-v000 from the config's launch section and sends it all traffic", async () => {
    const { s } = await open('first-deploy');
    await s.upload();
    const execution = await s.awaitExecutions(1);
    expect(execution.status).toBe('SUCCEEDED');
    const after = await snapshotCluster(s.world.cluster, s.world.listenerArn);
    expect(after.forward).toEqual({ 'web-prod-v000': 100 });
    expect(after.schedules).toEqual([]);
    expect(after.lock).toBeUndefined();
  });
});

describe('canary-steps', () => {
  it('shifts 10%, 50%, 100% with the configured wait between steps', async () => {
    const { s } = await open('canary-steps');
    const changes: { at: number; weights: Record<string, number> }[] = [];
    s.cloud.hooks.on('listenerChanged', () => changes.push({ at: s.cloud.clock.now(), weights: s.traffic() }));
    await s.upload();
    const execution = await s.awaitExecutions(1);
    expect(execution.status).toBe('SUCCEEDED');
    // First the new target group joins at weight 0 (health-checked, no traffic), then the steps.
    expect(changes.map((c) => c.weights['web-prod-v002'])).toEqual([0, 10, 50, 100]);
    const steps = changes.slice(1);
    const gaps = steps.slice(1).map((c, i) => (c.at - (steps[i] as { at: number }).at) / 1000);
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(120);
  });
});
