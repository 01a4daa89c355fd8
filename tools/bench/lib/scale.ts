/**
 * How the pipeline scales: AWS API calls per deploy at 4, 400 and 4,000 instances (they must
 * grow only with page counts), each function's peak heap during the 4,000-instance deploy, and
 * 50 clusters deploying at once in one account under AWS's published API rate limits.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { StartExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { ListSchedulesCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { client } from '../../../src/aws/clients.js';
import { RateLimits } from '../../../sim/rate-limits.js';
import { FUNCTIONS } from '../../../local/functions.js';
import { round } from './common.js';
import { type DeployMeasure, measureDeploy } from './deploy.js';
import { BenchWorld } from './world.js';

const MB = 1024 * 1024;

/** A real `gc()`: heap readings then show live data, not garbage awaiting collection. */
function gcFunction(): () => void {
  setFlagsFromString('--expose_gc');
  return runInNewContext('gc') as () => void;
}

export interface ScaleRun {
  instances: number;
  deploy: DeployMeasure;
  wallMs: number;
  /** Per function: heap above what it started with, at its peak during this deploy (MB). */
  peakHeapDeltaMb: Record<string, number>;
}

/**
 * One deploy of the demo world at `instances`. Quotas a real account would raise for this size
 * are raised (EC2 instance limit; the group's MaxSize is 2 × instances in the demo world).
 */
export async function runAtScale(instances: number, memoryMb: (fn: string) => number, options: { rollbackAndTeardown?: boolean } = {}): Promise<ScaleRun> {
  const w = await BenchWorld.create({ seed: 1, clusters: [{ instances }], instanceLimit: Math.max(1000, instances * 3) });
  try {
    const peak = instrumentHeap(w);
    const t0 = performance.now();
    const deploy = await measureDeploy(w, { release: '1.1.0', traffic: { steps: 1, waitSeconds: 0 }, memoryMb });
    const wallMs = round(performance.now() - t0, 0);
    if (options.rollbackAndTeardown) await rollbackAndTeardown(w);
    return { instances, deploy, wallMs, peakHeapDeltaMb: peak() };
  } finally {
    w.dispose();
  }
}

/**
 * The two functions a deploy does not run, at the same size: an on-demand rollback of the deploy
 * (both groups at full size) and the teardown of the group it leaves behind, fired early.
 */
async function rollbackAndTeardown(w: BenchWorld): Promise<void> {
  const ended = w.ended().length;
  await client(SFNClient).send(
    new StartExecutionCommand({ stateMachineArn: w.stack.stateMachineArn, name: 'bench-manual-rollback', input: JSON.stringify({ action: 'rollback', cluster: w.world.cluster }) }),
  );
  await w.awaitEnded(ended + 1);
  const teardowns = w.cloud.lambda.count('teardown');
  const listed = await client(SchedulerClient).send(new ListSchedulesCommand({ GroupName: w.stack.scheduleGroup }));
  for (const sc of listed.Schedules ?? []) w.cloud.scheduler.fireEarly(sc.Name as string, w.stack.scheduleGroup);
  await w.cloud.clock.runUntil(() => w.cloud.lambda.count('teardown') > teardowns, { limitMs: 3600_000 });
}

/**
 * Wraps every function: collect garbage, note the heap, and sample it at every AWS call the
 * function makes and at its end. The peak minus the start is what the invocation needs on top of
 * its module's init (measured per bundle in a fresh process).
 */
function instrumentHeap(w: BenchWorld): () => Record<string, number> {
  const gc = gcFunction();
  const open = new Map<string, { start: number; peak: number }>();
  const peaks: Record<string, number> = {};
  const sample = (fn: string | undefined) => {
    const o = fn === undefined ? undefined : open.get(fn);
    if (o) o.peak = Math.max(o.peak, process.memoryUsage().heapUsed);
  };
  const add = w.cloud.log.add.bind(w.cloud.log);
  w.cloud.log.add = (record) => {
    sample(record.caller);
    return add(record);
  };
  for (const [key, handler] of Object.entries(FUNCTIONS)) {
    w.cloud.lambda.register(key, async (event, context) => {
      gc();
      const start = process.memoryUsage().heapUsed;
      open.set(key, { start, peak: start });
      try {
        return await handler(event, context);
      } finally {
        sample(key);
        const o = open.get(key) as { start: number; peak: number };
        peaks[key] = Math.max(peaks[key] ?? 0, round((o.peak - o.start) / MB, 1));
        open.delete(key);
      }
    });
  }
  return () => peaks;
}

export interface ConcurrentRun {
  clusters: number;
  seed: number;
  failures: number;
  /** Mean deploy time with 50 at once under the rate limits, minus one deploy alone without them. */
  addedDelaySeconds: number;
  maxAddedDelaySeconds: number;
  aloneSeconds: number;
  meanSeconds: number;
  throttledCalls: number;
  /** Calls that failed a step after the SDK's own retries (the state machine retried them). */
  stepRetries: number;
  buckets: { name: string; calls: number; throttled: number }[];
  wallMs: number;
}

/**
 * Cluster names `svc000-prod` … : one ALB each. The account's default quota is 50 ALBs per Region;
 * above that the quota is raised as an account would have it raised.
 */
export async function runConcurrent(clusters = 50, seed = 1): Promise<ConcurrentRun> {
  const alone = await BenchWorld.create({ seed, clusters: [{ cluster: 'svc000-prod' }] });
  let aloneSeconds: number;
  try {
    const m = await measureDeploy(alone, { release: '1.1.0', cluster: 'svc000-prod', traffic: { steps: 1, waitSeconds: 0 }, memoryMb: () => 256 });
    aloneSeconds = m.deploySeconds;
  } finally {
    alone.dispose();
  }

  const names = Array.from({ length: clusters }, (_, i) => `svc${String(i).padStart(3, '0')}-prod`);
  const w = await BenchWorld.create({ seed, clusters: names.map((cluster) => ({ cluster })), loadBalancerLimit: Math.max(50, clusters), instanceLimit: Math.max(1000, clusters * 20) });
  try {
    const t0 = performance.now();
    const limits = new RateLimits(w.cloud.clock);
    w.cloud.rateLimits = limits;
    const calls0 = w.cloud.log.mark();
    const inv0 = w.cloud.lambda.invocations.length;
    // Every artifact lands in the same instant.
    await Promise.all(names.map((cluster) => w.upload('1.1.0', cluster)));
    const ended = await w.awaitEnded(clusters, 6 * 3600_000);
    const durations = ended.map((e) => ((e.stoppedAt ?? e.startedAt) - e.startedAt) / 1000);
    const mean = durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length);
    return {
      clusters,
      seed,
      failures: ended.filter((e) => e.status !== 'SUCCEEDED').length,
      addedDelaySeconds: round(mean - aloneSeconds, 1),
      maxAddedDelaySeconds: round(Math.max(...durations) - aloneSeconds, 1),
      aloneSeconds,
      meanSeconds: round(mean, 1),
      throttledCalls: w.cloud.log.calls.slice(calls0).filter((c) => /Throttl|RequestLimitExceeded/.test(c.outcome)).length,
      stepRetries: w.cloud.lambda.invocations.slice(inv0).filter((i) => i.outcome === 'AwsTransient').length,
      buckets: limits
        .stats()
        .filter((b) => b.throttled > 0)
        .map(({ name, calls, throttled }) => ({ name, calls, throttled })),
      wallMs: round(performance.now() - t0, 0),
    };
  } finally {
    w.dispose();
  }
}
