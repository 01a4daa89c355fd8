/** launchGroup: a state without its image or its plan → typed error before any group, target group or version. */
import { describe, it } from 'vitest';
import { handler } from '../../functions/launch-group.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { expectRefused, fail, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

async function verified(): Promise<DeploymentState> {
  const state = await plannedState(s);
  return { ...state, image: { status: 'done', imageId: state.imageId as string, waitSeconds: 0 } };
}

describe('launchGroup refuses', () => {
  it.each(['image.imageId', 'next.serverGroup', 'next.targetGroupName', 'swap.arn', 'config.healthGate'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'launchGroup', handler, without(await verified(), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('listener actions that are not a list → InvalidInput(swap.before)', async () => {
    // Prepare
    const state = await verified();
    // Act
    const f = await fail(s, 'launchGroup', handler, { ...state, swap: { ...state.swap, before: 'forward' } });
    // Assess
    expectRefused(f, 'InvalidInput', 'swap.before');
  });

  it('a first deploy with no launch section → InvalidClusterConfig(launch)', async () => {
    // Prepare: as if Plan had found no live group.
    const { live: _live, ...state } = await verified();
    // Act
    const f = await fail(s, 'launchGroup', handler, state);
    // Assess
    expectRefused(f, 'InvalidClusterConfig', 'launch');
  });
});
