/** verifyImage: no image id in the state, or an image this account does not have → typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/verify-image.js';
import { expectRefused, fail, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

describe('verifyImage refuses', () => {
  it('a state without imageId → InvalidInput(imageId)', async () => {
    // Act
    const f = await fail(s, 'verifyImage', handler, without(await plannedState(s), 'imageId'));
    // Assess
    expectRefused(f, 'InvalidInput', 'imageId');
  });

  it('an image id this account does not have → ImageNotFound naming it', async () => {
    // Prepare
    const state = { ...(await plannedState(s)), imageId: 'ami-0123456789abcdef0' };
    // Act
    const f = await fail(s, 'verifyImage', handler, state);
    // Assess
    expectRefused(f, 'ImageNotFound');
    expect(f.error.message).toContain('ami-0123456789abcdef0');
  });

  it('no state at all → InvalidInput at the root', async () => {
    // Act
    const f = await fail(s, 'verifyImage', handler, null);
    // Assess
    expectRefused(f, 'InvalidInput', '');
  });
});
