/** judgeCanary and requestApproval: a state the state machine could not have built → typed error, no call that changes anything. */
import { describe, expect, it } from 'vitest';
import { handler as judge } from '../../functions/judge-canary.js';
import { handler as request } from '../../functions/request-approval.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { expectRefused, fail, plannedState, without, worldPerTest } from './helpers.js';

const s = worldPerTest();

/** A planned state as if the new group were launched and held 10 % mid-step. */
async function midStep(canary: boolean): Promise<DeploymentState> {
  const planned = await plannedState(s);
  const now = s.cloud.clock.now();
  return {
    ...planned,
    config: { ...planned.config, traffic: { ...planned.config.traffic, steps: [10, 100] }, ...(canary ? { canary: {} } : {}) },
    launched: {
      serverGroup: 'web-prod-v002',
      targetGroupArn: (planned.live?.targetGroupArn ?? '').replace('web-prod-v001', 'web-prod-v002'),
      launchTemplate: { id: 'lt-0123456789abcdef0', version: 2 },
      desired: 4,
      required: 4,
      healthCheck: { intervalSeconds: 10, healthyThreshold: 3 },
      staged: planned.swap.before,
      deadline: now + 600_000,
      waitSeconds: 0,
    },
    traffic: { stepIndex: 0, step: 10, weights: {}, actions: planned.swap.before, done: false, waitSeconds: 60, stepEndsAt: now + 240_000 },
  };
}

describe('judgeCanary refuses', () => {
  it('a cluster without a canary section → InvalidInput(config.canary)', async () => {
    // Act
    const f = await fail(s, 'judgeCanary', judge, await midStep(false));
    // Assess
    expectRefused(f, 'InvalidInput', 'config.canary');
  });

  it('a state before any traffic step → InvalidInput(traffic.stepEndsAt)', async () => {
    // Act
    const f = await fail(s, 'judgeCanary', judge, without(await midStep(true), 'traffic.stepEndsAt'));
    // Assess
    expectRefused(f, 'InvalidInput', 'traffic.stepEndsAt');
  });
});

describe('judgeCanary looks', () => {
  it('mid-step with too few minutes: keeps watching, records the judgment, changes no traffic', async () => {
    // Prepare
    const state = await midStep(true);
    const mark = s.cloud.log.mark();
    // Act
    const out = (await judge(state, {} as never)) as { decision: string; looks: number; since: number };
    // Assess
    expect(out).toMatchObject({ decision: 'watch', looks: 1, since: (state.traffic?.stepEndsAt ?? 0) - state.config.traffic.waitSeconds * 1000 });
    const calls = s.cloud.log.mutationsSince(mark).map((c) => `${c.service}:${c.operation}`);
    expect(calls).toEqual(['dynamodb:PutItem', 'events:PutEvents']);
  });
});

describe('requestApproval refuses', () => {
  it('no task token → InvalidInput(token)', async () => {
    // Act
    const f = await fail(s, 'requestApproval', request, { state: await midStep(false) });
    // Assess
    expectRefused(f, 'InvalidInput', 'token');
  });

  it('no approval request in the state → InvalidInput(traffic.approval)', async () => {
    // Act
    const f = await fail(s, 'requestApproval', request, { state: await midStep(false), token: 'AQB-token' });
    // Assess
    expectRefused(f, 'InvalidInput', 'traffic.approval');
  });
});
