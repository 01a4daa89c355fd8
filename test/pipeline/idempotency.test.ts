/**
 * Invariant 6 for every step: each invocation of each function, in turn, is killed right after
 * its side effects (`cloud.lambda.killAfterSideEffects`); the state machine's Retry (or Lambda's
 * asynchronous retry, for the trigger and teardown) runs it again. The run must end in the same
 * state as an undisturbed run of the same scenario — same listener, groups, target groups,
 * schedules, images and launch template versions — with no deployment creating a second group,
 * target group, builder, image, schedule or launch template version, and no invariant broken.
 */
import { describe, expect, it } from 'vitest';
import type { FUNCTION_KEYS } from '../../tools/faults/catalogue.js';
import { runScenario } from '../../tools/faults/runner.js';
import type { Scenario, WorldShape } from '../../tools/faults/scenario.js';

const WORLD: WorldShape = {
  instances: 3,
  steps: [50, 100],
  stepWaitSeconds: 30,
  firstDeploy: false,
  prebaked: false,
  entry: 'console',
  alarms: false,
  minHealthyPercent: 100,
  healthGateMinutes: 8,
  retainMinutes: 1,
  scaleDownOld: false,
};
const BAKED: Scenario = { cloudSeed: 7, world: WORLD, faults: [] };
const PREBAKED: Scenario = { cloudSeed: 7, world: { ...WORLD, prebaked: true }, faults: [] };
const UNHEALTHY: Scenario = { cloudSeed: 7, world: { ...WORLD, healthGateMinutes: 3 }, faults: [{ kind: 'unhealthy-release' }] };

const STEPS: { step: string; fn: (typeof FUNCTION_KEYS)[number]; scenario: Scenario }[] = [
  { step: 'Trigger', fn: 'trigger', scenario: BAKED },
  { step: 'Plan', fn: 'plan', scenario: BAKED },
  { step: 'BakeImage', fn: 'bakeImage', scenario: BAKED },
  { step: 'CheckBake', fn: 'checkBake', scenario: BAKED },
  { step: 'VerifyImage', fn: 'verifyImage', scenario: PREBAKED },
  { step: 'LaunchGroup', fn: 'launchGroup', scenario: BAKED },
  { step: 'HealthGate', fn: 'healthGate', scenario: BAKED },
  { step: 'SwapTargetGroup', fn: 'swapTargetGroup', scenario: BAKED },
  { step: 'Finalize', fn: 'finalize', scenario: BAKED },
  { step: 'Rollback', fn: 'rollback', scenario: UNHEALTHY },
  { step: 'Teardown', fn: 'teardown', scenario: BAKED },
];

describe.each(STEPS)('$step killed after its side effects', ({ fn, scenario }) => {
  it('reaches the same state on retry, with no duplicates, whichever invocation dies', async () => {
    // Prepare: the undisturbed run, and how often the function runs in it.
    const baseline = await runScenario(scenario);
    expect(baseline.violations).toEqual([]);
    const invocations = baseline.invocations[fn] ?? 0;
    expect(invocations).toBeGreaterThan(0);
    for (const [kind, most] of Object.entries(baseline.final.createdPerDeployment)) expect(most, kind).toBeLessThanOrEqual(1);

    for (let skip = 0; skip < invocations; skip++) {
      // Act
      const killed = await runScenario({ ...scenario, faults: [...scenario.faults, { kind: 'kill', function: fn, skip }] });
      // Assess
      expect(killed.killed, `invocation #${skip + 1}`).toBe(1);
      expect(killed.violations, `invocation #${skip + 1}`).toEqual([]);
      expect(killed.outcome, `invocation #${skip + 1}`).toBe(baseline.outcome);
      expect(killed.final, `invocation #${skip + 1}`).toEqual(baseline.final);
    }
  });
});

/** A fresh canary baseline (steps 40/100, judged): its group and target group made once, and gone at the end whichever kill. */
const FRESH: Scenario = { cloudSeed: 7, world: { ...WORLD, steps: [40, 100], stepWaitSeconds: 300, freshBaseline: true, prebaked: true }, faults: [] };
const FRESH_FAILING: Scenario = { ...FRESH, faults: [{ kind: 'judged-release', how: 'subtle-errors' }] };

const FRESH_STEPS: { step: string; fn: (typeof FUNCTION_KEYS)[number]; scenario: Scenario }[] = [
  { step: 'LaunchGroup', fn: 'launchGroup', scenario: FRESH },
  { step: 'HealthGate', fn: 'healthGate', scenario: FRESH },
  { step: 'Finalize', fn: 'finalize', scenario: FRESH },
  { step: 'Rollback', fn: 'rollback', scenario: FRESH_FAILING },
];

describe.each(FRESH_STEPS)('with a fresh baseline, $step killed after its side effects', ({ fn, scenario }) => {
  it('reaches the same state on retry, one baseline made and none left, whichever invocation dies', async () => {
    // Prepare
    const baseline = await runScenario(scenario);
    expect(baseline.violations).toEqual([]);
    expect(baseline.final.createdPerDeployment.baselineGroups).toBe(1);
    expect(baseline.final.groups.filter((g) => g.endsWith('-baseline'))).toEqual([]);
    const invocations = baseline.invocations[fn] ?? 0;
    expect(invocations).toBeGreaterThan(0);

    for (let skip = 0; skip < invocations; skip++) {
      // Act
      const killed = await runScenario({ ...scenario, faults: [...scenario.faults, { kind: 'kill', function: fn, skip }] });
      // Assess
      expect(killed.killed, `invocation #${skip + 1}`).toBe(1);
      expect(killed.violations, `invocation #${skip + 1}`).toEqual([]);
      expect(killed.outcome, `invocation #${skip + 1}`).toBe(baseline.outcome);
      expect(killed.final, `invocation #${skip + 1}`).toEqual(baseline.final);
    }
  });
});
