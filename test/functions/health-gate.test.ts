/** healthGate: a state without what LaunchGroup added → typed error (the gate only reads, and must not guess). */
import { describe, it } from 'vitest';
import { handler } from '../../functions/health-gate.js';
import { expectRefused, fail, worldPerTest, plannedState, withLaunched, without } from './helpers.js';

const s = worldPerTest();

describe('healthGate refuses', () => {
  it.each(['launched.serverGroup', 'launched.targetGroupArn', 'launched.required', 'launched.deadline', 'config.healthGate'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'healthGate', handler, without(withLaunched(await plannedState(s)), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('a deadline that is not a number → InvalidInput(launched.deadline)', async () => {
    // Prepare
    const state = withLaunched(await plannedState(s));
    // Act
    const f = await fail(s, 'healthGate', handler, { ...state, launched: { ...state.launched, deadline: '2026-11-26T10:00:00Z' } });
    // Assess
    expectRefused(f, 'InvalidInput', 'launched.deadline');
  });
});
