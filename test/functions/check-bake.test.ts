/** checkBake: a state without the builder to check → typed error, nothing terminated or imaged. */
import { describe, it } from 'vitest';
import { handler } from '../../functions/check-bake.js';
import { expectRefused, fail, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

describe('checkBake refuses', () => {
  it('a state without image → InvalidInput(image.builderId)', async () => {
    // Act
    const f = await fail(s, 'checkBake', handler, await plannedState(s));
    // Assess
    expectRefused(f, 'InvalidInput', 'image.builderId');
  });

  it('a builder id that is not a string → InvalidInput(image.builderId)', async () => {
    // Prepare
    const state = { ...(await plannedState(s)), image: { status: 'baking', builderId: 42, waitSeconds: 15 } };
    // Act
    const f = await fail(s, 'checkBake', handler, state);
    // Assess
    expectRefused(f, 'InvalidInput', 'image.builderId');
  });

  it.each(['config', 'deployment'])('a state without %s → InvalidInput naming it', async (field) => {
    // Prepare
    const state = { ...(await plannedState(s)), image: { status: 'baking' as const, builderId: 'i-0123456789abcdef0', waitSeconds: 15 } };
    // Act
    const f = await fail(s, 'checkBake', handler, without(state, field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });
});
