/**
 * The CLI with a fresh canary baseline: `status` lists it apart from the server groups (never
 * taken for the live group or a rollback target) and not once the deployment has ended; `plan`
 * names it and shows its weights and its second group against the quota.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DemoSession } from '../../local/demo.js';
import { cli, openWorld } from './helpers.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

describe('status with a fresh baseline', () => {
  it('lists the baseline apart while it takes traffic, and not at all after the deployment', async () => {
    // Prepare: the deployment's first step (10 %) is on.
    session = await openWorld('fresh-baseline');
    const s = session;
    await s.upload();
    const baselineWeight = () => s.cloud.elb.forwardWeights(s.world.listenerArn).find((f) => f.targetGroupArn.includes('/web-prod-v002-baseline/'))?.weight ?? 0;
    await s.cloud.clock.runUntil(() => baselineWeight() > 0, { limitMs: 3600_000 });
    // Act
    const during = await cli(s, ['--stage', 'local', 'status', 'web-prod', '--json']);
    const text = await cli(s, ['--stage', 'local', 'status', 'web-prod']);
    await s.awaitExecutions(1);
    const after = await cli(s, ['--stage', 'local', 'status', 'web-prod', '--json']);
    // Assess
    expect(during.json.groups.map((g: { name: string }) => g.name).sort()).toEqual(['web-prod-v001', 'web-prod-v002']);
    expect(during.json.baselines).toEqual([expect.objectContaining({ name: 'web-prod-v002-baseline', weight: 10, desired: 4 })]);
    expect(text.out).toMatch(/web-prod-v002-baseline.*fresh canary baseline of web-prod-/);
    expect(after.code).toBe(0);
    expect(after.json.baselines).toBeUndefined();
    expect(after.json.groups.map((g: { name: string }) => g.name)).not.toContain('web-prod-v002-baseline');
  });
});

describe('plan with a fresh baseline', () => {
  it('names the baseline, gives it the canary weight from the live share, and needs room for two groups', async () => {
    // Prepare
    session = await openWorld('fresh-baseline');
    const s = session;
    const file = join(mkdtempSync(join(tmpdir(), 'redblack-')), 'web.tgz');
    writeFileSync(file, 'artifact');
    // Act
    const r = await cli(s, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.1.0', '--file', file, '--json']);
    s.cloud.autoscaling.groupLimit = s.cloud.autoscaling.groupNames().length + 1;
    const quota = await cli(s, ['--stage', 'local', 'plan', 'web-prod', '--release', '1.1.0', '--file', file]);
    // Assess
    expect(r.code).toBe(0);
    expect(r.json.baseline).toEqual({ serverGroup: 'web-prod-v002-baseline', targetGroup: 'web-prod-v002-baseline' });
    expect(r.json.traffic.map((t: { newWeight: number; oldWeight: number; baselineWeight?: number }) => [t.newWeight, t.oldWeight, t.baselineWeight])).toEqual([
      [10, 80, 10],
      [25, 50, 25],
      [100, 0, undefined],
    ]);
    expect(quota.code).toBe(6);
    expect(quota.out).toContain('the new group and its fresh baseline cannot be created');
  });
});

