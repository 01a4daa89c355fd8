/**
 * Invariant 6 on the real state machine: each step killed right after its side effects is retried
 * by the state machine's Retry and must make no duplicates and reach the same end state.
 */
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { TAG } from '../../src/aws/tags.js';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';
import { awaitExecution, sample, startConsole } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const snapshot = (s: DemoSession) => snapshotCluster(s.world.cluster, s.world.listenerArn);

/** Everything a deployment made that a duplicated step would make twice. */
async function made(s: DemoSession, deployment: string) {
  const ec2 = client(EC2Client);
  const builders = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAG.role}`, Values: ['builder'] }] }));
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: `tag:${TAG.deployment}`, Values: [deployment] }] }));
  const versions = await ec2.send(new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: s.world.cluster }));
  return {
    builders: (builders.Reservations ?? []).flatMap((r) => r.Instances ?? []).length,
    images: images.Images?.length ?? 0,
    templateVersions: versions.LaunchTemplateVersions?.length ?? 0,
  };
}

describe('a deploy step killed after its side effects', () => {
  it.each(['plan', 'bakeImage', 'checkBake', 'launchGroup', 'healthGate', 'swapTargetGroup', 'finalize'])('%s: retried, no duplicates, same end state', async (fn) => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    const s = session;
    s.cloud.lambda.killAfterSideEffects({ function: fn });
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(s.cloud.lambda.invocations.filter((i) => i.function === fn && i.killed)).toHaveLength(1);
    expect(done.status).toBe('SUCCEEDED');
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    expect(after.groups.map((g) => g.name).sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(after.groups.find((g) => g.name === 'web-prod-v001')).toMatchObject({ desired: 4, min: 2 });
    expect(after.groups.find((g) => g.name === 'web-prod-v001')?.pinnedBy).toBeUndefined();
    expect(after.targetGroups.sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v001']);
    expect(after.builders).toEqual([]);
    expect(after.lock).toBeUndefined();
    expect(await made(s, done.name)).toEqual({ builders: 1, images: 1, templateVersions: 2 });
  });

  it('rollback (after a failed health gate): retried, the listener and the cluster as before', async () => {
    // Prepare
    session = await DemoSession.create('unhealthy-release', 1);
    const s = session;
    const before = await snapshot(s);
    s.cloud.lambda.killAfterSideEffects({ function: 'rollback' });
    // Act
    await s.upload();
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.error).toBe('HealthGateTimedOut');
    const after = await snapshot(s);
    expect(after.actions).toEqual(before.actions);
    expect(after.groups.filter((g) => !g.deleting).map((g) => g.name)).toEqual(['web-prod-v001']);
    expect(after.targetGroups).toEqual(['web-prod-v001']);
    expect(after.lock).toBeUndefined();
  });

  it('manual rollback: retried, it reports the rollback it made instead of failing', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    const s = session;
    await s.upload();
    await s.awaitExecutions(1);
    s.cloud.lambda.killAfterSideEffects({ function: 'manualRollback' });
    // Act
    const done = await awaitExecution(s, await startConsole(s, 'manual-rollback-killed', sample('manual-rollback.json')));
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output as string)).toMatchObject({ from: 'web-prod-v002', to: 'web-prod-v001' });
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
    expect(after.schedules).toEqual(['redblack-teardown-web-prod-v002']);
    expect(after.lock).toBeUndefined();
  });

  it('teardown: run again by the schedule, it finishes the job without error', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    const s = session;
    await s.upload();
    await s.awaitExecutions(1);
    s.cloud.lambda.killAfterSideEffects({ function: 'teardown' });
    // Act
    const first = await s.cloud.lambda.invoke('teardown', sample('scheduled-teardown.json')).catch((e: Error) => e);
    const retry = await s.cloud.lambda.invoke('teardown', sample('scheduled-teardown.json'));
    // Assess
    expect(first).toMatchObject({ name: 'Sandbox.Timedout' });
    expect(retry).toMatchObject({ refused: [] });
    const after = await snapshot(s);
    expect(after.forward).toEqual({ 'web-prod-v002': 100 });
    expect(after.targetGroups).toEqual(['web-prod-v002']);
    expect(after.schedules).toEqual([]);
    expect(after.lock).toBeUndefined();
  });
});
