/**
 * canary `baseline: fresh` on a cluster's first deployment: there is no live image to launch a
 * baseline from, so the deployment goes ahead without one (the judge skips) and says so.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { plan } from '../../src/steps/plan.js';
import { validate } from '../../src/steps/validate.js';
import { runAsCaller } from '../../sim/caller.js';
import { DemoSession } from '../../local/demo.js';
import { perTest } from '../fixture.js';
import { registerImage } from '../pipeline/helpers.js';

const first = perTest(() => DemoSession.create('fresh-baseline', 1, { firstDeploy: true }));
const DEPLOYMENT = 'web-prod-fresh-0000000000000000';

describe('Plan with a fresh baseline on a first deployment (no live image)', () => {
  it('goes ahead without a baseline and says so in the Started event', async () => {
    // Prepare
    const imageId = await registerImage(first, '1.1.0');
    // Act
    const state = (await runAsCaller('plan', async () => plan(await validate({ input: { cluster: first.world.cluster, release: '1.1.0', imageId }, deployment: DEPLOYMENT })))) as DeploymentState;
    // Assess
    expect(state.live).toBeUndefined();
    expect(state.baseline).toBeUndefined();
    const started = first.cloud.log
      .filter({ caller: 'plan', operation: 'PutEvents' })
      .flatMap((c) => (c.input as { Entries: { DetailType: string; Detail: string }[] }).Entries)
      .find((e) => e.DetailType === 'Deployment Started');
    expect(JSON.parse(started?.Detail ?? '{}').warnings).toEqual([expect.stringContaining('no live group to launch a baseline from')]);
  });
});
