/** validate: every bad deploy input, config or artifact is refused — typed error, field named, nothing changed. */
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/validate.js';
import { client } from '../../src/aws/clients.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { quietUpload } from '../pipeline/helpers.js';
import { expectRefused, fail, lambdaContext, worldPerTest } from './helpers.js';

const s = worldPerTest();

const DEPLOYMENT = 'web-prod-1_1_0-0000000000000000';
const artifact = () => ({ bucket: s.stack.bucket, key: 'releases/web-prod/1.1.0/web-1.1.0.tgz' });
const run = (input: unknown, deployment: unknown = DEPLOYMENT) => fail(s, 'validate', handler, { input, deployment });

describe('validate refuses bad input', () => {
  it.each([
    ['missing cluster', { cluster: undefined, release: '1.1.0', imageId: 'ami-0123456789abcdef0' }, 'cluster'],
    ['cluster not app[-stack[-detail]]', { cluster: 'Web_Prod', release: '1.1.0', imageId: 'ami-0123456789abcdef0' }, 'cluster'],
    ['bad release', { cluster: 'web-prod', release: '1.1.0 beta', imageId: 'ami-0123456789abcdef0' }, 'release'],
    ['both artifact and imageId', { cluster: 'web-prod', release: '1.1.0', imageId: 'ami-0123456789abcdef0', artifact: { bucket: 'b-1', key: 'k' } }, 'imageId'],
    ['neither artifact nor imageId', { cluster: 'web-prod', release: '1.1.0' }, 'artifact'],
    ['a misspelt key', { cluster: 'web-prod', release: '1.1.0', imageID: 'ami-0123456789abcdef0' }, 'imageID'],
    ['a malformed image id', { cluster: 'web-prod', release: '1.1.0', imageId: 'ami-xyz' }, 'imageId'],
    ['an artifact key that is a folder', { cluster: 'web-prod', release: '1.1.0', artifact: { bucket: 'redblack-a', key: 'releases/' } }, 'artifact.key'],
    ['not an object', ['web-prod'], ''],
  ])('%s → InvalidInput', async (_what, input, field) => {
    // Act
    const f = await run(input);
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('no execution name → InvalidInput(deployment)', async () => {
    // Act
    const f = await run({ cluster: 'web-prod', release: '1.1.0', artifact: artifact() }, '');
    // Assess
    expectRefused(f, 'InvalidInput', 'deployment');
  });

  it('unknown cluster → ClusterNotFound naming it', async () => {
    // Act
    const f = await run({ cluster: 'api-prod', release: '1.1.0', imageId: 'ami-0123456789abcdef0' });
    // Assess
    expectRefused(f, 'ClusterNotFound');
    expect(f.error.message).toContain('/redblack/clusters/api-prod');
  });

  it.each([
    ['a traffic plan not ending at 100', (c: any) => ({ ...c, traffic: { ...c.traffic, steps: [10, 50] } }), 'traffic.steps[1]'],
    ['an unknown key', (c: any) => ({ ...c, healthGate: { ...c.healthGate, timeoutMinute: 5 } }), 'healthGate.timeoutMinute'],
    ['no listenerArn nor ruleArn', (c: any) => ({ ...c, listenerArn: undefined }), 'listenerArn'],
  ])('config in SSM with %s → InvalidClusterConfig naming the field', async (_what, change, field) => {
    // Prepare
    await putClusterConfig('web-prod', change(s.world.config));
    // Act
    const f = await run({ cluster: 'web-prod', release: '1.1.0', artifact: artifact() });
    // Assess
    expectRefused(f, 'InvalidClusterConfig', field);
  });

  it('config in SSM that is not JSON → InvalidClusterConfig at the root', async () => {
    // Prepare
    await client(SSMClient).send(new PutParameterCommand({ Name: '/redblack/clusters/web-prod', Type: 'String', Value: '{listenerArn', Overwrite: true }));
    // Act
    const f = await run({ cluster: 'web-prod', release: '1.1.0', artifact: artifact() });
    // Assess
    expectRefused(f, 'InvalidClusterConfig', '');
    expect(f.error.message).toContain('not valid JSON');
  });

  it('an artifact that does not exist → InvalidInput(artifact) naming the object', async () => {
    // Act: nothing was uploaded.
    const f = await run({ cluster: 'web-prod', release: '1.1.0', artifact: { ...artifact(), versionId: 'no-such-version' } });
    // Assess
    expectRefused(f, 'InvalidInput', 'artifact');
    expect(f.error.message).toContain('releases/web-prod/1.1.0/web-1.1.0.tgz');
  });

  it('an image of another account, or none → ImageNotFound', async () => {
    // Act
    const f = await run({ cluster: 'web-prod', release: '1.1.0', imageId: 'ami-0123456789abcdef0' });
    // Assess
    expectRefused(f, 'ImageNotFound');
  });
});

describe('validate on good input', () => {
  it('returns the parsed input and the config, and calls nothing that changes anything', async () => {
    // Prepare
    await quietUpload(s, artifact().key);
    const mark = s.cloud.log.mark();
    // Act
    const out = (await handler({ input: { cluster: 'web-prod', release: '1.1.0', artifact: artifact() }, deployment: DEPLOYMENT }, lambdaContext('validate'))) as any;
    // Assess
    expect(out.input).toMatchObject({ cluster: 'web-prod', release: '1.1.0', artifact: artifact() });
    expect(out.deployment).toBe(DEPLOYMENT);
    expect(out.config.listenerArn).toBe(s.world.listenerArn);
    expect(s.cloud.log.mutationsSince(mark)).toEqual([]);
  });

  it("accepts its own output's input again (Replan hands it back after a window wait)", async () => {
    // Prepare
    await quietUpload(s, artifact().key);
    const first = (await handler({ input: { cluster: 'web-prod', release: '1.1.0', artifact: artifact() }, deployment: DEPLOYMENT }, lambdaContext('validate'))) as any;
    // Act
    const again = (await handler({ input: first.input, deployment: DEPLOYMENT }, lambdaContext('validate'))) as any;
    // Assess
    expect(again.input).toEqual(first.input);
  });
});
