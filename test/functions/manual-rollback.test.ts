/** manualRollback: a bad request, an unknown cluster or nothing to roll back → typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/manual-rollback.js';
import { sample } from '../pipeline/helpers.js';
import { expectRefused, fail, worldPerTest } from './helpers.js';

const s = worldPerTest();

const manual = (request: unknown, deployment: unknown = 'manual-rollback-1') => ({ request, deployment });

describe('manual rollback refuses', () => {
  it.each([
    ['no cluster', { action: 'rollback' }, 'cluster'],
    ['another action', { ...sample('manual-rollback.json'), action: 'undo' }, 'action'],
    ['an unknown key', { ...sample('manual-rollback.json'), force: true }, 'force'],
    ['a request that is not an object', 'web-prod', ''],
  ])('%s → InvalidInput', async (_what, request, field) => {
    // Act
    const f = await fail(s, 'manualRollback', handler, manual(request));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('no execution name → InvalidInput(deployment)', async () => {
    // Act
    const f = await fail(s, 'manualRollback', handler, manual(sample('manual-rollback.json'), null));
    // Assess
    expectRefused(f, 'InvalidInput', 'deployment');
  });

  it('an unknown cluster → ClusterNotFound naming it', async () => {
    // Act
    const f = await fail(s, 'manualRollback', handler, manual({ action: 'rollback', cluster: 'api-prod' }));
    // Assess
    expectRefused(f, 'ClusterNotFound');
    expect(f.error.message).toContain('api-prod');
  });

  it('a cluster never deployed by redblack → RollbackUnavailable', async () => {
    // Act
    const f = await fail(s, 'manualRollback', handler, manual(sample('manual-rollback.json')));
    // Assess
    expectRefused(f, 'RollbackUnavailable');
    expect(f.error.message).toBe('cannot roll back cluster web-prod: no older server group of the cluster to roll back to (web-prod-v001 is the only one)');
  });
});
