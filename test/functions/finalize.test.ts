/** finalize: a state without what it records and schedules → typed error, no schedule, lock kept. */
import { describe, it } from 'vitest';
import { handler } from '../../functions/finalize.js';
import { expectRefused, fail, worldPerTest, plannedState, withLaunched, without } from './helpers.js';

const s = worldPerTest();

describe('finalize refuses', () => {
  it.each(['deployment', 'cluster', 'release', 'next.serverGroup', 'config.teardown'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'finalize', handler, without(withLaunched(await plannedState(s)), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('no state at all → InvalidInput at the root', async () => {
    // Act
    const f = await fail(s, 'finalize', handler, 'done');
    // Assess
    expectRefused(f, 'InvalidInput', '');
  });
});
