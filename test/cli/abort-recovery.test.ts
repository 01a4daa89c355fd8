/**
 * `redblack abort --wait` mid traffic shift: StopExecution, then the recover function (EventBridge
 * on ABORTED) restores the cluster; the CLI returns once the ledger records it. The cluster must be
 * exactly as it was before the deployment: the listener's actions key for key, the same groups and
 * target groups, no pin, no lock.
 */
import { afterEach, expect, test } from 'vitest';
import type { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';
import { cli, openWorld } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

test('abort --wait at 10 % leaves the cluster exactly as before the deployment (exit 3)', async () => {
  // Prepare: a canary, stopped while 10 % of the traffic is on the new group.
  session = await openWorld('canary-steps');
  const s = session;
  const before = await snapshotCluster('web-prod', s.world.listenerArn);
  await s.upload();
  await s.cloud.clock.runUntil(() => (s.traffic()['web-prod-v002'] ?? 0) > 0, { limitMs: 3600_000 });

  // Act
  const r = await cli(s, ['--stage', 'local', 'abort', 'web-prod', '--reason', 'wrong build', '--wait', '--json']);
  const after = await snapshotCluster('web-prod', s.world.listenerArn);
  const history = await cli(s, ['--stage', 'local', 'history', 'web-prod', '--json']);

  // Assess
  expect(r.code).toBe(3);
  expect(r.json).toMatchObject({ command: 'abort', stopped: true, recovered: 'ROLLED_BACK' });
  expect(after.actions).toEqual(before.actions);
  expect(after.groups.filter((g) => !g.deleting)).toEqual(before.groups);
  expect(after.targetGroups).toEqual(before.targetGroups);
  expect(after.lock).toBeUndefined();
  expect(after.groups.filter((g) => g.pinnedBy)).toEqual([]);
  expect(history.json.deployments[0]).toMatchObject({ kind: 'deploy', outcome: 'ROLLED_BACK', to: 'web-prod-v002' });
});
