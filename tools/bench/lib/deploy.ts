/**
 * One measured deployment on a BenchWorld: duration against the physical floor, state
 * transitions, history length, Lambda invocations, AWS API calls made by the pipeline, cost.
 */
import { STOP_MS } from '../../../sim/services/ec2/lifecycle.js';
import type { ExecutionSummary } from '../../../sim/services/sfn/execution.js';
import { costUsd, type Floor, type FloorParams, physicalFloor } from './floor.js';
import type { BenchWorld } from './world.js';

/** Billed-duration model per invocation (the embedded cloud runs in zero simulated time): */
export const BILLING = {
  /** handler work outside AWS calls, ms */
  baseMs: 20,
  /** one in-region AWS API round trip, ms */
  perCallMs: 35,
};

export interface DeployMeasure {
  release: string;
  status: string;
  error: string | null;
  /** StartExecution → end of the execution, simulated seconds. */
  deploySeconds: number;
  floor: Floor;
  overheadRatio: number;
  transitions: number;
  historyEvents: number;
  lambdaInvocations: number;
  invocationsByFunction: Record<string, number>;
  apiCalls: number;
  apiCallsByOperation: Record<string, number>;
  costPerDeployUsd: number;
  cost: { stepFunctions: number; lambda: number };
}

export interface DeployOptions {
  release: string;
  cluster?: string;
  /** Traffic steps and wait, for the floor (the world's config). */
  traffic: { steps: number; waitSeconds: number };
  /** Configured memory per function (serverless.yml), for the cost. */
  memoryMb: (fn: string) => number;
  /** Cold-start init per function, ms (billed once per function and deploy). */
  initMs?: (fn: string) => number;
  /** Called after the upload, before the clock runs (arm faults). */
  arm?: () => void;
}

/**
 * What this deploy's physical steps really took in the simulation (boots, installs and images
 * carry seeded jitter when latency is on): the builder that baked `release` and its image, and of
 * the new group's instances the one that was last ready to pass its health checks.
 */
function realized(w: BenchWorld, release: string, since: number, hc: { intervalSeconds: number; healthyThreshold: number }): Omit<FloorParams, 'healthCheck' | 'traffic'> {
  const store = w.cloud.ec2.store;
  const app = w.cloud.apps.get(release);
  const image = [...store.images.values()].find((i) => i.release === release && i.sourceInstanceId !== undefined);
  const builder = image?.sourceInstanceId ? store.timings.get(image.sourceInstanceId) : undefined;
  const bake = image
    ? {
        bootSeconds: (builder?.bootMs ?? app.bootSeconds * 1000) / 1000,
        installSeconds: (builder?.installMs ?? app.installSeconds * 1000) / 1000,
        stopSeconds: STOP_MS / 1000,
        imageSeconds: (store.imageMs.get(image.id) ?? w.cloud.ec2.imageCreateSeconds * 1000) / 1000,
      }
    : null;
  const ready = (t: { bootMs?: number; appStartMs?: number }) =>
    physicalFloor({ bake: null, bootSeconds: (t.bootMs ?? 0) / 1000, appStartSeconds: (t.appStartMs ?? 0) / 1000, healthCheck: hc, traffic: { steps: 1, waitSeconds: 0 } }).totalSeconds;
  const group = [...store.timings.entries()].filter(([id, t]) => t.release === release && t.launchTime >= since && id !== image?.sourceInstanceId).map(([, t]) => t);
  const last = group.sort((a, b) => ready(a) - ready(b)).at(-1);
  return {
    bake,
    bootSeconds: last?.bootMs !== undefined ? last.bootMs / 1000 : app.bootSeconds,
    appStartSeconds: last?.appStartMs !== undefined ? last.appStartMs / 1000 : app.appStartSeconds,
  };
}

export async function measureDeploy(w: BenchWorld, o: DeployOptions): Promise<DeployMeasure> {
  const cloud = w.cloud;
  const cluster = o.cluster ?? w.world.cluster;
  const hc = await w.healthCheck(w.worlds.find((x) => x.cluster === cluster));
  const started = cloud.clock.now();

  const ended0 = w.ended().length;
  const calls0 = cloud.log.mark();
  const inv0 = cloud.lambda.invocations.length;
  await w.upload(o.release, cluster);
  o.arm?.();
  const ended = await w.awaitEnded(ended0 + 1);
  const ex = ended.sort((a, b) => (a.stoppedAt ?? 0) - (b.stoppedAt ?? 0)).at(-1) as ExecutionSummary;
  const floor = physicalFloor({ ...realized(w, o.release, started, hc), healthCheck: hc, traffic: o.traffic });

  const invocations = cloud.lambda.invocations.slice(inv0);
  const calls = cloud.log.calls.slice(calls0).filter((c) => c.caller !== undefined);
  const byFunction: Record<string, number> = {};
  for (const i of invocations) byFunction[i.function] = (byFunction[i.function] ?? 0) + 1;
  const byOperation: Record<string, number> = {};
  const callsByFunction: Record<string, number> = {};
  for (const c of calls) {
    const k = `${c.service}:${c.operation}`;
    byOperation[k] = (byOperation[k] ?? 0) + 1;
    callsByFunction[c.caller as string] = (callsByFunction[c.caller as string] ?? 0) + 1;
  }
  const billed = Object.entries(byFunction).flatMap(([fn, n]) => {
    const perCall = ((callsByFunction[fn] ?? 0) / n) * BILLING.perCallMs;
    return Array.from({ length: n }, (_, k) => ({ memoryMb: o.memoryMb(fn), billedMs: Math.ceil(BILLING.baseMs + perCall + (k === 0 ? (o.initMs?.(fn) ?? 0) : 0)) }));
  });
  const cost = costUsd({ transitions: ex.transitions, invocations: billed });
  const deploySeconds = ((ex.stoppedAt ?? ex.startedAt) - ex.startedAt) / 1000;
  return {
    release: o.release,
    status: ex.status,
    error: ex.error ?? null,
    deploySeconds,
    floor,
    overheadRatio: Math.round((deploySeconds / floor.totalSeconds) * 1000) / 1000,
    transitions: ex.transitions,
    historyEvents: ex.historyLength,
    lambdaInvocations: invocations.length,
    invocationsByFunction: byFunction,
    apiCalls: calls.length,
    apiCallsByOperation: byOperation,
    costPerDeployUsd: Math.round(cost.total * 1e6) / 1e6,
    cost: { stepFunctions: Math.round(cost.stepFunctions * 1e6) / 1e6, lambda: Math.round(cost.lambda * 1e7) / 1e7 },
  };
}
