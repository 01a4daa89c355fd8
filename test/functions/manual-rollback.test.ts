/** manualRollback: from a checked request, nothing to roll back → typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/manual-rollback.js';
import { handler as validateRollback } from '../../functions/validate-rollback.js';
import { sample } from '../pipeline/helpers.js';
import { expectRefused, fail, type Handler, worldPerTest } from './helpers.js';

const s = worldPerTest();

/** ValidateRollback then ManualRollback, as the state machine runs them. */
const checkedThenRolledBack: Handler = async (event, context) => handler({ ...(await validateRollback(event, context)), deployment: event.deployment }, context);

describe('manual rollback refuses', () => {
  it('a cluster never deployed by redblack → RollbackUnavailable', async () => {
    // Act
    const f = await fail(s, 'manualRollback', checkedThenRolledBack, { request: sample('manual-rollback.json'), deployment: 'manual-rollback-1' });
    // Assess
    expectRefused(f, 'RollbackUnavailable');
    expect(f.error.message).toBe('cannot roll back cluster web-prod: no older server group of the cluster to roll back to (web-prod-v001 is the only one)');
  });

  it('anything but what ValidateRollback returns → InvalidInput, nothing called', async () => {
    // Act
    const f = await fail(s, 'manualRollback', handler, { request: sample('manual-rollback.json'), deployment: 'manual-rollback-1' });
    // Assess
    expectRefused(f, 'InvalidInput', 'request');
  });
});
