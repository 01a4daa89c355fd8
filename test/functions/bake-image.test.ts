/** bakeImage: a state it cannot bake from → typed error before any builder is launched. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/bake-image.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { expectRefused, fail, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

/** A planned state with an artifact instead of the prebaked image. */
async function bakeState(): Promise<DeploymentState> {
  const { imageId: _imageId, ...state } = await plannedState(s);
  return { ...state, artifact: { bucket: s.stack.bucket, key: 'releases/web-prod/1.1.0/web-1.1.0.tgz' } };
}

describe('bakeImage refuses', () => {
  it.each(['artifact', 'deployment', 'release', 'config', 'next.serverGroup'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'bakeImage', handler, without(await bakeState(), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('a config without a bake section → InvalidClusterConfig(bake)', async () => {
    // Act
    const f = await fail(s, 'bakeImage', handler, without(await bakeState(), 'config.bake'));
    // Assess
    expectRefused(f, 'InvalidClusterConfig', 'bake');
  });

  it('a base image parameter that does not exist → ImageNotFound naming it', async () => {
    // Prepare
    const state = await bakeState();
    const { baseImageId: _base, ...bake } = state.config.bake as NonNullable<DeploymentState['config']['bake']>;
    state.config.bake = { ...bake, baseImageParameter: '/acme/base-image/missing' };
    // Act
    const f = await fail(s, 'bakeImage', handler, state);
    // Assess
    expectRefused(f, 'ImageNotFound');
    expect(f.error.message).toContain('/acme/base-image/missing');
  });
});
