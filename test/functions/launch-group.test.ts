/**
 * launchGroup: a state without its image or its plan → typed error before any group, target group or
 * version; a retry finds the target group it made (and only its own).
 */
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/launch-group.js';
import { client } from '../../src/aws/clients.js';
import { identityTags } from '../../src/aws/tags.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { expectRefused, fail, lambdaContext, worldPerTest, plannedState, without } from './helpers.js';

const s = worldPerTest();

async function verified(): Promise<DeploymentState> {
  const state = await plannedState(s);
  return { ...state, image: { status: 'done', imageId: state.imageId as string, waitSeconds: 0 } };
}

describe('launchGroup refuses', () => {
  it.each(['image.imageId', 'next.serverGroup', 'next.targetGroupName', 'swap.arn', 'config.healthGate'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'launchGroup', handler, without(await verified(), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('listener actions that are not a list → InvalidInput(swap.before)', async () => {
    // Prepare
    const state = await verified();
    // Act
    const f = await fail(s, 'launchGroup', handler, { ...state, swap: { ...state.swap, before: 'forward' } });
    // Assess
    expectRefused(f, 'InvalidInput', 'swap.before');
  });

  it('a first deploy with no launch section → InvalidClusterConfig(launch)', async () => {
    // Prepare: as if Plan had found no live group.
    const { live: _live, ...state } = await verified();
    // Act
    const f = await fail(s, 'launchGroup', handler, state);
    // Assess
    expectRefused(f, 'InvalidClusterConfig', 'launch');
  });
});

describe('launchGroup retried after it made its target group', () => {
  const existing = async (state: DeploymentState, deployment: string) => {
    // Different settings than the clone (port 8080): AWS then answers DuplicateTargetGroupName.
    const out = await client(ElasticLoadBalancingV2Client).send(
      new CreateTargetGroupCommand({
        Name: state.next.targetGroupName,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: s.world.vpcId,
        TargetType: 'instance',
        Tags: identityTags({ cluster: state.cluster, deployment, release: state.release, serverGroup: state.next.serverGroup }),
      }),
    );
    return out.TargetGroups?.[0]?.TargetGroupArn as string;
  };

  it("reuses the one of that name that carries this deployment's tag, even with other settings", async () => {
    // Prepare
    const state = await verified();
    const arn = await existing(state, state.deployment);
    // Act
    const launched = (await handler(state, lambdaContext('launchGroup'))) as { targetGroupArn: string; serverGroup: string };
    // Assess
    expect(launched.targetGroupArn).toBe(arn);
    expect(launched.serverGroup).toBe(state.next.serverGroup);
  });

  it("refuses one that another deployment made (DuplicateTargetGroupName), before any group", async () => {
    // Prepare
    const state = await verified();
    await existing(state, 'someone-else');
    // Act
    const f = await fail(s, 'launchGroup', handler, state);
    // Assess
    expect(f.error.name).toBe('DuplicateTargetGroupNameException');
    expect(f.mutations.filter((m) => m.startsWith('autoscaling:'))).toEqual([]);
  });
});
