/**
 * `redblack cluster adopt`: an Auto Scaling group redblack did not create, under any name, becomes
 * the cluster's live group; the first deployment clones it into <cluster>-v001, and its teardown
 * removes it (leaving its target group, which is not redblack's to delete).
 */
import { AutoScalingClient, CreateAutoScalingGroupCommand, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { client } from '../../src/aws/clients.js';
import type { DemoSession } from '../../local/demo.js';
import { cli, openWorld } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

/** The demo world, but served by `legacy-web` (target group `legacy-tg`) instead of web-prod-v001. */
async function legacyWorld(): Promise<DemoSession> {
  const s = await openWorld();
  const asg = client(AutoScalingClient);
  const elb = client(ElasticLoadBalancingV2Client);
  const v001 = (await asg.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: ['web-prod-v001'] }))).AutoScalingGroups?.[0];
  const oldTg = (await elb.send(new DescribeTargetGroupsCommand({ Names: ['web-prod-v001'] }))).TargetGroups?.[0];
  const tg = (
    await elb.send(
      new CreateTargetGroupCommand({ Name: 'legacy-tg', Protocol: 'HTTP', Port: 80, VpcId: oldTg?.VpcId, HealthCheckPath: '/', HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 3 }),
    )
  ).TargetGroups?.[0]?.TargetGroupArn as string;
  await asg.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: 'legacy-web',
      LaunchTemplate: { LaunchTemplateName: 'web-prod', Version: '$Default' },
      MinSize: 2,
      MaxSize: 4,
      DesiredCapacity: 2,
      VPCZoneIdentifier: v001?.VPCZoneIdentifier,
      TargetGroupARNs: [tg],
      HealthCheckType: 'ELB',
      HealthCheckGracePeriod: 60,
    }),
  );
  await elb.send(new ModifyListenerCommand({ ListenerArn: s.world.listenerArn, DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tg, Weight: 1 }] } }] }));
  await asg.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'web-prod-v001', ForceDelete: true }));
  await s.cloud.clock.runUntil(() => s.cloud.elb.healthyCount(tg) >= 2 && !s.cloud.autoscaling.groupNames().includes('web-prod-v001'), { limitMs: 30 * 60_000 });
  await elb.send(new DeleteTargetGroupCommand({ TargetGroupArn: oldTg?.TargetGroupArn }));
  return s;
}

test('adopt shows the tags, writes them with --yes; the first deployment creates web-prod-v001 and tears legacy-web down', async () => {
  // Prepare
  session = await legacyWorld();
  const artifact = join(mkdtempSync(join(tmpdir(), 'redblack-adopt-')), 'web-1.1.0.tgz');
  writeFileSync(artifact, 'web 1.1.0');

  // Act
  const dry = await cli(session, ['--stage', 'local', 'cluster', 'adopt', 'web-prod', 'legacy-web', '--json']);
  const adopted = await cli(session, ['--stage', 'local', 'cluster', 'adopt', 'web-prod', 'legacy-web', '--yes']);
  const plan = await cli(session, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.1.0', '--file', artifact, '--json']);
  const deployed = await cli(session, ['--stage', 'local', 'deploy', 'web-prod', '--release', '1.1.0', '--file', artifact, '--wait', '--json']);
  const status = await cli(session, ['--stage', 'local', 'status', 'web-prod', '--json']);
  const gone = await session.awaitTeardown('legacy-web');
  const history = await cli(session, ['--stage', 'local', 'history', 'web-prod', '--json']);

  // Assess
  expect(dry.json).toMatchObject({ written: false, tags: { 'redblack:cluster': 'web-prod', 'redblack:adopted': 'true' } });
  expect(adopted.code).toBe(0);
  expect(plan.json).toMatchObject({ live: 'legacy-web', next: 'web-prod-v001', blockers: [] });
  expect(deployed.json).toMatchObject({ outcome: 'succeeded', from: 'legacy-web', to: 'web-prod-v001' });
  expect(status.json.groups).toEqual([
    expect.objectContaining({ name: 'web-prod-v001', weight: 100, desired: 2 }),
    expect.objectContaining({ name: 'legacy-web', weight: 0, teardownAt: expect.any(String) }),
  ]);
  expect(gone).toBe(true);
  expect(await targetGroupNames()).toContain('legacy-tg');
  expect(history.json.deployments[0]).toMatchObject({ kind: 'teardown', from: 'legacy-web', trigger: 'schedule' });
});

test('adopt refuses a group the listener does not serve, one of the cluster already, and an unknown one (exit 6)', async () => {
  session = await openWorld();
  const own = await cli(session, ['--stage', 'local', 'cluster', 'adopt', 'web-prod', 'web-prod-v001', '--yes']);
  const unknown = await cli(session, ['--stage', 'local', 'cluster', 'adopt', 'web-prod', 'nope', '--yes']);
  expect(own.code).toBe(6);
  expect(own.err).toBe("redblack: web-prod-v001 is already one of web-prod's server groups\n");
  expect(unknown.code).toBe(6);
  expect(unknown.err).toBe('redblack: no Auto Scaling group nope in this account and region\n');
});

async function targetGroupNames(): Promise<string[]> {
  const out = await client(ElasticLoadBalancingV2Client).send(new DescribeTargetGroupsCommand({}));
  return (out.TargetGroups ?? []).map((t) => t.TargetGroupName as string);
}
