/**
 * `redblack status` during a deployment with a fresh canary baseline: the baseline is listed
 * apart from the server groups (never taken for the live group or a rollback target), and is
 * gone once the deployment has ended.
 */
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
