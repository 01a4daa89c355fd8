/** plan: from what Validate checked, a cluster it cannot deploy to is refused before the lock — typed error, nothing changed. */
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/plan.js';
import { handler as validate } from '../../functions/validate.js';
import { acquireLock } from '../../src/aws/store.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { quietUpload } from '../pipeline/helpers.js';
import { expectRefused, fail, type Handler, lambdaContext, worldPerTest } from './helpers.js';

const s = worldPerTest();

const DEPLOYMENT = 'web-prod-1_1_0-0000000000000000';
const artifact = () => ({ bucket: s.stack.bucket, key: 'releases/web-prod/1.1.0/web-1.1.0.tgz' });
// An image of this account: Validate refuses a foreign or unknown one before Plan runs.
const image = () => ({ cluster: 'web-prod', release: '1.1.0', imageId: s.world.liveImageId as string });
/** Validate then Plan, as the state machine runs them. */
const validateThenPlan: Handler = async (event, context) => handler(await validate(event, context), context);
const run = (input: unknown, deployment: unknown = DEPLOYMENT) => fail(s, 'plan', validateThenPlan, { input, deployment });

describe('plan refuses a cluster it cannot deploy to', () => {
  it('a listener that does not exist → InvalidClusterConfig(listenerArn)', async () => {
    // Prepare
    await putClusterConfig('web-prod', { ...s.world.config, listenerArn: `${s.world.listenerArn.slice(0, -4)}dead` });
    // Act
    const f = await run(image());
    // Assess
    expectRefused(f, 'InvalidClusterConfig', 'listenerArn');
  });

  it('a cluster locked by another deployment → DeploymentInProgress, the lock untouched', async () => {
    // Prepare
    await acquireLock('web-prod', 'web-prod-other-1111111111111111', 3600, Date.now());
    // Act
    const f = await run(image(), 'web-prod-mine-2222222222222222');
    // Assess
    expectRefused(f, 'DeploymentInProgress');
    expect(f.error.message).toContain('web-prod-other-1111111111111111');
  });
  it('refuses to run on anything but what Validate returns → InvalidInput, nothing called', async () => {
    // Act
    const f = await fail(s, 'plan', handler, { input: image(), deployment: DEPLOYMENT });
    // Assess
    expectRefused(f, 'InvalidInput', 'input');
  });
});

describe('plan on good input', () => {
  it('takes the lock and records the deployment (the mutations the checks above rule out)', async () => {
    // Prepare
    await quietUpload(s, artifact().key);
    // Act
    const mark = s.cloud.log.mark();
    const checked = await validate({ input: { cluster: 'web-prod', release: '1.1.0', artifact: artifact() }, deployment: DEPLOYMENT }, lambdaContext('validate'));
    const state = (await handler(checked, lambdaContext('plan'))) as { next: { serverGroup: string } };
    // Assess
    expect(state.next.serverGroup).toBe('web-prod-v002');
    expect(s.cloud.log.mutationsSince(mark).map((c) => c.operation)).toEqual(['PutItem', 'PutItem', 'PutEvents']);
  });
});
