/**
 * The canary judge's error rates: how often a healthy release is rolled back, how often a bad one
 * gets through, and how fast a bad one is caught.
 *
 * Two ways, both on the embedded cloud's request model (sim/request-model.ts):
 * - `series`: ≥ 1,000 seeded runs per class of the judge alone, on per-minute metric series drawn
 *   from the same model the simulated ALB publishes from (50 requests/s split by the step's weight,
 *   steps 10/50/100 five minutes apart, a look every minute, the step end, one 5-minute extension of
 *   a marginal end): the pure judge of src/domain/canary/judge.ts, looped as src/steps/judge-canary.ts
 *   loops it. Whole pipeline runs take about a second of wall time each on this shared machine, too
 *   slow for 6,000 of them.
 * - `pipeline`: a smaller sample of whole deployments (state machine, Lambda handlers, GetMetricData
 *   on the simulated ALB), measuring from the canary's first traffic to the listener restored.
 */
import { metricRules, thresholds } from '../../../src/domain/canary/rules.js';
import { judge, type Series } from '../../../src/domain/canary/judge.js';
import { window } from '../../../src/domain/canary/metrics.js';
import { DEFAULT_APP } from '../../../sim/apps.js';
import { drawMinute, type LatencyModel, percentile } from '../../../sim/request-model.js';
import { Rng } from '../../../sim/rng.js';
import { DemoSession } from '../../../local/demo.js';
import { NOISY as NOISY_SCENARIO } from '../../../local/scenarios.js';

export interface ReleaseModel {
  errorRate: number;
  latency: LatencyModel;
}

export interface JudgeClass {
  name: string;
  /** A bad release: rolling it back is right, promoting it a miss. */
  bad: boolean;
  baseline: ReleaseModel;
  canary: ReleaseModel;
}

const BASE: ReleaseModel = { errorRate: 0.001, latency: { ...DEFAULT_APP.latency, jitter: 0.05 } };
const NOISY: ReleaseModel = NOISY_SCENARIO;
const slower = (m: ReleaseModel, median: number, p99: number): ReleaseModel => ({ ...m, latency: { ...m.latency, medianSeconds: m.latency.medianSeconds * median, p99Seconds: m.latency.p99Seconds * p99 } });

export const JUDGE_CLASSES: JudgeClass[] = [
  { name: 'healthy', bad: false, baseline: BASE, canary: BASE },
  { name: 'noisy-healthy', bad: false, baseline: NOISY, canary: NOISY },
  { name: 'slow (p99 +40 %, p50 +10 %)', bad: true, baseline: BASE, canary: slower(BASE, 1.1, 1.4) },
  { name: 'slow (p99 +80 %, p50 +25 %)', bad: true, baseline: BASE, canary: slower(BASE, 1.25, 1.8) },
  { name: 'subtle errors (1.0 % vs 0.1 %)', bad: true, baseline: BASE, canary: { ...BASE, errorRate: 0.01 } },
  { name: 'subtle errors (1.5 % vs 0.1 %)', bad: true, baseline: BASE, canary: { ...BASE, errorRate: 0.015 } },
];

const STEPS = [10, 50, 100];
const STEP_SECONDS = 300;
const LOOK_SECONDS = 60;
const REQUESTS_PER_MINUTE = 50 * 60;
const MINUTE = 60_000;

export interface RunOutcome {
  rolledBack: boolean;
  /** Canary's first traffic → the failing look, seconds (rolled back only). */
  detectionSeconds?: number;
  failing?: string[];
  reason?: string;
}

type Minute = { canary: readonly number[]; baseline: readonly number[] };

/** One minute's metrics of a group answering `n` requests: [error rate, p50, p99, requests]; none without requests. */
function minuteMetrics(rng: Rng, model: ReleaseModel, n: number): readonly number[] {
  if (n === 0) return [];
  const d = drawMinute(rng, n, model.errorRate, model.latency);
  return [d.failed / n, percentile(d.samples, 50), percentile(d.samples, 99), n];
}

/** The judge's series over these minutes, as GetMetricData would give them (minutes without requests left out). */
function seriesOf(minutes: readonly Minute[]): Map<string, Series> {
  const pick = (k: number) => ({
    canary: minutes.flatMap((m) => (m.canary.length ? [m.canary[k] as number] : [])),
    baseline: minutes.flatMap((m) => (m.baseline.length ? [m.baseline[k] as number] : [])),
  });
  const requests = pick(3);
  return new Map<string, Series>([
    ['errorRate', { ...pick(0), canaryWeights: requests.canary, baselineWeights: requests.baseline }],
    ['latencyP50', pick(1)],
    ['latencyP99', pick(2)],
  ]);
}

/** One judged deployment on drawn series. */
export function seriesRun(c: JudgeClass, seed: number): RunOutcome {
  const rng = new Rng(seed);
  const config = {};
  const rules = metricRules(config);
  const { pass, marginal, extendMinutes } = thresholds(config);
  const start = Math.floor(rng.next() * MINUTE); // the first step begins anywhere in a minute
  const weightAt = (t: number) => {
    const i = Math.min(STEPS.length - 1, Math.floor((t - start) / (STEP_SECONDS * 1000)));
    return t < start ? 0 : (STEPS[i] as number);
  };
  const minutes = new Map<number, Minute>();
  const draw = (m: number) => {
    // Requests of the minute split by the canary's average weight over it.
    let w = 0;
    for (let s = 0; s < 60; s++) w += weightAt(m + s * 1000 + 500) / 60;
    const canaryRequests = Math.round((REQUESTS_PER_MINUTE * w) / 100);
    minutes.set(m, { canary: minuteMetrics(rng, c.canary, canaryRequests), baseline: minuteMetrics(rng, c.baseline, REQUESTS_PER_MINUTE - canaryRequests) });
  };
  const seriesAt = (now: number): Map<string, Series> => {
    const { minutes: wanted } = window(start, now);
    for (const m of wanted) if (!minutes.has(m)) draw(m);
    return seriesOf(wanted.map((m) => minutes.get(m) as Minute));
  };
  for (let step = 0; step < STEPS.length - 1; step++) {
    const stepEnds = start + (step + 1) * STEP_SECONDS * 1000;
    let until = stepEnds;
    let extended = false;
    for (let now = stepEnds - STEP_SECONDS * 1000 + LOOK_SECONDS * 1000; ; now = Math.min(now + LOOK_SECONDS * 1000, until)) {
      const final = now >= until;
      const v = judge(rules, seriesAt(now), { pass, marginal, final, extended, canExtend: extendMinutes > 0 });
      if (v.decision === 'fail') return { rolledBack: true, detectionSeconds: Math.round((now - start) / 1000), failing: v.failing, reason: v.reason };
      if (v.decision === 'extend') {
        extended = true;
        until = now + extendMinutes * MINUTE;
      }
      if (v.decision === 'promote' || (final && v.decision !== 'extend')) break;
    }
  }
  return { rolledBack: false };
}

/**
 * A healthy release waiting for a person at 10 % (RequestApproval's looks): after the step's five
 * minutes, a look every minute for `minutes`, each an early look (final: false) over every minute
 * since the step began. True when one of them fails: a false rollback.
 */
export function approvalWaitRun(c: JudgeClass, seed: number, minutes: number): boolean {
  const rng = new Rng(seed);
  const rules = metricRules({});
  const { pass, marginal } = thresholds({});
  const canaryRequests = Math.round(REQUESTS_PER_MINUTE * 0.1);
  const drawn: Minute[] = [];
  const stepMinutes = STEP_SECONDS / 60;
  for (let m = 0; m < stepMinutes + minutes; m++) drawn.push({ canary: minuteMetrics(rng, c.canary, canaryRequests), baseline: minuteMetrics(rng, c.baseline, REQUESTS_PER_MINUTE - canaryRequests) });
  for (let now = stepMinutes + 1; now <= stepMinutes + minutes; now++) {
    if (judge(rules, seriesOf(drawn.slice(0, now)), { pass, marginal, final: false, extended: false, canExtend: true }).decision === 'fail') return true;
  }
  return false;
}

export interface ApprovalWaitBench {
  minutes: number;
  /** Per healthy class: runs, and how many a look during the wait rolled back. */
  classes: { name: string; runs: number; falseRollbacks: number }[];
  falseRollbackRate: number;
}

export function runApprovalWaitBench(runsPerClass: number, minutes = 180, seed = 1): ApprovalWaitBench {
  const classes = JUDGE_CLASSES.filter((c) => !c.bad).map((c, ci) => ({
    name: c.name,
    runs: runsPerClass,
    falseRollbacks: Array.from({ length: runsPerClass }, (_, r) => approvalWaitRun(c, seed * 2_000_003 + ci * 100_000 + r, minutes)).filter(Boolean).length,
  }));
  const runs = classes.reduce((n, c) => n + c.runs, 0);
  return { minutes, classes, falseRollbackRate: classes.reduce((n, c) => n + c.falseRollbacks, 0) / Math.max(1, runs) };
}

export interface ClassResult {
  name: string;
  bad: boolean;
  runs: number;
  rolledBack: number;
  /** bad: share promoted; healthy: share rolled back. */
  errorRate: number;
  medianDetectionSeconds: number | null;
  /** How often each metric was among the failing ones. */
  failingMetrics: Record<string, number>;
}

const median = (xs: number[]): number | null => {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

function summarize(c: JudgeClass, outcomes: RunOutcome[]): ClassResult {
  const rolled = outcomes.filter((o) => o.rolledBack);
  const failingMetrics: Record<string, number> = {};
  for (const o of rolled) for (const m of o.failing ?? []) failingMetrics[m] = (failingMetrics[m] ?? 0) + 1;
  return {
    name: c.name,
    bad: c.bad,
    runs: outcomes.length,
    rolledBack: rolled.length,
    errorRate: (c.bad ? outcomes.length - rolled.length : rolled.length) / outcomes.length,
    medianDetectionSeconds: c.bad ? median(rolled.map((o) => o.detectionSeconds as number)) : null,
    failingMetrics,
  };
}

export interface BenchRuns {
  classes: ClassResult[];
  /** Detection seconds of every caught bad release, all classes. */
  detections: number[];
}

export function runSeriesBench(runsPerClass: number, seed = 1): BenchRuns {
  const detections: number[] = [];
  const classes = JUDGE_CLASSES.map((c, ci) => {
    const outcomes = Array.from({ length: runsPerClass }, (_, r) => seriesRun(c, seed * 1_000_003 + ci * 100_000 + r));
    if (c.bad) for (const o of outcomes) if (o.rolledBack) detections.push(o.detectionSeconds as number);
    return summarize(c, outcomes);
  });
  return { classes, detections };
}

/** One whole deployment of the class on the embedded cloud: canary traffic → listener restored. */
export async function pipelineRun(c: JudgeClass, seed: number): Promise<RunOutcome> {
  const s = await DemoSession.create('happy', seed, { steps: STEPS, stepWaitSeconds: STEP_SECONDS, alarms: ['web-prod-5xx'], canary: {} });
  try {
    const { cloud } = s;
    cloud.apps.defaults = { ...cloud.apps.defaults, errorRate: c.baseline.errorRate, latency: c.baseline.latency };
    cloud.apps.set('1.1.0', { errorRate: c.canary.errorRate, latency: c.canary.latency });
    let trafficAt = 0;
    let restoredAt = 0;
    cloud.hooks.on('listenerChanged', () => {
      const onCanary = cloud.elb.forwardWeights(s.world.listenerArn).some((f) => f.weight > 0 && f.targetGroupArn !== s.world.liveTargetGroupArn);
      if (onCanary && !trafficAt) trafficAt = cloud.clock.now();
      if (!onCanary && trafficAt) restoredAt = cloud.clock.now();
    });
    await s.upload();
    const done = await s.awaitExecutions(1);
    if (done.error !== 'CanaryFailed') return { rolledBack: false };
    const failing = /failed on ([^:]+):/.exec(done.cause ?? '')?.[1]?.split(', ') ?? [];
    return { rolledBack: true, detectionSeconds: Math.round((restoredAt - trafficAt) / 1000), failing };
  } finally {
    s.dispose();
  }
}

export async function runPipelineBench(runsPerClass: number, seed = 1): Promise<BenchRuns> {
  const classes: ClassResult[] = [];
  const detections: number[] = [];
  for (const c of JUDGE_CLASSES) {
    const outcomes: RunOutcome[] = [];
    for (let r = 0; r < runsPerClass; r++) outcomes.push(await pipelineRun(c, seed + r));
    if (c.bad) for (const o of outcomes) if (o.rolledBack) detections.push(o.detectionSeconds as number);
    classes.push(summarize(c, outcomes));
  }
  return { classes, detections };
}

export interface JudgeBench {
  runs: number;
  falseRollbackRate: number;
  missRate: number;
  medianDetectionSeconds: number | null;
  method: string;
  classes: ClassResult[];
  pipeline: { runs: number; falseRollbackRate: number; missRate: number; medianDetectionSeconds: number | null; classes: ClassResult[] };
  /** Healthy canaries looked at every minute of a long approval wait. */
  approvalWait: ApprovalWaitBench;
}

function totals({ classes, detections }: BenchRuns) {
  const healthy = classes.filter((c) => !c.bad);
  const bad = classes.filter((c) => c.bad);
  const sum = (cs: ClassResult[], f: (c: ClassResult) => number) => cs.reduce((n, c) => n + f(c), 0);
  return {
    runs: sum(classes, (c) => c.runs),
    falseRollbackRate: sum(healthy, (c) => c.rolledBack) / Math.max(1, sum(healthy, (c) => c.runs)),
    missRate: sum(bad, (c) => c.runs - c.rolledBack) / Math.max(1, sum(bad, (c) => c.runs)),
    medianDetectionSeconds: median(detections),
  };
}

export async function runJudgeBench(seriesRuns = 1000, pipelineRuns = 5): Promise<JudgeBench> {
  const series = runSeriesBench(seriesRuns);
  const pipeline = await runPipelineBench(pipelineRuns);
  return {
    ...totals(series),
    method: `simulated: the judge alone on per-minute series drawn from the embedded cloud's request model (${seriesRuns} seeded runs per class; detection = canary's first traffic → the failing look); pipeline: ${pipelineRuns} whole deployments per class on the embedded cloud (detection = canary's first traffic → listener restored)`,
    classes: series.classes,
    pipeline: { ...totals(pipeline), classes: pipeline.classes },
    approvalWait: runApprovalWaitBench(seriesRuns),
  };
}
