/**
 * Deployment windows and the change freeze on the real state machine. The embedded cloud's clock
 * starts on Thursday 2026-11-26 09:00 UTC.
 */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { lockHolder } from '../../src/aws/store.js';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const freeze = (value: unknown) =>
  client(SSMClient).send(new PutParameterCommand({ Name: '/redblack/freeze', Type: 'String', Value: JSON.stringify(value), Overwrite: true }));

/** Weekdays 14:00–17:00 in Paris: 13:00–16:00 UTC in winter, closed at the cloud's 09:00 UTC start. */
const AFTERNOONS = [{ days: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri'] as ('Mon' | 'Tue' | 'Wed' | 'Thu' | 'Fri')[], start: '14:00', end: '17:00', timeZone: 'Europe/Paris' }];

describe('deployment windows', () => {
  it('outside every window Plan refuses with OutsideDeploymentWindow naming the next opening, and changes nothing', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1, { windows: AFTERNOONS });
    const s = session;
    const before = await snapshotCluster('web-prod', s.world.listenerArn);
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('OutsideDeploymentWindow');
    expect(done.cause).toContain('the next opens at 2026-11-26T13:00:00Z');
    const after = await snapshotCluster('web-prod', s.world.listenerArn);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(await lockHolder('web-prod')).toBeUndefined();
  });

  it('waitForWindow: waits, without the lock, until the window opens, then deploys', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1, { windows: AFTERNOONS, waitForWindow: true });
    const s = session;
    // Act
    await s.upload();
    await s.cloud.clock.advance(3600_000);
    const lockWhileWaiting = await lockHolder('web-prod');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(lockWhileWaiting).toBeUndefined();
    expect(done.status).toBe('SUCCEEDED');
    const plans = s.cloud.log.calls.filter((c) => c.caller === 'plan' && c.operation === 'PutItem').map((c) => c.at);
    expect(new Date(Math.min(...plans)).toISOString()).toBe('2026-11-26T13:00:00.000Z');
  });
});

describe('waitForWindow limits', () => {
  it('an opening more than 5 hours away is refused even with waitForWindow (a deployment runs at most 6 hours)', async () => {
    // Prepare: Saturdays only; the cloud starts on a Thursday
    session = await DemoSession.create('happy', 1, { windows: [{ days: ['Sat'], start: '10:00', end: '12:00' }], waitForWindow: true });
    const s = session;
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('OutsideDeploymentWindow');
    expect(done.cause).toContain('the next opens at 2026-11-28T10:00:00Z');
  });

  it('waits out a freeze that ends within 5 hours, then deploys', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1, { waitForWindow: true });
    const s = session;
    await freeze({ reason: 'maintenance', until: '2026-11-26T11:00:00Z' });
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    const planned = s.cloud.log.calls.filter((c) => c.caller === 'plan' && c.operation === 'PutItem').map((c) => c.at);
    expect(Math.min(...planned)).toBeGreaterThanOrEqual(Date.parse('2026-11-26T11:00:00Z'));
  });
});

describe('the change freeze', () => {
  it('refuses a deployment at Plan with ChangeFreeze and its end', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    const s = session;
    await freeze({ reason: 'Black Friday', until: '2026-11-30T00:00:00Z' });
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('ChangeFreeze');
    expect(done.cause).toContain('change freeze until 2026-11-30T00:00:00Z: Black Friday');
  });

  it('set mid-deployment: the next traffic step is refused and the deployment rolls back', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1, { steps: [10, 50, 100], stepWaitSeconds: 120 });
    const s = session;
    const before = await snapshotCluster('web-prod', s.world.listenerArn);
    await s.upload();
    await s.cloud.clock.runUntil(() => s.traffic()['web-prod-v002'] === 10, { limitMs: 3600_000 });
    // Act
    await freeze({ reason: 'incident 4711', until: '2026-11-27T00:00:00Z' });
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('ChangeFreeze');
    expect((await snapshotCluster('web-prod', s.world.listenerArn)).actions).toEqual(before.actions);
  });

  it('never blocks a rollback', async () => {
    // Prepare: a successful deployment, then a freeze
    session = await DemoSession.create('happy', 1);
    const s = session;
    await s.upload();
    expect((await s.awaitExecutions(1)).status).toBe('SUCCEEDED');
    await freeze({ reason: 'year end', until: '2027-01-04T00:00:00Z' });
    // Act
    await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: s.stack.stateMachineArn, name: 'rollback-1', input: JSON.stringify({ action: 'rollback', cluster: 'web-prod' }) }));
    const done = await s.awaitExecutions(2);
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(s.traffic()).toMatchObject({ 'web-prod-v001': 100 });
  });
});
