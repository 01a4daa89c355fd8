/** rollback: a state missing what the rollback needs → typed error, nothing changed. */
import { describe, it } from 'vitest';
import { handler } from '../../functions/rollback.js';
import { expectRefused, fail, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

describe('rollback of a failed deployment refuses a state', () => {
  it.each(['swap.arn', 'swap.before', 'next.serverGroup', 'next.targetGroupName', 'config', 'deployment', 'cluster'])('without %s → InvalidInput naming it', async (field) => {
    // Prepare
    const state = without(await plannedState(s), field);
    // Act
    const f = await fail(s, 'rollback', handler, state);
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('that is no object at all → InvalidInput at the root', async () => {
    // Act
    const f = await fail(s, 'rollback', handler, null);
    // Assess
    expectRefused(f, 'InvalidInput', '');
  });
});
