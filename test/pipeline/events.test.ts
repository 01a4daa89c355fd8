/**
 * Every sample of `events/` through its real entry point on the embedded cloud (the demo world):
 * the trigger function for S3 and Deploy Requested events, StartExecution for console inputs
 * and the manual rollback, the teardown function for schedules and the daily sweep.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';
import type { TriggerReport } from '../../src/steps/trigger.js';
import { awaitExecution, deployRelease, mutations, quietUpload, registerImage, sample, startConsole } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

async function open(overrides: Parameters<typeof DemoSession.create>[2] = {}) {
  session = await DemoSession.create('happy', 1, overrides);
  const before = await snapshotCluster(session.world.cluster, session.world.listenerArn);
  return { s: session, before };
}

const snapshot = (s: DemoSession) => snapshotCluster(s.world.cluster, s.world.listenerArn);
const deliver = async (s: DemoSession, event: unknown) => (await s.cloud.lambda.invoke('trigger', event)) as TriggerReport;

/**
 * One trigger event end to end: delivered once it starts one execution, delivered again (while it
 * runs, and 10 more times after it succeeded) it starts nothing (invariant 5).
 */
async function assertDedup(s: DemoSession, event: unknown): Promise<void> {
  // Act
  const first = await deliver(s, event);
  const again = await deliver(s, event);
  // Assess
  expect(first.started).toHaveLength(1);
  expect(first.ignored).toEqual([]);
  expect(again.started).toEqual([]);
  expect(again.duplicates).toEqual([first.started[0]?.name]);
  expect(s.cloud.sfn.executions()).toHaveLength(1);

  const done = await s.awaitExecutions(1);
  expect(done.status).toBe('SUCCEEDED');
  expect((await snapshot(s)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });

  for (let i = 0; i < 10; i++) expect((await deliver(s, event)).started).toEqual([]);
  expect(s.cloud.sfn.executions()).toHaveLength(1);
}

describe('trigger entry points', () => {
  it('s3-eventbridge-object-created.json: one deployment per object version', async () => {
    // Prepare: the sample's version id and ETag name no object of this world; point them at the
    // object really uploaded (bucket and key already match the local stack's).
    const { s } = await open();
    const event = sample('s3-eventbridge-object-created.json');
    const real = await quietUpload(s, event.detail.object.key);
    event.detail.object['version-id'] = real.versionId;
    event.detail.object.etag = real.etag;
    // Act + Assess
    await assertDedup(s, event);
    const input = JSON.parse(s.cloud.sfn.executions()[0]?.input as string);
    expect(input.artifact).toEqual({ bucket: s.stack.bucket, key: event.detail.object.key, versionId: real.versionId, etag: real.etag });
  });

  it('s3-classic-notification.json: the form-encoded key names the object with a space', async () => {
    // Prepare: `web+1.1.0.tgz` is the object `web 1.1.0.tgz`; version id and ETag patched to it.
    const { s } = await open();
    const event = sample('s3-classic-notification.json');
    const object = event.Records[0].s3.object;
    const real = await quietUpload(s, 'releases/web-prod/1.1.0/web 1.1.0.tgz');
    object.versionId = real.versionId;
    object.eTag = real.etag;
    // Act + Assess
    await assertDedup(s, event);
    const input = JSON.parse(s.cloud.sfn.executions()[0]?.input as string);
    expect(input.artifact.key).toBe('releases/web-prod/1.1.0/web 1.1.0.tgz');
  });

  it('deploy-requested.json: an unversioned artifact dedups on its key', async () => {
    // Prepare: the sample names no version, so nothing to patch.
    const { s } = await open();
    const event = sample('deploy-requested.json');
    await quietUpload(s, event.detail.artifact.key);
    // Act + Assess
    await assertDedup(s, event);
  });

  it('the real S3 → EventBridge path, at least once on both hops: one deployment', async () => {
    // Prepare: S3 sends the upload's event twice, EventBridge delivers each copy twice.
    const { s } = await open();
    s.cloud.s3.duplicateNextEvents(1);
    s.cloud.events.duplicateNextDeliveries(2);
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(s.cloud.lambda.count('trigger')).toBe(4);
    expect(s.cloud.sfn.executions()).toHaveLength(1);
    expect(done.status).toBe('SUCCEEDED');
  });
});

describe('console entry points', () => {
  it('console-artifact.json: bakes and deploys the uploaded artifact', async () => {
    // Prepare
    const { s } = await open();
    const input = sample('console-artifact.json');
    await quietUpload(s, input.artifact.key);
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'console-artifact', input));
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(s.cloud.lambda.count('bakeImage')).toBe(1);
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    expect(after.builders).toEqual([]);
    expect(after.lock).toBeUndefined();
  });

  it('console-image.json: a registered image is verified, not baked', async () => {
    // Prepare: the sample's imageId is a placeholder; register a real image and use its id.
    const { s } = await open();
    const input = sample('console-image.json');
    input.imageId = await registerImage(s, input.release);
    const mark = s.cloud.log.mark();
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'console-image', input));
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ imageId: input.imageId, to: 'web-prod-v002' });
    expect(s.cloud.lambda.count('verifyImage')).toBe(1);
    expect(s.cloud.lambda.count('bakeImage')).toBe(0);
    expect(s.cloud.log.calls.slice(mark).filter((c) => c.operation === 'RunInstances' || c.operation === 'CreateImage')).toEqual([]);
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
  });

  it('console-artifact.json started again under another name once live: AlreadyLive, nothing changed; "force": true redeploys', async () => {
    // Prepare: the artifact deployed by one console start (v002 serves).
    const { s } = await open();
    const input = sample('console-artifact.json');
    await quietUpload(s, input.artifact.key);
    expect((await awaitExecution(s, await startConsole(s, 'console-first', input))).status).toBe('SUCCEEDED');
    const mark = s.cloud.log.mark();
    const before = await snapshot(s);
    // Act: a double click in the console, under a name of its own.
    const again = await awaitExecution(s, await startConsole(s, 'console-again', input));
    // Assess
    expect(again.status).toBe('SUCCEEDED');
    expect(JSON.parse(again.output as string)).toMatchObject({ outcome: 'already-live', serverGroup: 'web-prod-v002', deployment: 'console-first' });
    // The console's own StartExecution is the one mutating call; no function changes anything.
    expect(mutations(s, mark)).toEqual(['-:states:StartExecution']);
    expect(await snapshot(s)).toEqual(before);
    // Act: on purpose.
    const forced = await awaitExecution(s, await startConsole(s, 'console-forced', { ...input, force: true }));
    // Assess
    expect(forced.status).toBe('SUCCEEDED');
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v003': 100, 'web-prod-v002': 0 });
  });

  it('console-artifact.json started again under another name while it deploys: refused, naming the running deployment', async () => {
    // Prepare
    const { s } = await open();
    const input = sample('console-artifact.json');
    await quietUpload(s, input.artifact.key);
    const first = await startConsole(s, 'console-first', input);
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('launchGroup') > 0, { limitMs: 3600_000 });
    const mark = s.cloud.log.mark();
    // Act
    const again = await awaitExecution(s, await startConsole(s, 'console-again', input));
    // Assess
    expect(again.error).toBe('DeploymentInProgress');
    expect(again.cause).toContain('deployment console-first of cluster web-prod in progress');
    // Its one call that changes anything is the notification of the refusal.
    expect(mutations(s, mark, 'plan')).toEqual(['plan:events:PutEvents']);
    expect((await awaitExecution(s, first)).status).toBe('SUCCEEDED');
  });

  it('console-image.json with an image this account does not have: fails at VerifyImage, leaves nothing', async () => {
    // Prepare: the sample as it is: ami-0123456789abcdef0 exists nowhere in this world.
    const { s, before } = await open();
    const input = sample('console-image.json');
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'console-image-unknown', input));
    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('ImageNotFound');
    expect(done.cause).toContain(input.imageId);
    expect(s.cloud.lambda.count('launchGroup')).toBe(0);
    expect(await snapshot(s)).toEqual(before);
  });
});

describe('scheduled-teardown.json', () => {
  it('right after a deploy, removes the old group, its target group and its schedule', async () => {
    // Prepare: the sample names web-prod-v001, the group a happy deploy leaves at weight 0.
    const { s } = await open();
    await s.upload();
    expect((await s.awaitExecutions(1)).status).toBe('SUCCEEDED');
    const event = sample('scheduled-teardown.json');
    // Act
    const report = (await s.cloud.lambda.invoke('teardown', event)) as { deleted: string[]; refused: unknown[] };
    // Assess
    expect(report).toMatchObject({ deleted: ['web-prod-v001'], refused: [] });
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v002': 100 });
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v002']);
    expect(after.targetGroups).toEqual(['web-prod-v002']);
    expect(after.schedules).toEqual([]);
    expect(after.lock).toBeUndefined();
    await s.cloud.clock.runUntil(() => !s.cloud.autoscaling.groupNames().includes('web-prod-v001'), { limitMs: 30 * 60_000 });
  });

  it('aimed at the serving group: TeardownRefused, and teardown changes nothing', async () => {
    // Prepare
    const { s } = await open();
    await s.upload();
    await s.awaitExecutions(1);
    const before = await snapshot(s);
    const event = { ...sample('scheduled-teardown.json'), serverGroup: 'web-prod-v002' };
    const mark = s.cloud.log.mark();
    // Act
    const error = await s.cloud.lambda.invoke('teardown', event).catch((e: Error) => e);
    // Assess
    expect(error).toMatchObject({ name: 'TeardownRefused' });
    expect((error as Error).message).toContain('web-prod-v002');
    expect(mutations(s, mark, 'teardown')).toEqual([]);
    expect(await snapshot(s)).toEqual(before);
  });
});

describe('daily sweep', () => {
  it.each(['daily-sweep.json', 'daily-sweep-scheduled-event.json'])('%s keeps maxRemainingGroups (2) per cluster', async (file) => {
    // Prepare: three deploys (v002, v003, v004); teardown schedules far off so only the sweep removes groups.
    const { s } = await open({ retainMinutes: 12 * 60 });
    for (const release of ['1.1.0', '1.2.0', '1.3.0']) expect((await deployRelease(s, release)).status).toBe('SUCCEEDED');
    expect((await snapshot(s)).groups.map((g) => g.name).sort()).toEqual(['web-prod-v001', 'web-prod-v002', 'web-prod-v003', 'web-prod-v004']);
    // Act
    const report = (await s.cloud.lambda.invoke('teardown', sample(file))) as { mode: string; deleted: string[] };
    // Assess: the oldest go, the serving v004 and the newest previous v003 (rollback target) stay.
    expect(report).toMatchObject({ mode: 'sweep', deleted: ['web-prod-v001', 'web-prod-v002'] });
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v004': 100, 'web-prod-v003': 0 });
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name).sort()).toEqual(['web-prod-v003', 'web-prod-v004']);
    expect(after.targetGroups.sort()).toEqual(['web-prod-v003', 'web-prod-v004']);
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v003']);
    expect(after.lock).toBeUndefined();
    // A second sweep finds nothing more to do.
    expect(await s.cloud.lambda.invoke('teardown', sample(file))).toMatchObject({ deleted: [] });
  });
});

describe('manual-rollback.json', () => {
  it('after a deploy: one flip back to v001, its schedule cancelled, v002 scheduled instead', async () => {
    // Prepare
    const { s } = await open();
    await s.upload();
    const deploy = await s.awaitExecutions(1);
    expect((await snapshot(s)).schedules).toEqual(['redblack-teardown-web-prod-v001']);
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'manual-rollback-1', sample('manual-rollback.json')));
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ outcome: 'rolled-back', from: 'web-prod-v002', to: 'web-prod-v001', traffic: { 'web-prod-v001': 100, 'web-prod-v002': 0 } });
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v002']);
    expect(after.lock).toBeUndefined();
    expect(deploy.name).not.toBe(done.name);

    // Act: a second rollback has nothing left to undo.
    const second = await awaitExecution(s, await startConsole(s, 'manual-rollback-2', sample('manual-rollback.json')));
    // Assess
    expect(second.status).toBe('FAILED');
    expect(second.error).toBe('RollbackUnavailable');
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
  });

  it('while a deployment runs: DeploymentInProgress, and the deployment carries on', async () => {
    // Prepare: 1.1.0 deployed; 1.2.0 underway (past Plan, so it holds the lock).
    const { s } = await open();
    await deployRelease(s, '1.1.0');
    await s.upload('releases/web-prod/1.2.0/web-1.2.0.tgz');
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('launchGroup') >= 2, { limitMs: 3600_000 });
    const mark = s.cloud.log.mark();
    // Act
    const rollback = await awaitExecution(s, await startConsole(s, 'manual-rollback-busy', sample('manual-rollback.json')));
    // Assess
    expect(rollback.status).toBe('FAILED');
    expect(rollback.error).toBe('DeploymentInProgress');
    expect(mutations(s, mark, 'manualRollback')).toEqual([]);
    const deploy = await s.awaitExecutions(3);
    expect(deploy.status).toBe('SUCCEEDED');
    expect((await snapshot(s)).forward).toEqual({ 'web-prod-v003': 100, 'web-prod-v002': 0 });
  });
});

describe('execution-aborted.json', () => {
  it('for a deployment stopped mid-gate: recover undoes it; the rule delivery after it finds nothing to do', async () => {
    // Prepare: the sample's execution, for real: a prebaked deploy stopped during its health gate.
    const { s, before } = await open();
    const event = sample('execution-aborted.json');
    const input = JSON.parse(event.detail.input);
    input.imageId = await registerImage(s, input.release);
    const arn = await startConsole(s, event.detail.name, input);
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('healthGate') > 0, { limitMs: 3600_000 });
    await s.cloud.sfn.StopExecution({ executionArn: arn, error: 'Operator', cause: 'stopped from the console' });
    Object.assign(event.detail, { executionArn: arn, stateMachineArn: s.stack.stateMachineArn, input: JSON.stringify(input), stopDate: s.cloud.clock.now() });
    // Act
    const pending = s.cloud.lambda.invoke('recover', event);
    await s.cloud.clock.advance(10 * 60_000);
    const report = await pending;
    // Assess
    expect(report).toMatchObject({ outcome: 'rolled-back', deployment: event.detail.name, cluster: 'web-prod', reason: 'Operator: stopped from the console' });
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
    expect(s.cloud.lambda.invocations.filter((i) => i.function === 'recover')).toHaveLength(2);
    expect(mutations(s, 0, 'recover').filter((m) => m.includes('ModifyListener'))).toHaveLength(1);
  });
});
