/**
 * The embedded cloud: simulated AWS services on a virtual clock, answering the real SDK v3
 * clients through a middleware placed after the SDK's retry step. Production code is wired to it
 * with `cloud.wire(connect)` (see `local/cloud.ts`) and cannot tell it from AWS.
 */
import { seedAmbientRandomness } from './ambient.js';
import { AppBehaviours } from './apps.js';
import { AwsFault } from './aws-fault.js';
import { CallLog, isMutating } from './call-log.js';
import { currentCaller } from './caller.js';
import { VirtualClock } from './clock.js';
import type { SimContext } from './context.js';
import { Faults } from './faults.js';
import { Hooks } from './hooks.js';
import { Ids } from './ids.js';
import { LambdaRuntime } from './lambda.js';
import { Latency, type LatencyModel } from './latency.js';
import type { RateLimits } from './rate-limits.js';
import './polyfills.js';
import { Rng } from './rng.js';
import { SERVICES, toSdkError } from './sdk-errors.js';
import { AutoScalingSim } from './services/autoscaling.js';
import { CloudFormationSim } from './services/cloudformation.js';
import { CloudWatchSim } from './services/cloudwatch.js';
import { DynamoDbSim } from './services/dynamodb.js';
import { Ec2Sim } from './services/ec2.js';
import { ElbSim } from './services/elbv2.js';
import { EventBridgeSim } from './services/eventbridge.js';
import { S3Sim } from './services/s3.js';
import { SchedulerSim } from './services/scheduler.js';
import { SfnSim } from './services/sfn.js';
import { SsmSim } from './services/ssm.js';
import { warmSdk } from './warm-sdk.js';

export interface CloudOptions {
  seed?: number;
  /** Simulated start time, epoch ms. */
  startTime?: number;
  region?: string;
  accountId?: string;
  /** SDK max attempts for the wired clients (the SDK default is 3). */
  maxAttempts?: number;
  /** Charge simulated time where AWS spends it (latency.ts; e.g. AWS_LATENCY). Default: none. */
  latency?: LatencyModel;
}

/** A middleware placed after the SDK's retry middleware (finalizeRequest step). */
export type CallMiddleware = (next: (args: any) => Promise<any>, context: any) => (args: any) => Promise<any>;

/** What a client factory needs to send every SDK call to this cloud. */
export interface SimClientSettings {
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string };
  middleware?: CallMiddleware;
  maxAttempts?: number;
}

/**
 * Installs client settings in the code under test. The simulator knows no client factory: the
 * local runner passes its own (`local/cloud.ts`), so `sim/` depends on nothing in `src/`.
 */
export type Connect = (settings: SimClientSettings) => void;

export const STATIC_CREDENTIALS = { accessKeyId: 'AKIAEMBEDDEDCLOUD', secretAccessKey: 'embedded-cloud-secret' };

type Operation = (input: any) => unknown;

export class EmbeddedCloud implements SimContext {
  readonly region: string;
  readonly accountId: string;
  readonly seed: number;
  readonly clock: VirtualClock;
  readonly rng: Rng;
  readonly ids: Ids;
  readonly apps = new AppBehaviours();
  readonly hooks = new Hooks();
  readonly log = new CallLog();
  readonly faults: Faults;
  /**
   * Off by default: simulated time for API calls made by functions, invocations, transitions and
   * jitter on boots (latency.ts). Settable at any time: `cloud.useLatency(AWS_LATENCY)`.
   */
  latency?: Latency;
  /** Off by default: `cloud.rateLimits = new RateLimits(cloud.clock)` throttles as AWS's published buckets do. */
  rateLimits?: RateLimits;
  readonly ec2: Ec2Sim;
  readonly autoscaling: AutoScalingSim;
  readonly elb: ElbSim;
  readonly s3: S3Sim;
  readonly events: EventBridgeSim;
  readonly scheduler: SchedulerSim;
  readonly dynamodb: DynamoDbSim;
  readonly ssm: SsmSim;
  readonly cloudwatch: CloudWatchSim;
  readonly sfn: SfnSim;
  readonly lambda: LambdaRuntime;
  readonly cloudformation: CloudFormationSim;
  private readonly byPrefix: Record<string, object>;
  private readonly maxAttempts?: number;
  private disposed = false;
  private readonly restoreAmbient: () => void;

  /** Use `EmbeddedCloud.create()`: it readies the SDK before the clock goes virtual. */
  private constructor(options: CloudOptions) {
    this.seed = options.seed ?? 1;
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.maxAttempts = options.maxAttempts;
    this.rng = new Rng(this.seed);
    this.ids = new Ids(this.rng, this.region, this.accountId);
    this.faults = new Faults(this.rng);
    this.clock = new VirtualClock(options.startTime);
    this.restoreAmbient = seedAmbientRandomness(this.seed);
    if (options.latency) this.latency = new Latency(this.seed, options.latency);
    this.lambda = new LambdaRuntime(this);
    this.ec2 = new Ec2Sim(this);
    this.autoscaling = new AutoScalingSim(this);
    this.elb = new ElbSim(this);
    this.s3 = new S3Sim(this);
    this.events = new EventBridgeSim(this);
    this.scheduler = new SchedulerSim(this);
    this.dynamodb = new DynamoDbSim(this);
    this.ssm = new SsmSim(this);
    this.cloudwatch = new CloudWatchSim(this);
    this.sfn = new SfnSim(this);
    this.cloudformation = new CloudFormationSim(this);
    this.byPrefix = {
      ec2: this.ec2,
      autoscaling: this.autoscaling,
      elasticloadbalancing: this.elb,
      s3: this.s3,
      events: this.events,
      scheduler: this.scheduler,
      dynamodb: this.dynamodb,
      ssm: this.ssm,
      cloudwatch: this.cloudwatch,
      states: this.sfn,
      cloudformation: this.cloudformation,
    };
  }

  static async create(options: CloudOptions = {}): Promise<EmbeddedCloud> {
    await warmSdk();
    return new EmbeddedCloud(options);
  }

  private connect?: Connect;

  /** Charge latency from now on (undefined: none). The stream restarts from the seed each time. */
  useLatency(model: LatencyModel | undefined): this {
    this.latency = model ? new Latency(this.seed, model) : undefined;
    return this;
  }

  /** Point every SDK client the connector builds at this cloud. */
  wire(connect: Connect): this {
    this.connect = connect;
    connect({
      region: this.region,
      credentials: STATIC_CREDENTIALS,
      middleware: this.middleware,
      ...(this.maxAttempts ? { maxAttempts: this.maxAttempts } : {}),
    });
    return this;
  }

  /** Restore real timers and unwire the clients. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.connect?.({});
    this.clock.uninstall();
    this.restoreAmbient();
  }

  readonly middleware: CallMiddleware = (_next, context) => async (args) =>
    this.dispatch(String(context.clientName), String(context.commandName), withSerializedToken(args));

  /** Answer one SDK call: faults, the simulated operation, the call log. */
  async dispatch(clientName: string, commandName: string, input: unknown): Promise<{ response: unknown; output: unknown }> {
    const info = SERVICES[clientName];
    if (!info) throw new Error(`embedded cloud: no simulator for ${clientName}`);
    const service = info.prefix;
    const operation = commandName.replace(/Command$/, '');
    const caller = currentCaller();
    // The round trip, for the functions' calls (a harness driving the world is not on the clock).
    const ms = caller !== undefined ? (this.latency?.apiMs(service, operation) ?? 0) : 0;
    if (ms > 0) await this.clock.sleep(ms);
    const at = this.clock.now();
    const requestId = this.ids.requestId();
    const record = (outcome: string) =>
      this.log.add({ at, service, operation, input: this.log.keepInputs ? safeClone(input) : undefined, outcome, caller, mutating: isMutating(operation) });
    const fail = (fault: AwsFault) => {
      record(fault.code);
      return toSdkError(info, fault, requestId);
    };

    // Opt-in account rate limits (rate-limits.ts): an empty bucket answers the service's throttling error.
    const limited = this.rateLimits?.take(service, operation, input);
    if (limited) throw fail(limited);
    const hits = this.faults.match(service, operation, input);
    for (const h of hits) if (h.latencyMs) await this.clock.sleep(h.latencyMs);
    const before = hits.find((h) => h.error && h.phase !== 'after');
    if (before) throw fail(new AwsFault(before.error as string, before.message ?? `Injected ${before.error}`, before.status ?? 400));

    const sim = this.byPrefix[service] as Record<string, Operation | undefined>;
    const op = /^[A-Z]/.test(operation) ? sim[operation] : undefined;
    if (typeof op !== 'function') {
      record('NotSimulated');
      throw new Error(`embedded cloud: ${service}:${operation} is not simulated`);
    }
    let result: unknown;
    try {
      result = await op.call(sim, safeClone(input) ?? {});
    } catch (err) {
      if (err instanceof AwsFault) throw fail(err);
      throw err;
    }
    const after = hits.find((h) => h.error && h.phase === 'after');
    if (after) throw fail(new AwsFault(after.error as string, after.message ?? `Injected ${after.error}`, after.status ?? 500));
    record('ok');
    const output = cloneOutput(result);
    output.$metadata = { httpStatusCode: 200, requestId, attempts: 1, totalRetryDelay: 0 };
    return { response: { statusCode: 200, headers: {} }, output };
  }
}

/**
 * The SDK fills idempotency tokens (RunInstances, CreateSchedule …) while serializing, so they
 * appear in the request body but not in `args.input`. Copy the token back, as AWS would see it.
 */
function withSerializedToken(args: { input?: Record<string, unknown>; request?: { body?: unknown } }): unknown {
  const input = args.input ?? {};
  const body = args.request?.body;
  if (input.ClientToken !== undefined || typeof body !== 'string' || !body.includes('ClientToken')) return input;
  let token: string | null | undefined;
  if (body.startsWith('{')) {
    try {
      token = (JSON.parse(body) as { ClientToken?: string }).ClientToken;
    } catch {
      token = undefined;
    }
  } else {
    token = new URLSearchParams(body).get('ClientToken');
  }
  return token ? { ...input, ClientToken: token } : input;
}

function safeClone<T>(value: T): T {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/** Outputs never share objects with simulator state; S3 bodies are streams and pass as they are. */
function cloneOutput(result: unknown): Record<string, unknown> {
  if (result === undefined || result === null) return {};
  const r = result as Record<string, unknown>;
  if ('Body' in r) {
    const { Body, ...rest } = r;
    return { ...structuredClone(rest), Body };
  }
  return structuredClone(r);
}
