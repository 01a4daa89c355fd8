/** swapTargetGroup: a state without what the traffic step needs → typed error, the listener untouched. */
import { CreateTargetGroupCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/swap-target-group.js';
import { client } from '../../src/aws/clients.js';
import { expectRefused, fail, worldPerTest, plannedState, withLaunched, without } from './helpers.js';

const s = worldPerTest();

describe('swapTargetGroup refuses', () => {
  it.each(['launched.staged', 'launched.targetGroupArn', 'launched.desired', 'config.traffic', 'swap.arn', 'swap.before'])('a state without %s → InvalidInput naming it', async (field) => {
    // Act
    const f = await fail(s, 'swapTargetGroup', handler, without(withLaunched(await plannedState(s)), field));
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });

  it('a new group with too few healthy targets → TrafficGuardViolation, the listener untouched', async () => {
    // Prepare: the new target group exists but holds no target yet.
    const state = withLaunched(await plannedState(s));
    const tg = await client(ElasticLoadBalancingV2Client).send(
      new CreateTargetGroupCommand({ Name: state.next.targetGroupName, Protocol: 'HTTP', Port: 80, VpcId: s.world.vpcId, TargetType: 'instance' }),
    );
    state.launched = { ...(state.launched as NonNullable<typeof state.launched>), targetGroupArn: tg.TargetGroups?.[0]?.TargetGroupArn as string };
    // Act
    const f = await fail(s, 'swapTargetGroup', handler, state);
    // Assess
    expectRefused(f, 'TrafficGuardViolation');
    expect(f.error.message).toContain('refusing to send traffic to web-prod-v002');
    expect(f.error.message).toContain('0 healthy targets');
  });
});
