/**
 * Where AWS spends time, charged to the virtual clock: each API call (per service, reads and writes
 * apart, log-normal around a median), each Lambda invocation (a cold start — runtime plus the
 * function's own module init — when no warm environment is free, else a warm invoke), each Step
 * Functions state transition, and jitter on instance boots, app starts, installs and image
 * creation. Drawn from a stream of the cloud's seed of its own, so a seed still gives one run.
 *
 * Off unless asked for (`EmbeddedCloud.create({ latency: AWS_LATENCY })`): tests keep zero latency.
 *
 * AWS publishes few latency figures; where it does the source is named, everything else is an
 * assumption of the order of magnitude seen from inside a Region, and every figure can be set.
 */
import { Rng } from './rng.js';

export interface ApiLatency {
  /** Median of Describe/Get/List calls, ms. */
  readMs: number;
  /** Median of every other call, ms. */
  writeMs: number;
}

export interface LatencyModel {
  /** Per IAM service prefix (ec2, elasticloadbalancing, …); `default` for the others. */
  api: Record<string, ApiLatency>;
  /** Log-normal spread of API latencies (σ of the log): 0.5 puts p99 at ~3.2 × the median. */
  sigma: number;
  lambda: {
    /** The runtime's own init on a cold start (before the function's module init), ms. */
    runtimeInitMs: number;
    /** Module init of each function key, ms (`default` for the others): measured from the packaged bundles. */
    initMs: Record<string, number>;
    /** A warm invocation's overhead (routing, the runtime API), ms. */
    warmMs: number;
    /** An idle execution environment is reclaimed after this many minutes. */
    keepWarmMinutes: number;
  };
  /** Step Functions: time per state transition, ms. */
  stateTransitionMs: number;
  /** ± fraction drawn uniformly for each boot, app start, install and image creation. */
  jitter: number;
}

/** Zero everywhere: what tests get by default. */
export const NO_LATENCY: LatencyModel = {
  api: { default: { readMs: 0, writeMs: 0 } },
  sigma: 0,
  lambda: { runtimeInitMs: 0, initMs: { default: 0 }, warmMs: 0, keepWarmMinutes: 15 },
  stateTransitionMs: 0,
  jitter: 0,
};

/**
 * Defaults for a Region seen from Lambda. DynamoDB: "single-digit millisecond" reads and writes
 * (Amazon DynamoDB Developer Guide, "What is Amazon DynamoDB?"). S3: 100–200 ms to the first byte
 * of a small object (Amazon S3 User Guide, "Performance guidelines for Amazon S3"; HEAD and PUT of a
 * small object taken at the low end). Lambda: the Init phase runs the runtime and then the
 * function's static code (AWS Lambda Developer Guide, "Lambda execution environment lifecycle");
 * environments are reused and reclaimed after a period of idleness AWS does not publish (15 min
 * assumed). Every other figure is an assumption, kept deliberately on the slow side.
 */
export const AWS_LATENCY: LatencyModel = {
  api: {
    ec2: { readMs: 150, writeMs: 400 },
    autoscaling: { readMs: 120, writeMs: 250 },
    elasticloadbalancing: { readMs: 60, writeMs: 120 },
    s3: { readMs: 100, writeMs: 150 },
    dynamodb: { readMs: 6, writeMs: 8 },
    ssm: { readMs: 40, writeMs: 60 },
    cloudwatch: { readMs: 50, writeMs: 60 },
    events: { readMs: 30, writeMs: 40 },
    scheduler: { readMs: 50, writeMs: 80 },
    states: { readMs: 40, writeMs: 60 },
    default: { readMs: 60, writeMs: 120 },
  },
  sigma: 0.5,
  lambda: { runtimeInitMs: 150, initMs: { default: 250 }, warmMs: 15, keepWarmMinutes: 15 },
  stateTransitionMs: 25,
  jitter: 0.15,
};

const READ = /^(Describe|Get|List|Head|Query|Scan|BatchGet)/;

export class Latency {
  private readonly rng: Rng;

  constructor(
    seed: number,
    readonly model: LatencyModel,
  ) {
    // Apart from the simulators' own Rng and the ambient stream (ambient.ts).
    this.rng = new Rng((seed ^ 0x27d4eb2f) >>> 0);
  }

  /** One API call's latency, ms (whole milliseconds). */
  apiMs(service: string, operation: string): number {
    const a = this.model.api[service] ?? this.model.api.default ?? { readMs: 0, writeMs: 0 };
    const median = READ.test(operation) ? a.readMs : a.writeMs;
    if (median <= 0) return 0;
    return Math.round(median * Math.exp(this.model.sigma * this.normal()));
  }

  /** A cold start of `fn`: the runtime's init, then the function's module init, ms. */
  coldStartMs(fn: string): number {
    const l = this.model.lambda;
    return Math.round(l.runtimeInitMs + (l.initMs[fn] ?? l.initMs.default ?? 0));
  }

  /** `seconds` with ± jitter, for a boot, an app start, an install or an image. */
  jittered(seconds: number): number {
    if (this.model.jitter <= 0 || seconds <= 0) return seconds;
    return seconds * (1 + this.model.jitter * (2 * this.rng.next() - 1));
  }

  /** Standard normal (Box–Muller), from the seeded stream. */
  private normal(): number {
    const u = 1 - this.rng.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.rng.next());
  }
}

/** A model with `overrides` applied on top of `base` (api entries and lambda fields merged). */
export function latencyModel(overrides: Partial<LatencyModel> = {}, base: LatencyModel = AWS_LATENCY): LatencyModel {
  return {
    ...base,
    ...overrides,
    api: { ...base.api, ...overrides.api },
    lambda: { ...base.lambda, ...overrides.lambda, initMs: { ...base.lambda.initMs, ...overrides.lambda?.initMs } },
  };
}
