/**
 * Bugs the fault runner found, each kept as the minimal scenario it shrank to (found with
 * `npm run faults -- --runs 1 --seed <seed>`), replayed through the same runner: the invariants
 * are checked throughout and at the end, exactly as in a batch.
 */
import { describe, expect, it } from 'vitest';
import type { Fault } from '../../../tools/faults/catalogue.js';
import { runScenario } from '../../../tools/faults/runner.js';
import type { Scenario, WorldShape } from '../../../tools/faults/scenario.js';

const WORLD: WorldShape = {
  instances: 4,
  steps: [100],
  stepWaitSeconds: 0,
  firstDeploy: false,
  prebaked: true,
  entry: 'console',
  alarms: false,
  minHealthyPercent: 100,
  healthGateMinutes: 5,
  retainMinutes: 0,
  scaleDownOld: false,
};

interface Regression {
  name: string;
  /** The batch seed that found it. */
  seed: number;
  world: Partial<WorldShape>;
  faults: Fault[];
  outcome: 'succeeded' | 'rolledBack' | 'failedClean';
  /** Paths the run must have taken (ScenarioResult.paths), e.g. a recovery. */
  paths?: Record<string, number>;
}

const REGRESSIONS: Regression[] = [
  {
    name: "Plan is denied recording the deployment and releasing the lock, in a cluster with an approval: the lock waits for the lease the approval lengthens (the checker's lease left the approval out)",
    seed: 2140,
    world: { instances: 1, prebaked: false, entry: 'eventbridge', healthGateMinutes: 3, approval: true },
    faults: [{ kind: 'aws-error', service: 'dynamodb', error: 'denied', phase: 'before', times: 2, skip: 2 }],
    outcome: 'failedClean',
  },
  {
    name: 'Plan fails after taking the lock (recording the deployment is denied): PlanFailed released the lock',
    seed: 196,
    world: { instances: 2 },
    faults: [{ kind: 'aws-error', service: 'dynamodb', operation: 'PutItem', error: 'denied', phase: 'before', times: 1, skip: 1 }],
    outcome: 'failedClean',
  },
  {
    name: 'an alarm rolls back a 50% step while the live group has just lost all its instances: traffic waits for it to recover',
    seed: 2631,
    world: { steps: [50, 100], stepWaitSeconds: 300, alarms: true },
    faults: [
      { kind: 'lose-instances', group: 'old', count: 4, via: 'api', at: { change: 1, delaySeconds: 280 } },
      { kind: 'alarm', at: { change: 1, delaySeconds: 290 } },
    ],
    outcome: 'rolledBack',
  },
  {
    name: 'Finalize dies after its side effects and its retry is denied: the rollback no longer undoes a committed deployment whose old group teardown already removed',
    seed: 5564,
    world: { instances: 1, scaleDownOld: true, retainMinutes: 10 },
    faults: [
      { kind: 'kill', function: 'finalize', skip: 0 },
      { kind: 'aws-error', service: 'dynamodb', operation: 'UpdateItem', error: 'denied', phase: 'before', times: 1, skip: 1 },
      { kind: 'teardown-early', delaySeconds: 20 },
    ],
    outcome: 'succeeded',
  },
  {
    name: 'the same console input under another execution name deployed the live artifact a second time (now AlreadyLive)',
    seed: 2,
    world: { instances: 1, prebaked: false, entry: 'eventbridge', healthGateMinutes: 3 },
    // Found at 297 s; placed well after the deployment so it meets the live artifact whatever the polling.
    faults: [{ kind: 'console-repeat', afterTriggerSeconds: 900 }],
    outcome: 'succeeded',
    paths: { 'deploy SUCCEEDED': 2 },
  },
  {
    name: 'stopped at the 10 % step: Recover restores the listener, deletes v002, unpins v001 and frees the lock',
    seed: 11,
    world: { steps: [10, 100], stepWaitSeconds: 300 },
    faults: [{ kind: 'stop', how: 'abort', at: { change: 1, delaySeconds: 10 } }],
    outcome: 'rolledBack',
    paths: { 'deploy ABORTED': 1, 'recover ok': 1 },
  },
  {
    name: 'timed out during the shift: recovered the same way',
    seed: 12,
    world: { steps: [50, 100], stepWaitSeconds: 300 },
    faults: [{ kind: 'stop', how: 'timeout', at: { change: 1, delaySeconds: 60 } }],
    outcome: 'rolledBack',
    paths: { 'deploy TIMED_OUT': 1, 'recover ok': 1 },
  },
  {
    name: 'a manual rollback to a group Finalize scaled to 0 flipped all traffic to it while it had no capacity',
    seed: 13,
    world: { scaleDownOld: true, retainMinutes: 10 },
    faults: [{ kind: 'manual-rollback', to: 'previous', at: { change: 1, delaySeconds: 120 } }],
    outcome: 'succeeded',
    paths: { 'manual rollback SUCCEEDED': 1 },
  },
  {
    name: 'someone else adds a target group mid-shift: ListenerDrifted, and the rollback keeps their edit',
    seed: 14,
    world: { steps: [10, 100], stepWaitSeconds: 300 },
    faults: [{ kind: 'listener-edit', at: { change: 1, delaySeconds: 5 } }],
    outcome: 'rolledBack',
  },
  {
    name: 'a manual rollback after someone else added a target group to the listener dropped it with its flip',
    seed: 4006,
    // Found with 297 s / change 0 + 71 s; anchored to the final flip so the order holds whatever the polling.
    world: { instances: 1, prebaked: false, entry: 'eventbridge', healthGateMinutes: 3, retainMinutes: 10 },
    faults: [
      { kind: 'listener-edit', at: { change: 1, delaySeconds: 5 } },
      { kind: 'manual-rollback', to: 'previous', at: { change: 1, delaySeconds: 60 } },
    ],
    outcome: 'succeeded',
    paths: { 'manual rollback SUCCEEDED': 1 },
  },
  {
    name: 'Finalize scaled the old group to 0 and then failed (its teardown schedule refused): the rollback gave all traffic back to the empty group',
    seed: 7641,
    world: { instances: 1, prebaked: false, entry: 'eventbridge', healthGateMinutes: 3, scaleDownOld: true },
    faults: [{ kind: 'aws-error', service: 'scheduler', error: 'denied', phase: 'before', times: 1, skip: 0 }],
    outcome: 'rolledBack',
  },
];

describe('fault runner regressions', () => {
  it.each(REGRESSIONS)('seed $seed: $name', async (r) => {
    // Prepare
    const scenario: Scenario = { cloudSeed: r.seed, world: { ...WORLD, ...r.world }, faults: r.faults };
    // Act
    const result = await runScenario(scenario);
    // Assess
    expect(result.violations).toEqual([]);
    expect(result.outcome).toBe(r.outcome);
    expect(result.faultsInjected).toBeGreaterThan(0);
    if (r.paths) expect(result.paths).toMatchObject(r.paths);
  });
});
