/** validateRollback: a bad manual rollback request or an unknown cluster → typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/validate-rollback.js';
import { sample } from '../pipeline/helpers.js';
import { expectRefused, fail, lambdaContext, worldPerTest } from './helpers.js';

const s = worldPerTest();

const manual = (request: unknown, deployment: unknown = 'manual-rollback-1') => ({ request, deployment });

describe('validateRollback refuses', () => {
  it.each([
    ['no cluster', { action: 'rollback' }, 'cluster'],
    ['another action', { ...sample('manual-rollback.json'), action: 'undo' }, 'action'],
    ['an unknown key', { ...sample('manual-rollback.json'), force: true }, 'force'],
    ['a request that is not an object', 'web-prod', ''],
  ])('%s → InvalidInput', async (_what, request, field) => {
    // Act
    const f = await fail(s, 'validateRollback', handler, manual(request));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('no execution name → InvalidInput(deployment)', async () => {
    // Act
    const f = await fail(s, 'validateRollback', handler, manual(sample('manual-rollback.json'), null));
    // Assess
    expectRefused(f, 'InvalidInput', 'deployment');
  });

  it('an unknown cluster → ClusterNotFound naming it', async () => {
    // Act
    const f = await fail(s, 'validateRollback', handler, manual({ action: 'rollback', cluster: 'api-prod' }));
    // Assess
    expectRefused(f, 'ClusterNotFound');
    expect(f.error.message).toContain('api-prod');
  });
});

describe('validateRollback on a good request', () => {
  it('returns the parsed request and the cluster config, and changes nothing', async () => {
    // Prepare
    const mark = s.cloud.log.mark();
    // Act
    const out = (await handler(manual(sample('manual-rollback.json')) as { request: unknown; deployment: string }, lambdaContext('validateRollback'))) as any;
    // Assess
    expect(out.request).toMatchObject({ action: 'rollback', cluster: 'web-prod' });
    expect(out.config.listenerArn).toBe(s.world.listenerArn);
    expect(s.cloud.log.mutationsSince(mark)).toEqual([]);
  });
});
