/**
 * The deployment scenarios: overhead against the physical floor (a cluster's first deploy, with
 * no bake history, then its steady state), rollback latency, and a two-hour health gate's
 * history length. Fixed seeds; every world is built through the SDK like the demo world.
 */
import { client } from '../../../src/aws/clients.js';
import { currentCaller } from '../../../sim/caller.js';
import { SERVICES } from '../../../sim/sdk-errors.js';
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { type DeployMeasure, measureDeploy } from './deploy.js';
import { BenchWorld } from './world.js';
import type { AppBehaviour } from '../../../sim/apps.js';
import type { LatencyModel } from '../../../sim/latency.js';
import type { WorldOptions } from '../../../local/demo-world.js';

export interface ScenarioResult {
  name: string;
  summary: string;
  seed: number;
  /** Whether AWS's latencies were charged to the clock (sim/latency.ts). */
  latency: boolean;
  /** Deploys in order: the first has no bake history; later ones learn from the live group. */
  deploys: DeployMeasure[];
}

interface Spec {
  name: string;
  summary: string;
  world: WorldOptions;
  app?: Partial<AppBehaviour>;
  deploys: number;
}

export const OVERHEAD_SCENARIOS: Spec[] = [
  { name: 'happy', summary: '4 instances, bake 220 s, one step to 100%', world: {}, deploys: 3 },
  {
    name: 'canary-10min-bake',
    summary: '4 instances, bake 600 s (install 500 s), steps 10/50/100 two minutes apart, an alarm watched',
    world: { steps: [10, 50, 100], stepWaitSeconds: 120, alarms: ['web-prod-5xx'] },
    app: { installSeconds: 500 },
    deploys: 3,
  },
];

export async function runOverhead(
  spec: Spec,
  memoryMb: (fn: string) => number,
  initMs?: (fn: string) => number,
  options: { seed?: number; latency?: LatencyModel } = {},
): Promise<ScenarioResult> {
  const w = await BenchWorld.create({ seed: options.seed ?? 1, clusters: [spec.world], ...(spec.app ? { app: spec.app } : {}), ...(options.latency ? { latency: options.latency } : {}) });
  try {
    const deploys: DeployMeasure[] = [];
    for (let i = 0; i < spec.deploys; i++) {
      const traffic = { steps: spec.world.steps?.length ?? 1, waitSeconds: spec.world.stepWaitSeconds ?? 120 };
      deploys.push(await measureDeploy(w, { release: `1.${i + 1}.0`, traffic, memoryMb, ...(initMs ? { initMs } : {}) }));
    }
    return { name: spec.name, summary: spec.summary, seed: options.seed ?? 1, latency: options.latency !== undefined, deploys };
  } finally {
    w.dispose();
  }
}

export interface RollbackMeasure {
  scenario: string;
  /** Failure observable (alarm in ALARM, or the gate's deadline) → listener restored, simulated s. */
  simulatedSeconds: number;
  /** Observable → a step sees it and fails (the polling part). */
  detectionSeconds: number;
  /** The step fails → listener restored. */
  restoreSeconds: number;
  /** AWS calls of the rollback up to and including the listener write. */
  apiCalls: number;
  /** Of those, how many round trips follow one another (calls made together count once). */
  sequentialCalls: number;
  criticalPathCalls: string[];
  /** Lambda invocations after the failing step, up to the restore (the hops). */
  lambdaInvocations: number;
  outcome: string;
}

/**
 * Canary 10/50/100, two minutes apart. 30 s after the first listener change that gives the new
 * group traffic, the release starts failing its requests: the 5xx alarm goes to ALARM at its next
 * evaluation (that moment is "observable"), mid-wait — the hardest moment to notice.
 */
export async function runRollbackOnAlarm(): Promise<RollbackMeasure> {
  const alarm = 'web-prod-5xx';
  const w = await BenchWorld.create({ seed: 1, clusters: [{ steps: [10, 50, 100], stepWaitSeconds: 120, alarms: [alarm] }] });
  try {
    const cloud = w.cloud;
    let broken = false;
    let observableAt = 0;
    const watch = () => {
      if (observableAt) return;
      if (cloud.cloudwatch.alarmState(alarm) === 'ALARM') observableAt = cloud.clock.now();
      else cloud.clock.after(1000, watch);
    };
    cloud.hooks.on('listenerChanged', () => {
      if (broken) return;
      const weights = cloud.elb.forwardWeights(w.world.listenerArn);
      if (!weights.some((f) => f.weight > 0 && f.targetGroupArn !== w.world.liveTargetGroupArn)) return;
      broken = true;
      cloud.clock.after(30_000, () => {
        cloud.apps.set('1.1.0', { healthy: false });
        watch();
      });
    });
    return await measureRollback(w, '1.1.0', 'alarm-during-shift', () => observableAt);
  } finally {
    w.dispose();
  }
}

/** The release never turns healthy: observable at the gate's deadline. */
export async function runRollbackOnGateTimeout(): Promise<RollbackMeasure> {
  const w = await BenchWorld.create({ seed: 1, clusters: [{ healthGateMinutes: 8 }], app: { healthy: false } });
  try {
    return await measureRollback(w, '1.1.0', 'unhealthy-release', () => {
      const launch = w.cloud.lambda.invocations.find((i) => i.function === 'launchGroup');
      return (launch?.at ?? 0) + 8 * 60_000;
    });
  } finally {
    w.dispose();
  }
}

/** Every rollback call in the order it started, with the calls it waited for (sequential ones). */
interface Span {
  op: string;
  begin: number;
  end: number;
}

async function measureRollback(w: BenchWorld, release: string, scenario: string, observable: () => number): Promise<RollbackMeasure> {
  const cloud = w.cloud;
  // Real ordering of each rollback call's start and end: which calls overlapped, which waited.
  const spans: Span[] = [];
  let tick = 0;
  const dispatch = cloud.dispatch.bind(cloud);
  cloud.dispatch = async (clientName, commandName, input) => {
    if (currentCaller() !== 'rollback') return dispatch(clientName, commandName, input);
    const span: Span = { op: `${SERVICES[clientName]?.prefix}:${commandName.replace(/Command$/, '')}`, begin: tick++, end: Infinity };
    spans.push(span);
    try {
      return await dispatch(clientName, commandName, input);
    } finally {
      span.end = tick++;
    }
  };
  const calls0 = cloud.log.mark();
  const inv0 = cloud.lambda.invocations.length;
  await w.upload(release);
  const [ex] = await w.awaitEnded(1);
  const invocations = cloud.lambda.invocations.slice(inv0);
  const rb = invocations.findIndex((i) => i.function === 'rollback');
  const failing = invocations[rb - 1];
  const calls = cloud.log.calls.slice(calls0).filter((c) => c.caller === 'rollback');
  const write = calls.findIndex((c) => c.operation === 'ModifyListener' || c.operation === 'ModifyRule');
  const restoredAt = calls[write]?.at ?? 0;
  const observableAt = observable();
  const writeSpan = spans.findIndex((sp) => /:Modify(Listener|Rule)$/.test(sp.op));
  return {
    scenario,
    simulatedSeconds: (restoredAt - observableAt) / 1000,
    detectionSeconds: ((failing?.at ?? 0) - observableAt) / 1000,
    restoreSeconds: (restoredAt - (failing?.at ?? 0)) / 1000,
    apiCalls: write + 1,
    sequentialCalls: depth(spans.slice(0, writeSpan + 1)),
    criticalPathCalls: calls.slice(0, write + 1).map((c) => `${c.service}:${c.operation}`),
    lambdaInvocations: invocations.slice(rb).filter((i) => i.at <= restoredAt && i.function === 'rollback').length,
    outcome: `${ex?.status} ${ex?.error ?? ''}`.trim(),
  };
}

/** Longest chain of calls each starting after the previous one ended: the round trips waited for. */
function depth(spans: Span[]): number {
  const d = spans.map(() => 1);
  spans.forEach((sp, i) => {
    for (let j = 0; j < i; j++) if ((spans[j] as Span).end < sp.begin) d[i] = Math.max(d[i] as number, (d[j] as number) + 1);
  });
  return Math.max(0, ...d);
}

export interface GateHistory {
  gateMinutes: number;
  transitions: number;
  historyEvents: number;
  healthGatePolls: number;
  /** AWS's hard limit per Standard execution. */
  historyLimit: number;
}

/** A release that never turns healthy under a two-hour gate: the longest poll loop a config allows. */
export async function runLongGate(): Promise<GateHistory> {
  const w = await BenchWorld.create({ seed: 1, clusters: [{ healthGateMinutes: 120 }], app: { healthy: false } });
  try {
    const inv0 = w.cloud.lambda.invocations.length;
    await w.upload('1.1.0');
    const [ex] = await w.awaitEnded(1);
    // Read the history through the API, page by page, as an operator would.
    let historyEvents = 0;
    let nextToken: string | undefined;
    do {
      const page = await client(SFNClient).send(new GetExecutionHistoryCommand({ executionArn: ex?.executionArn, maxResults: 1000, nextToken }));
      historyEvents += page.events?.length ?? 0;
      nextToken = page.nextToken;
    } while (nextToken);
    return {
      gateMinutes: 120,
      transitions: ex?.transitions ?? 0,
      historyEvents,
      healthGatePolls: w.cloud.lambda.invocations.slice(inv0).filter((i) => i.function === 'healthGate').length,
      historyLimit: 25_000,
    };
  } finally {
    w.dispose();
  }
}
