/**
 * The in-process Lambda service: runs the `functions/*` handlers with a Lambda-shaped context,
 * records every invocation, tags every AWS call they make with the calling function, and turns
 * thrown errors into what Step Functions sees from a real Lambda (error name = `errorType`, cause
 * = the JSON error payload). It can also kill a function right after its side effects.
 */
import type { Context } from 'aws-lambda';
import { runAsCaller } from './caller.js';
import type { SimContext } from './context.js';

export type LambdaHandler = (event: any, context: Context) => Promise<unknown>;

export interface Invocation {
  function: string;
  at: number;
  outcome: string;
  killed?: boolean;
  /** Ran in a new execution environment (a cold start). */
  cold?: boolean;
}

/** An execution environment of one function: busy while it runs an invocation. */
interface Environment {
  busy: boolean;
  idleSince: number;
}

export interface KillFault {
  /** Serverless function key, e.g. `launchGroup`. Any function when omitted. */
  function?: string;
  /** How many invocations to kill (default 1). */
  times?: number;
  /** Skip this many matching invocations first. */
  skip?: number;
  /** What Step Functions sees (default `Sandbox.Timedout`, as for a function that ran out of time). */
  error?: string;
}

/** An error as Step Functions receives it from a failed Lambda invocation. */
export class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

export class LambdaRuntime {
  readonly invocations: Invocation[] = [];
  readonly stage = 'local';
  readonly service = 'redblack';
  private readonly handlers = new Map<string, LambdaHandler>();
  private kills: { fault: KillFault; seen: number; hits: number }[] = [];
  private requests = 0;
  private readonly environments = new Map<string, Environment[]>();

  constructor(private readonly ctx: SimContext) {}

  register(key: string, handler: LambdaHandler): void {
    this.handlers.set(key, handler);
  }

  has(key: string): boolean {
    return this.handlers.has(key);
  }

  functionName(key: string): string {
    return `${this.service}-${this.stage}-${key}`;
  }

  functionArn(key: string): string {
    return this.ctx.ids.arn('lambda', `function:${this.functionName(key)}`);
  }

  /** The function key from an ARN or a function name; undefined if it is not one of ours. */
  keyOf(arnOrName: string): string | undefined {
    const name = arnOrName.startsWith('arn:') ? arnOrName.split(':')[6] : arnOrName;
    const prefix = `${this.service}-${this.stage}-`;
    if (!name?.startsWith(prefix)) return undefined;
    const key = name.slice(prefix.length);
    return this.handlers.has(key) ? key : undefined;
  }

  killAfterSideEffects(fault: KillFault = {}): void {
    this.kills.push({ fault, seen: 0, hits: 0 });
  }

  clearFaults(): void {
    this.kills = [];
  }

  count(key?: string): number {
    return key === undefined ? this.invocations.length : this.invocations.filter((i) => i.function === key).length;
  }

  async invoke(keyOrArn: string, event: unknown): Promise<unknown> {
    const key = this.handlers.has(keyOrArn) ? keyOrArn : this.keyOf(keyOrArn);
    const handler = key === undefined ? undefined : this.handlers.get(key);
    if (key === undefined || !handler) throw new LambdaFunctionError('ResourceNotFoundException', `Function not found: ${keyOrArn}`);
    const record: Invocation = { function: key, at: this.ctx.clock.now(), outcome: 'ok' };
    this.invocations.push(record);
    const env = this.environment(key);
    record.cold = env.cold;
    const latency = this.ctx.latency;
    if (latency) await this.ctx.clock.sleep(env.cold ? latency.coldStartMs(key) : latency.model.lambda.warmMs);
    const context = this.context(key);
    let result: unknown;
    try {
      // A JSON round trip: a real invocation never shares objects with its caller.
      result = await runAsCaller(key, () => handler(JSON.parse(JSON.stringify(event ?? null)), context));
    } catch (err) {
      const e = err as Error;
      record.outcome = e.name || 'Error';
      throw new LambdaFunctionError(e.name || 'Error', e.message);
    } finally {
      env.release();
    }
    const kill = this.matchKill(key);
    if (kill) {
      record.outcome = kill.error ?? 'Sandbox.Timedout';
      record.killed = true;
      throw new LambdaFunctionError(record.outcome, 'Task timed out (killed by the embedded cloud after its side effects)');
    }
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  }

  /** A free environment idle for less than the keep-warm time, or a new one (cold). */
  private environment(key: string): { cold: boolean; release: () => void } {
    const now = this.ctx.clock.now();
    const keepMs = (this.ctx.latency?.model.lambda.keepWarmMinutes ?? 15) * 60_000;
    const list = (this.environments.get(key) ?? []).filter((e) => e.busy || now - e.idleSince < keepMs);
    this.environments.set(key, list);
    let env = list.find((e) => !e.busy);
    const cold = env === undefined;
    if (!env) list.push((env = { busy: true, idleSince: now }));
    env.busy = true;
    const taken = env;
    return {
      cold,
      release: () => {
        taken.busy = false;
        taken.idleSince = this.ctx.clock.now();
      },
    };
  }

  private matchKill(key: string): KillFault | undefined {
    for (const k of this.kills) {
      if (k.fault.function !== undefined && k.fault.function !== key) continue;
      if (k.hits >= (k.fault.times ?? 1)) continue;
      k.seen++;
      if (k.seen <= (k.fault.skip ?? 0)) continue;
      k.hits++;
      return k.fault;
    }
    return undefined;
  }

  private context(key: string): Context {
    const started = this.ctx.clock.now();
    const name = this.functionName(key);
    this.requests++;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: this.functionArn(key),
      memoryLimitInMB: '256',
      awsRequestId: `lambda-${this.requests.toString(16).padStart(8, '0')}`,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'embedded',
      getRemainingTimeInMillis: () => Math.max(0, 60_000 - (this.ctx.clock.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}
