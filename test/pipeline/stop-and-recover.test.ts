/**
 * Stop and roll back, on the real state machine: whatever ends an execution without its own
 * Rollback — StopExecution, the execution's timeout, a Rollback that failed — Recover (invoked by
 * the EventBridge rule on the execution's status change) undoes it from the deployment's ledger
 * record. Until then the cluster's lock stays held; afterwards the next release deploys.
 */
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { getDeployment } from '../../src/aws/store.js';
import { IN_FLIGHT_SECONDS } from '../../src/steps/recover.js';
import { currentCaller } from '../../sim/caller.js';
import type { ExecutionSummary } from '../../sim/services/sfn/execution.js';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';
import { deployRelease, mutations } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const snapshot = (s: DemoSession) => snapshotCluster(s.world.cluster, s.world.listenerArn);
const recoveries = (s: DemoSession) => s.cloud.lambda.invocations.filter((i) => i.function === 'recover');
/** Past Recover's wait for in-flight steps, and its own run. */
const RECOVERY_MS = (IN_FLIGHT_SECONDS + 120) * 1000;

async function stop(s: DemoSession, e: ExecutionSummary): Promise<void> {
  await client(SFNClient).send(new StopExecutionCommand({ executionArn: e.executionArn, error: 'Operator', cause: 'stopped from the console' }));
}

describe('a deployment stopped part-way', () => {
  it('at the 10 % canary step: the listener, groups, pin and lock are as before, and the next release deploys', async () => {
    // Prepare: canary 10/50/100; stop once 10 % goes to v002.
    session = await DemoSession.create('canary-steps', 1);
    const s = session;
    const before = await snapshot(s);
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.elb.forwardWeights(s.world.listenerArn).some((f) => f.weight > 0 && f.targetGroupArn !== s.world.liveTargetGroupArn), { limitMs: 3600_000 });
    const e = s.cloud.sfn.executions()[0] as ExecutionSummary;
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v001': 90, 'web-prod-v002': 10 });
    // Act
    await stop(s, e);
    await s.cloud.clock.advance(RECOVERY_MS);
    // Assess
    expect(s.cloud.sfn.execution(e.executionArn)?.status).toBe('ABORTED');
    expect(recoveries(s).map((i) => i.outcome)).toEqual(['ok']);
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ min: 2, desired: 4 });
    expect(after.groups.find((g) => g.name === 'web-prod-v001')?.pinnedBy).toBeUndefined();
    expect(after.targetGroups).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
    const record = await getDeployment('web-prod', e.name);
    expect(record).toMatchObject({ status: 'ROLLED_BACK', cause: 'Operator: stopped from the console' });
    // The documented rollback and the next release both work again.
    const next = await deployRelease(s, '1.2.0');
    expect(next.status).toBe('SUCCEEDED');
  });

  it('holds the lock until recovery has finished: a release uploaded meanwhile is refused, naming the stopped deployment', async () => {
    // Prepare
    session = await DemoSession.create('happy', 2);
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('healthGate') > 0, { limitMs: 3600_000 });
    const e = s.cloud.sfn.executions()[0] as ExecutionSummary;
    await stop(s, e);
    // Act
    const refused = await deployRelease(s, '1.2.0');
    // Assess
    expect(refused.error).toBe('DeploymentInProgress');
    expect(refused.cause).toContain(`deployment ${e.name} of cluster web-prod in progress`);
    await s.cloud.clock.advance(RECOVERY_MS);
    expect((await snapshot(s)).lock).toBeUndefined();
    expect(await getDeployment('web-prod', e.name)).toMatchObject({ status: 'ROLLED_BACK' });
  });

  it('during the bake: the builder is terminated, nothing else was made', async () => {
    // Prepare
    session = await DemoSession.create('happy', 3);
    const s = session;
    const before = await snapshot(s);
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('checkBake') > 0, { limitMs: 3600_000 });
    expect((await snapshot(s)).builders).toHaveLength(1);
    // Act
    await stop(s, s.cloud.sfn.executions()[0] as ExecutionSummary);
    await s.cloud.clock.advance(RECOVERY_MS);
    // Assess
    const after = await snapshot(s);
    expect(after.builders).toEqual([]);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });

  it('timed out (the state machine TimeoutSeconds) during the health gate: rolled back the same way', async () => {
    // Prepare
    session = await DemoSession.create('happy', 4);
    const s = session;
    const before = await snapshot(s);
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('healthGate') > 0, { limitMs: 3600_000 });
    const e = s.cloud.sfn.executions()[0] as ExecutionSummary;
    // Act
    expect(s.cloud.sfn.timeOut(e.executionArn)).toBe(true);
    await s.cloud.clock.advance(RECOVERY_MS);
    // Assess
    expect(s.cloud.sfn.execution(e.executionArn)?.status).toBe('TIMED_OUT');
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
    expect((await getDeployment('web-prod', e.name))?.cause).toContain('States.Timeout');
  });
});

describe('a deployment that failed', () => {
  it('after its own Rollback ran: recognised and left alone (no change by Recover)', async () => {
    // Prepare
    session = await DemoSession.create('unhealthy-release', 1);
    const s = session;
    await s.upload();
    const done = await s.awaitExecutions(1);
    expect(done.error).toBe('HealthGateTimedOut');
    const mark = s.cloud.log.calls.length;
    // Act
    await s.cloud.clock.advance(RECOVERY_MS);
    // Assess
    expect(recoveries(s).map((i) => i.outcome)).toEqual(['ok']);
    expect(mutations(s, mark, 'recover')).toEqual([]);
  });

  it('whose Rollback failed past its retries: Recover restores the listener the Rollback could not', async () => {
    // Prepare: the alarm fires at the 10 % step; the Rollback's listener write is refused for good once.
    session = await DemoSession.create('alarm-during-shift', 1);
    const s = session;
    const before = await snapshot(s);
    s.cloud.faults.add({ service: 'elasticloadbalancing', operation: 'ModifyListener', error: 'AccessDenied', status: 403, match: () => currentCaller() === 'rollback' });
    await s.upload();
    // Act
    const done = await s.awaitExecutions(1);
    await s.cloud.clock.advance(RECOVERY_MS);
    // Assess
    expect(done.status).toBe('FAILED');
    expect(s.cloud.sfn.GetExecutionHistory({ executionArn: done.executionArn, maxResults: 1000 }).events?.some((ev) => ev.stateEnteredEventDetails?.name === 'RollbackFailed')).toBe(true);
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.lock).toBeUndefined();
    expect(await getDeployment('web-prod', done.name)).toMatchObject({ status: 'ROLLED_BACK' });
  });
});
