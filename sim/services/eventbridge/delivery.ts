/**
 * Handing an event to a target the way EventBridge, Scheduler and S3 notifications do: Lambda is
 * invoked asynchronously (Lambda itself retries a failed function twice, after 1 and 2 minutes),
 * a Step Functions target gets a new execution. Failures to hand over are retried with back-off
 * within the target's retry policy, then recorded (as a dead-letter queue would keep them).
 */
import { AwsFault } from '../../aws-fault.js';
import type { Cancel } from '../../clock.js';
import type { SimContext } from '../../context.js';

export interface RetryLimits {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
}

/** EventBridge and Scheduler defaults: 185 attempts within 24 hours. */
export const DEFAULT_RETRY: RetryLimits = { maximumRetryAttempts: 185, maximumEventAgeSeconds: 86_400 };

export interface DeliveryError {
  at: number;
  /** Who delivered: `rule/<name>`, `schedule/<group>/<name>`, `s3/<bucket>`. */
  source: string;
  target: string;
  error: string;
}

/** Lambda's asynchronous invocation retries a failed function twice: after 1 and after 2 minutes. */
const LAMBDA_RETRY_DELAYS_MS = [60_000, 120_000];
const MAX_BACKOFF_MS = 300_000;

export function targetKind(arn: string): 'lambda' | 'states' | 'other' {
  if (/^arn:aws[a-z-]*:lambda:[^:]*:\d{12}:function:/.test(arn)) return 'lambda';
  if (/^arn:aws[a-z-]*:states:[^:]*:\d{12}:stateMachine:/.test(arn)) return 'states';
  return 'other';
}

/** Deliver `payload` to `arn` now. Never throws for AWS-level failures; records them in `errors`. */
export function deliver(
  ctx: SimContext,
  arn: string,
  payload: unknown,
  options: { source: string; errors: DeliveryError[]; retry?: RetryLimits },
): void {
  const firstAt = ctx.clock.now();
  const retry = options.retry ?? DEFAULT_RETRY;
  const record = (error: string): void => void options.errors.push({ at: ctx.clock.now(), source: options.source, target: arn, error });

  const attempt = (n: number): void => {
    const kind = targetKind(arn);
    if (kind === 'lambda') {
      // The Invoke call itself fails only when the function does not exist (not retryable).
      if (ctx.lambda.keyOf(arn) === undefined) return record('ResourceNotFoundException: Function not found');
      invokeAsync(ctx, arn, payload, 0, record);
      return;
    }
    if (kind === 'states') {
      try {
        const started = ctx.sfn.startExecution({ stateMachineArn: arn, input: JSON.stringify(payload ?? {}) }) as unknown;
        if (started && typeof (started as Promise<unknown>).then === 'function') {
          (started as Promise<unknown>).catch((err: unknown) => onFault(err, n));
        }
      } catch (err) {
        onFault(err, n);
      }
      return;
    }
    record(`UnsupportedTarget: the embedded cloud does not deliver to ${arn}`);
  };

  const onFault = (err: unknown, n: number): void => {
    if (!(err instanceof AwsFault)) throw err;
    const retryable = err.status >= 500 || /Throttl/.test(err.code);
    const delay = Math.min(1000 * 2 ** n, MAX_BACKOFF_MS);
    const tooOld = ctx.clock.now() + delay - firstAt > retry.maximumEventAgeSeconds * 1000;
    if (retryable && n < retry.maximumRetryAttempts && !tooOld) {
      ctx.clock.after(delay, () => attempt(n + 1));
      return;
    }
    record(`${err.code}: ${err.message}`);
  };

  attempt(0);
}

function invokeAsync(ctx: SimContext, arn: string, payload: unknown, n: number, record: (e: string) => void): void {
  ctx.lambda.invoke(arn, payload).catch((err: unknown) => {
    const delay = LAMBDA_RETRY_DELAYS_MS[n];
    if (delay === undefined) {
      record(`${(err as Error).name}: ${(err as Error).message}`);
      return;
    }
    ctx.clock.after(delay, () => invokeAsync(ctx, arn, payload, n + 1, record));
  });
}

/**
 * EventBridge `InputPath`: a JSONPath selecting part of the event (`$`, `$.a.b`, `$.a[0]`,
 * `$['a']`). A path that selects nothing yields no input (an empty event).
 */
export function selectPath(event: unknown, path: string): unknown {
  if (!/^\$((\.[A-Za-z0-9_-]+)|(\[\d+\])|(\['[^']*'\]))*$/.test(path)) return undefined;
  let cur: unknown = event;
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\['([^']*)'\]/g;
  for (const m of path.slice(1).matchAll(re)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    const k = m[1] ?? m[3] ?? Number(m[2]);
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

/** EventBridge/Scheduler timestamps: ISO-8601 to the second. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * `ctx.clock.at` for far-away times: fake timers (like Node) treat a delay above 2^31-1 ms
 * (24.8 days) as 1 ms, so times further out are reached in hops of at most 20 days.
 */
export function clockAt(ctx: SimContext, at: number, fn: () => void): Cancel {
  let current: Cancel | undefined;
  let cancelled = false;
  const hop = () => {
    if (cancelled) return;
    current = at - ctx.clock.now() > MAX_HOP_MS ? ctx.clock.after(MAX_HOP_MS, hop) : ctx.clock.at(at, fn);
  };
  hop();
  return {
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}

const MAX_HOP_MS = 20 * 86_400_000;
