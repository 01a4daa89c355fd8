/** teardown: a bad schedule payload or a group that must stay → typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/teardown.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { expectRefused, fail, lambdaContext, worldPerTest } from './helpers.js';

const s = worldPerTest();

describe('teardown refuses', () => {
  it.each([
    ['a cluster name', { serverGroup: 'web-prod', deployment: 'd' }],
    ['a short sequence', { serverGroup: 'web-prod-v1', deployment: 'd' }],
    ['upper case', { serverGroup: 'Web-Prod-v001', deployment: 'd' }],
    ['a number', { serverGroup: 1, deployment: 'd' }],
    ['no server group', { deployment: 'd' }],
    ['no event at all', null],
  ])('%s as the server group → InvalidInput(serverGroup)', async (_what, event) => {
    // Act
    const f = await fail(s, 'teardown', handler, event);
    // Assess
    expectRefused(f, 'InvalidInput', 'serverGroup');
  });

  it('a group of a cluster without configuration → ClusterNotFound', async () => {
    // Act
    const f = await fail(s, 'teardown', handler, { serverGroup: 'api-prod-v001', deployment: 'd' });
    // Assess
    expectRefused(f, 'ClusterNotFound');
    expect(f.error.message).toContain('api-prod');
  });

  it('the serving group → TeardownRefused before it takes the lock', async () => {
    // Act
    const f = await fail(s, 'teardown', handler, { serverGroup: 'web-prod-v001', deployment: 'd' });
    // Assess
    expectRefused(f, 'TeardownRefused');
    expect(f.error.message).toContain('serves traffic');
  });
});

describe('the sweep', () => {
  it('skips a cluster whose configuration is invalid, reporting why, and changes nothing', async () => {
    // Prepare
    await putClusterConfig('web-prod', { ...s.world.config, teardown: { maxRemainingGroups: 0 } });
    const mark = s.cloud.log.mark();
    // Act
    const report = (await handler({ mode: 'sweep' }, lambdaContext('teardown'))) as { deleted: string[]; refused: { reason: string }[] };
    // Assess
    expect(report.deleted).toEqual([]);
    expect(report.refused[0]?.reason).toContain('teardown.maxRemainingGroups');
    expect(s.cloud.log.mutationsSince(mark)).toEqual([]);
  });
});
