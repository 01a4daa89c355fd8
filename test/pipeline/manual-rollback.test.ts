/**
 * Manual rollback whatever the previous group's state, on the real state machine (Spinnaker's
 * enable → resize → disable): a scaled-down group gets its own capacity back and passes the health
 * gate before one guarded flip; an older group can be named; a rollback that cannot be done says
 * why and changes nothing; one stopped while it waits is ended by Recover.
 */
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { getDeployment } from '../../src/aws/store.js';
import { currentCaller } from '../../sim/caller.js';
import { DemoSession } from '../../local/demo.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { snapshotCluster } from '../../local/inspect.js';
import { awaitExecution, deployRelease, mutations, startConsole } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const snapshot = (s: DemoSession) => snapshotCluster(s.world.cluster, s.world.listenerArn);
const group = async (s: DemoSession, name: string) => (await snapshot(s)).groups.find((g) => g.name === name);
const ROLLBACK = { action: 'rollback', cluster: 'web-prod' };

/** The demo world with `teardown.scaleDownOld`: 1.1.0 deployed, v001 scaled to 0. */
async function scaledDown(seed: number): Promise<DemoSession> {
  const s = await DemoSession.create('happy', seed);
  await putClusterConfig(s.world.cluster, { ...s.world.config, teardown: { ...s.world.config.teardown, scaleDownOld: true } });
  await s.upload();
  expect((await s.awaitExecutions(1)).status).toBe('SUCCEEDED');
  // Its instances drain and terminate: nothing of v001 answers any more.
  await s.cloud.clock.advance(10 * 60_000);
  expect(await group(s, 'web-prod-v001')).toMatchObject({ desired: 0, min: 0 });
  expect(s.cloud.elb.healthyCount(s.world.liveTargetGroupArn as string)).toBe(0);
  return s;
}

describe('to a group Finalize scaled down', () => {
  it('restores its saved capacity, waits for its health gate with the listener untouched, then flips once', async () => {
    // Prepare: what the manual rollback's listener writes find v001 holding.
    session = await scaledDown(1);
    const s = session;
    const v001 = s.world.liveTargetGroupArn as string;
    const atFlips: number[] = [];
    s.cloud.hooks.on('listenerChanged', () => {
      if (currentCaller() === 'manualRollback') atFlips.push(s.cloud.elb.healthyCount(v001));
    });
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'rollback-1', ROLLBACK));
    // Assess: never sent to an empty group — one write, with all 4 targets healthy by then.
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ outcome: 'rolled-back', from: 'web-prod-v002', to: 'web-prod-v001' });
    expect(atFlips).toEqual([4]);
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ desired: 4, min: 2 });
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v002']);
    expect(after.lock).toBeUndefined();
    const waits = s.cloud.sfn.GetExecutionHistory({ executionArn: done.executionArn, maxResults: 1000 }).events?.filter((e) => e.stateEnteredEventDetails?.name === 'WaitForRollbackGate');
    expect(waits?.length).toBeGreaterThan(0);
  });

  it('that never gets healthy: HealthGateTimedOut, the listener untouched, the group back to 0, the lock free', async () => {
    // Prepare
    session = await scaledDown(2);
    const s = session;
    s.cloud.apps.set('1.0.0', { healthy: false });
    const before = await snapshot(s);
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'rollback-unhealthy', ROLLBACK));
    // Assess
    expect(done.error).toBe('HealthGateTimedOut');
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ desired: 0, min: 0 });
    expect(after.lock).toBeUndefined();
    expect(await getDeployment('web-prod', done.name)).toMatchObject({ status: 'FAILED', kind: 'rollback' });
  });

  it('stopped while it waits: Recover puts the group back and frees the lock; the listener was never touched', async () => {
    // Prepare
    session = await scaledDown(3);
    const s = session;
    const before = await snapshot(s);
    const arn = await startConsole(s, 'rollback-stopped', ROLLBACK);
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('manualRollback') >= 2, { limitMs: 3600_000 });
    // Act
    await client(SFNClient).send(new StopExecutionCommand({ executionArn: arn }));
    await s.cloud.clock.advance(8 * 60_000);
    // Assess
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ desired: 0, min: 0 });
    expect(after.lock).toBeUndefined();
    expect(await getDeployment('web-prod', 'rollback-stopped')).toMatchObject({ status: 'FAILED' });
  });
});

describe('to an older group', () => {
  it('`to` names any still existing group older than the serving one', async () => {
    // Prepare: v001 → v002 (1.1.0) → v003 (1.2.0); v001 and v002 still warm.
    session = await DemoSession.create('happy', 4);
    const s = session;
    await deployRelease(s, '1.1.0');
    await deployRelease(s, '1.2.0');
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'rollback-older', { ...ROLLBACK, to: 'web-prod-v001' }));
    // Assess
    expect(done.cause).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    const after = await snapshot(s);
    // v002 keeps its weight 0 (nothing else in the forward action is dropped); its teardown removes it.
    expect(after.forward).toEqual({ 'web-prod-v001': 100, 'web-prod-v003': 0, 'web-prod-v002': 0 });
    expect(after.schedules.sort()).toEqual(['redblack-teardown-web-prod-v002', 'redblack-teardown-web-prod-v003']);
  });

  it.each([
    ['the serving group', 'web-prod-v002', 'web-prod-v002 already serves all traffic'],
    ['a group that is gone', 'web-prod-v000', 'server group web-prod-v000 no longer exists'],
  ])('refuses %s in one line and changes nothing', async (_what, to, reason) => {
    // Prepare
    session = await DemoSession.create('happy', 5);
    const s = session;
    await deployRelease(s, '1.1.0');
    const mark = s.cloud.log.mark();
    const before = await snapshot(s);
    // Act
    const done = await awaitExecution(s, await startConsole(s, `rollback-${to}`, { ...ROLLBACK, to }));
    // Assess
    expect(done.error).toBe('RollbackUnavailable');
    expect(JSON.parse(done.cause as string).errorMessage).toBe(`cannot roll back cluster web-prod: ${reason}`);
    expect(mutations(s, mark, 'manualRollback')).toEqual([]);
    expect(await snapshot(s)).toEqual(before);
  });
});
