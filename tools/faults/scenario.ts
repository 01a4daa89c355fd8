/**
 * A fault scenario: the shape of a seeded random deployment and the faults thrown at it. Plain
 * data, generated and shrunk by fast-check, printed with a violation and replayed by `--seed`.
 */
import fc from 'fast-check';
import { type Fault, faultArbitrary, describeFault, LATENCY_BUDGET_MS, totalLatency } from './catalogue.js';

export interface WorldShape {
  /** Instances of the live group (and so of the new one): 1–12. */
  instances: number;
  /** Traffic steps ending at 100, e.g. [10, 50, 100]. */
  steps: number[];
  stepWaitSeconds: number;
  /** No live group: the config's launch section builds v000. */
  firstDeploy: boolean;
  /** Deploy a registered image (EventBridge or console) instead of baking an S3 artifact. */
  prebaked: boolean;
  /** How a prebaked deploy is requested. */
  entry: 'eventbridge' | 'console';
  /** A 5xx alarm watched by the health gate and the traffic shift. */
  alarms: boolean;
  minHealthyPercent: number;
  healthGateMinutes: number;
  retainMinutes: number;
  scaleDownOld: boolean;
  /** The canary judge runs between steps (worlds with a step before 100 % and waits of 300 s only). */
  canary?: boolean;
  /** An approval before 100 % (5-minute timeout, rolled back when nobody answers). */
  approval?: boolean;
  /** The judge compares with a fresh baseline group (canary `baseline: fresh`), in judged worlds whose steps allow it. */
  freshBaseline?: boolean;
}

export interface Scenario {
  /** Seed of the embedded cloud (ids, jitter). */
  cloudSeed: number;
  world: WorldShape;
  faults: Fault[];
}

const steps: fc.Arbitrary<number[]> = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 3 })
  .map((s) => [...[...s].sort((a, b) => a - b), 100]);

export const worldArbitrary: fc.Arbitrary<WorldShape> = fc.record({
  instances: fc.integer({ min: 1, max: 12 }),
  steps,
  stepWaitSeconds: fc.constantFrom(0, 30, 60, 120, 300),
  firstDeploy: fc.boolean(),
  prebaked: fc.boolean(),
  entry: fc.constantFrom('eventbridge' as const, 'console' as const),
  alarms: fc.boolean(),
  minHealthyPercent: fc.oneof(fc.constant(100), fc.integer({ min: 50, max: 100 })),
  healthGateMinutes: fc.integer({ min: 3, max: 12 }),
  retainMinutes: fc.constantFrom(0, 1, 5, 10),
  scaleDownOld: fc.boolean(),
  canary: fc.boolean(),
  // A quarter of the worlds: most answer nobody, so they end in a timeout rollback.
  approval: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  // A quarter of the worlds: judged against a fresh baseline whenever they have a step before 100 %.
  freshBaseline: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
});

export const scenarioArbitrary: fc.Arbitrary<Scenario> = fc.record({
  cloudSeed: fc.integer({ min: 1, max: 0x7fffffff }),
  world: worldArbitrary,
  faults: fc.array(faultArbitrary, { maxLength: 6 }).filter((f) => totalLatency(f) <= LATENCY_BUDGET_MS),
});

/** Whether the world's config carries a canary section: the judge needs a step before 100 % and time to gather samples. */
export const judged = (w: WorldShape): boolean => w.steps.length > 1 && ((w.canary === true && w.stepWaitSeconds >= 300) || w.freshBaseline === true);

/** Whether the judged world compares with a fresh baseline (canary `baseline: fresh`): its waits are then at least 300 s, for the judge's samples. */
export const freshBaseline = (w: WorldShape): boolean => w.steps.length > 1 && w.freshBaseline === true;

/** The wait between steps the world deploys with. */
export const worldWaitSeconds = (w: WorldShape): number => (freshBaseline(w) ? Math.max(300, w.stepWaitSeconds) : w.stepWaitSeconds);

/** The steps the world deploys with: a fresh-baseline world halves its weighted steps, since the config allows at most 50 beside a baseline. */
export const worldSteps = (w: WorldShape): number[] => (freshBaseline(w) ? [...new Set(w.steps.map((s) => (s === 100 ? 100 : Math.ceil(s / 2))))] : w.steps);

/** A readable summary: the world on one line, one line per fault. */
export function describeScenario(s: Scenario): string {
  const w = s.world;
  const head = [
    `cloud seed ${s.cloudSeed}`,
    `${w.instances} instance(s)`,
    `steps ${worldSteps(w).join('/')} every ${worldWaitSeconds(w)}s`,
    w.firstDeploy ? 'first deploy' : 'redeploy',
    w.prebaked ? `prebaked via ${w.entry}` : 'baked from S3',
    w.alarms ? 'alarms' : 'no alarms',
    `min healthy ${w.minHealthyPercent}%`,
    `gate ${w.healthGateMinutes} min`,
    `retain ${w.retainMinutes} min`,
    w.scaleDownOld ? 'scale down old' : 'old kept warm',
    ...(judged(w) ? [freshBaseline(w) ? 'canary judge (fresh baseline)' : 'canary judge'] : []),
    ...(w.approval ? ['approval before 100%'] : []),
  ].join(', ');
  const faults = s.faults.length === 0 ? ['  (no faults)'] : s.faults.map((f) => `  - ${describeFault(f)}`);
  return [head, ...faults].join('\n');
}
