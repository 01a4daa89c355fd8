/**
 * Duplicate and concurrent triggers on the real state machine: at-least-once delivery starts one
 * execution, two releases of one cluster race for its lock, a dead execution's lease, and twenty
 * clusters deploying side by side.
 */
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { getDeployment } from '../../src/aws/store.js';
import type { ExecutionSummary } from '../../sim/services/sfn/execution.js';
import { DemoSession } from '../../local/demo.js';
import { seedDemoWorld } from '../../local/demo-world.js';
import { snapshotCluster } from '../../local/inspect.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const keyOf = (cluster: string, release: string) => `releases/${cluster}/${release}/web-${release}.tgz`;

async function upload(s: DemoSession, cluster: string, release: string): Promise<{ versionId: string; etag: string }> {
  const out = await client(S3Client).send(new PutObjectCommand({ Bucket: s.stack.bucket, Key: keyOf(cluster, release), Body: `${cluster} ${release}` }));
  return { versionId: out.VersionId as string, etag: (out.ETag as string).replace(/"/g, '') };
}

/** The S3 `Object Created` event EventBridge delivers for that upload. */
function objectCreated(s: DemoSession, key: string, o: { versionId: string; etag: string }) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: s.cloud.accountId,
    time: new Date(s.cloud.clock.now()).toISOString().slice(0, 19) + 'Z',
    region: s.cloud.region,
    resources: [`arn:aws:s3:::${s.stack.bucket}`],
    detail: { version: '0', bucket: { name: s.stack.bucket }, object: { key, size: 20, etag: o.etag, 'version-id': o.versionId }, reason: 'PutObject' },
  };
}

const ended = (s: DemoSession) => s.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING');

async function awaitAll(s: DemoSession, count: number): Promise<ExecutionSummary[]> {
  await s.cloud.clock.runUntil(() => s.cloud.sfn.executions().length >= count && s.cloud.sfn.runningCount() === 0, { limitMs: 6 * 3600_000 });
  return s.cloud.sfn.executions();
}

describe('duplicate delivery', () => {
  it('starts one execution when the same S3 event reaches the trigger 10 times', async () => {
    // Prepare: the upload's notification is held back, so the test delivers the event itself.
    session = await DemoSession.create('happy', 1);
    const s = session;
    const rule = `redblack-${s.stack.stage}-artifact-uploaded`;
    await client(EventBridgeClient).send(new DisableRuleCommand({ Name: rule }));
    const object = await upload(s, 'web-prod', '1.1.0');
    await s.cloud.clock.advance(5_000);
    await client(EventBridgeClient).send(new EnableRuleCommand({ Name: rule }));
    const event = objectCreated(s, keyOf('web-prod', '1.1.0'), object);
    const deliver = () => s.cloud.lambda.invoke('trigger', event);

    // Act: five at once, two while the deployment runs, three after it has ended.
    await Promise.all(Array.from({ length: 5 }, deliver));
    await s.cloud.clock.advance(60_000);
    await Promise.all([deliver(), deliver()]);
    await awaitAll(s, 1);
    for (let i = 0; i < 3; i++) await deliver();

    // Assess
    expect(s.cloud.lambda.count('trigger')).toBe(10);
    const executions = s.cloud.sfn.executions();
    expect(executions).toHaveLength(1);
    expect(executions[0]?.status).toBe('SUCCEEDED');
    expect((await snapshotCluster('web-prod', s.world.listenerArn)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
  });
});

describe('two releases of one cluster at once', () => {
  it('deploys one; the other fails fast naming the deployment in progress, and changes nothing', async () => {
    // Prepare
    session = await DemoSession.create('happy', 2);
    const s = session;
    const before = await snapshotCluster('web-prod', s.world.listenerArn);

    // Act
    await Promise.all([upload(s, 'web-prod', '1.1.0'), upload(s, 'web-prod', '1.2.0')]);
    const executions = await awaitAll(s, 2);

    // Assess
    const winner = executions.find((e) => e.status === 'SUCCEEDED') as ExecutionSummary;
    const loser = executions.find((e) => e.status === 'FAILED') as ExecutionSummary;
    expect(winner).toBeDefined();
    expect(loser?.error).toBe('DeploymentInProgress');
    expect(loser.cause).toContain(`deployment ${winner.name} of cluster web-prod in progress`);
    expect((loser.stoppedAt as number) - loser.startedAt).toBeLessThan(10_000);
    // Only Plan ran for the loser, and it wrote nothing: no record, no lock, no group.
    expect(await getDeployment('web-prod', loser.name)).toBeUndefined();
    const plans = s.cloud.log.filter({ caller: 'plan', operation: 'PutItem' });
    expect(plans.filter((c) => c.outcome === 'ok')).toHaveLength(2);
    expect(plans.filter((c) => c.outcome === 'ConditionalCheckFailedException')).toHaveLength(1);
    const after = await snapshotCluster('web-prod', s.world.listenerArn);
    expect(after.groups.map((g) => g.name).sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(before.groups.map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });
});

describe('the lock of a dead execution that nothing recovers', () => {
  it('refuses new deployments until its lease ends, then lets one through that does not inherit the pin', async () => {
    // Prepare: a deployment stopped mid-flight (during its health gate) keeps the lock; its
    // recovery never runs (the rule is off), as if Recover itself had failed for good.
    session = await DemoSession.create('happy', 3);
    const s = session;
    await client(EventBridgeClient).send(new DisableRuleCommand({ Name: `redblack-${s.stack.stage}-recover` }));
    await upload(s, 'web-prod', '1.1.0');
    await s.cloud.clock.runUntil(() => s.cloud.lambda.count('healthGate') > 0, { limitMs: 3600_000 });
    const dead = s.cloud.sfn.executions()[0] as ExecutionSummary;
    await client(SFNClient).send(new StopExecutionCommand({ executionArn: dead.executionArn, error: 'Operator', cause: 'stopped mid-deploy' }));
    const lock = (await snapshotCluster('web-prod', s.world.listenerArn)).lock;
    expect(lock?.deployment).toBe(dead.name);
    const expiresAt = (lock?.expiresAt as number) * 1000;

    // Act + Assess: refused right away and a minute before the lease ends …
    await upload(s, 'web-prod', '1.2.0');
    let [refused] = (await awaitAll(s, 2)).slice(1);
    expect(refused?.error).toBe('DeploymentInProgress');
    expect(refused?.cause).toContain(`deployment ${dead.name} of cluster web-prod in progress`);
    await s.cloud.clock.advance(expiresAt - 60_000 - s.cloud.clock.now());
    await upload(s, 'web-prod', '1.3.0');
    [refused] = (await awaitAll(s, 3)).slice(2);
    expect(refused?.error).toBe('DeploymentInProgress');

    // … and accepted once it has ended: the new deployment takes over the dead one's pin.
    await s.cloud.clock.advance(expiresAt + 1_000 - s.cloud.clock.now());
    await upload(s, 'web-prod', '1.4.0');
    const [accepted] = (await awaitAll(s, 4)).slice(3);
    expect(accepted?.status).toBe('SUCCEEDED');
    const after = await snapshotCluster('web-prod', s.world.listenerArn);
    expect(after.forward['web-prod-v003']).toBe(100);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')?.pinnedBy).toBeUndefined();
    // Pins never leak: v003 is cloned from v001's own MinSize (2), not the dead deployment's pin (4).
    expect(after.groups.find((g) => g.name === 'web-prod-v001')?.min).toBe(2);
    expect(after.groups.find((g) => g.name === 'web-prod-v003')).toMatchObject({ min: 2, desired: 4 });
    expect(after.lock).toBeUndefined();
  });
});

describe('twenty clusters', () => {
  it('deploy at once, each on its own lock, and all succeed', async () => {
    // Prepare: the demo cluster and nineteen more, each with its own load balancer and live group.
    session = await DemoSession.create('happy', 4, { instances: 2 });
    const s = session;
    const clusters = ['web-prod', ...Array.from({ length: 19 }, (_, i) => `svc${i + 1}-prod`)];
    const worlds = [s.world];
    for (const cluster of clusters.slice(1)) worlds.push(await seedDemoWorld({ cluster, instances: 2 }));
    await s.cloud.clock.runUntil(() => worlds.every((w) => s.cloud.elb.healthyCount(w.liveTargetGroupArn as string) >= 2), { limitMs: 30 * 60_000 });

    // Act
    await Promise.all(clusters.map((c) => upload(s, c, '1.1.0')));
    const executions = await awaitAll(s, 20);

    // Assess
    expect(executions).toHaveLength(20);
    expect(executions.filter((e) => e.status !== 'SUCCEEDED').map((e) => `${e.name}: ${e.error}`)).toEqual([]);
    for (const w of worlds) {
      const snap = await snapshotCluster(w.cluster, w.listenerArn);
      expect(snap.forward[`${w.cluster}-v002`]).toBe(100);
      expect(snap.lock).toBeUndefined();
    }
    expect(ended(s)).toHaveLength(20);
  });
});
