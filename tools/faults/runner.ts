/**
 * The fault-scenario runner: one scenario = a fresh embedded cloud, the scenario's world, the
 * faults armed, the deployment requested, the clock driven until every execution, schedule and
 * timed fault is done — with the invariants watched throughout (monitor) and judged at each
 * execution's end and at the end of the run (checks). Nothing is shared between scenarios but the
 * loaded modules.
 *
 * A batch runs scenario i as the first run of `fc.check` seeded `seed + i`, so
 * `--runs 1 --seed <that seed>` replays it; a violation is shrunk by fast-check to a minimal
 * scenario that still breaks the same invariant.
 */
import fc from 'fast-check';
import { ArmedFaults } from './arm.js';
import { Checks, type Ended, type FinalState, type Outcome } from './checks.js';
import { Monitor, type Violation } from './monitor.js';
import { describeScenario, type Scenario, scenarioArbitrary } from './scenario.js';
import { RELEASES, ScenarioWorld } from './world.js';

/** After the last activity, how long the run watches for late effects (Lambda async retries, deferred teardowns, Recover's wait for in-flight steps). */
const QUIET_MS = 8 * 60_000;
/** A scenario that has not settled after this much simulated time is itself a violation. */
const LIMIT_MS = 2 * 24 * 3600_000;

export interface ScenarioResult {
  /** Outcome of the deployment of the first release (`failedClean` when it never started). */
  outcome: Outcome | 'broken';
  violations: Violation[];
  faultsInjected: number;
  simulatedSeconds: number;
  executions: number;
  /** Lambda invocations per function, and how many were killed. */
  invocations: Record<string, number>;
  killed: number;
  final: FinalState;
  /** How often each path ran: executions by kind and end, recoveries by outcome. */
  paths: Record<string, number>;
}

export async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const world = await ScenarioWorld.create(scenario.world, scenario.cloudSeed);
  const cloud = world.cloud;
  try {
    cloud.log.keepInputs = false;
    const monitor = new Monitor(world, scenario.world.minHealthyPercent);
    const checks = new Checks(world, monitor);
    const faults = new ArmedFaults(world, monitor, scenario.faults);
    const t0 = cloud.clock.now();
    faults.arm();
    await world.request(RELEASES[0]);

    const ended = new Map<string, Ended>();
    let lastBusy = cloud.clock.now();
    const settled = () => {
      for (const e of cloud.sfn.executions()) if (e.status !== 'RUNNING' && !ended.has(e.executionArn)) ended.set(e.executionArn, checks.executionEnded(e));
      const now = cloud.clock.now();
      const busy = cloud.sfn.runningCount() > 0 || faults.pending > 0 || (cloud.scheduler.ListSchedules({ GroupName: world.session.stack.scheduleGroup }).Schedules ?? []).length > 0;
      if (busy) lastBusy = now;
      return now - lastBusy >= QUIET_MS;
    };
    try {
      await cloud.clock.runUntil(settled, { limitMs: LIMIT_MS });
    } catch (err) {
      monitor.violation('settle', `the run did not settle: ${(err as Error).message}`);
    }
    cloud.faults.clear();
    cloud.lambda.clearFaults();
    const executions = cloud.sfn.executions();
    checks.settled([...ended.values()], executions);

    // The first release's deployment; one that never started changed nothing.
    const first = [...ended.values()].find((e) => e.release === RELEASES[0]);
    return {
      outcome: first?.outcome ?? 'failedClean',
      violations: monitor.violations,
      faultsInjected: faults.injected,
      simulatedSeconds: Math.round((cloud.clock.now() - t0) / 1000),
      executions: executions.length,
      invocations: countBy(cloud.lambda.invocations.map((i) => i.function)),
      killed: cloud.lambda.invocations.filter((i) => i.killed).length,
      final: checks.finalState(),
      paths: countBy([
        ...executions.map((e) => (/"action":"rollback"/.test(e.input) ? `manual rollback ${e.status}${e.error ? ` ${e.error}` : ''}` : `deploy ${e.status}`)),
        ...cloud.lambda.invocations.filter((i) => i.function === 'recover').map((i) => `recover ${i.outcome}`),
      ]),
    };
  } finally {
    world.dispose();
  }
}

/** A scenario the runner itself could not run is reported like a violation, never dropped. */
function crashed(err: unknown): ScenarioResult {
  const final: FinalState = { forward: {}, groups: [], targetGroups: [], schedules: [], liveBuilders: 0, locked: false, images: 0, templateVersions: 0, createdPerDeployment: {} };
  const message = (err as Error).stack ?? String(err);
  return { outcome: 'broken', violations: [{ invariant: 'runner', at: 0, message }], faultsInjected: 0, simulatedSeconds: 0, executions: 0, invocations: {}, killed: 0, final, paths: {} };
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

export interface ViolationReport {
  seed: number;
  scenario: string;
  violations: Violation[];
  /** The minimal scenario fast-check shrank it to, and what it breaks. */
  shrunk?: { scenario: string; data: Scenario; violations: Violation[] };
  reproduce: string;
}

export interface BatchSummary {
  runs: number;
  faultsInjected: number;
  outcomes: { succeeded: number; rolledBack: number; failedClean: number };
  /** Summed over the runs: see ScenarioResult.paths. */
  paths: Record<string, number>;
  violations: ViolationReport[];
  wallSeconds: number;
}

export interface BatchOptions {
  runs: number;
  seed: number;
  /** Shrink violations (default true); each shrink step runs a whole scenario. */
  shrink?: boolean;
  /** Worker threads (default 1: in this thread). */
  workers?: number;
  onProgress?: (done: number, summary: BatchSummary) => void;
  onViolation?: (report: ViolationReport) => void;
}

/** Runs scenario `seed`: the first run of fast-check with that seed; on a violation, shrinks it. */
export async function runSeed(seed: number, shrink = true): Promise<{ result: ScenarioResult; report?: ViolationReport }> {
  let first: ScenarioResult | undefined;
  let firstScenario: Scenario | undefined;
  let invariant: string | undefined;
  let last: { scenario: Scenario; result: ScenarioResult } | undefined;
  const property = fc.asyncProperty(scenarioArbitrary, async (scenario) => {
    const result = await runScenario(scenario).catch(crashed);
    if (!first) {
      first = result;
      firstScenario = scenario;
      invariant = result.violations[0]?.invariant;
      if (!shrink) return true;
    }
    // While shrinking, only the same broken invariant counts: the minimal case must show the same bug.
    const broken = invariant !== undefined && result.violations.some((v) => v.invariant === invariant);
    if (broken) last = { scenario, result };
    return !broken;
  });
  await fc.check(property, { seed, numRuns: 1, plugins: [fc.unbiased()], interruptAfterTimeLimit: 120_000 });
  const result = first as ScenarioResult;
  if (result.violations.length === 0) return { result };
  const report: ViolationReport = {
    seed,
    scenario: describeScenario(firstScenario as Scenario),
    violations: result.violations,
    reproduce: `npm run faults -- --runs 1 --seed ${seed}`,
  };
  if (last) report.shrunk = { scenario: describeScenario(last.scenario), data: last.scenario, violations: last.result.violations };
  return { result, report };
}

export async function runBatch(options: BatchOptions): Promise<BatchSummary> {
  const started = performance.now();
  const summary: BatchSummary = { runs: 0, faultsInjected: 0, outcomes: { succeeded: 0, rolledBack: 0, failedClean: 0 }, paths: {}, violations: [], wallSeconds: 0 };
  const shrink = options.shrink ?? true;
  const record = ({ result, report }: { result: ScenarioResult; report?: ViolationReport }) => {
    summary.runs++;
    summary.faultsInjected += result.faultsInjected;
    if (result.outcome !== 'broken') summary.outcomes[result.outcome]++;
    for (const [path, n] of Object.entries(result.paths ?? {})) summary.paths[path] = (summary.paths[path] ?? 0) + n;
    if (report) {
      summary.violations.push(report);
      options.onViolation?.(report);
    }
    summary.wallSeconds = Math.round((performance.now() - started) / 100) / 10;
    options.onProgress?.(summary.runs, summary);
  };
  const seeds = Array.from({ length: options.runs }, (_, i) => options.seed + i);
  if ((options.workers ?? 1) > 1) {
    const { runOnWorkers } = await import('./pool.js');
    await runOnWorkers(seeds, options.workers as number, shrink, record);
    summary.violations.sort((a, b) => a.seed - b.seed);
  } else {
    for (const seed of seeds) record(await runSeed(seed, shrink));
  }
  return summary;
}
