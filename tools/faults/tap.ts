/**
 * Taps on the embedded cloud's operations: the fault runner watches what the pipeline asks of AWS
 * (with the inputs, which the call log drops to stay small) without changing any answer. A tap
 * wraps the simulator's method on that one cloud instance; the router calls it like the original.
 */
import type { EmbeddedCloud } from '../../sim/cloud.js';
import { currentCaller } from '../../sim/caller.js';

export interface TapCall {
  /** The Lambda function making the call; taps ignore calls made outside the pipeline. */
  caller: string;
  input: any;
}

export interface Tap {
  /** Runs just before the operation (it may still fail validation). */
  before?: (call: TapCall) => void;
  /** Runs when the operation took effect, with its output (even if a fault then loses the response). */
  after?: (call: TapCall, output: any) => void;
}

type Service = 'ec2' | 'autoscaling' | 'elb' | 'scheduler' | 'sfn';

export function tap(cloud: EmbeddedCloud, service: Service, operation: string, t: Tap): void {
  const sim = cloud[service] as unknown as Record<string, (input: unknown) => unknown>;
  const original = sim[operation];
  if (typeof original !== 'function') throw new Error(`tap: ${service} has no operation ${operation}`);
  sim[operation] = (input: unknown) => {
    const caller = currentCaller();
    if (caller === undefined) return original.call(sim, input);
    const call = { caller, input };
    t.before?.(call);
    const result = original.call(sim, input);
    if (!t.after) return result;
    if (result instanceof Promise) return result.then((out: unknown) => (t.after?.(call, out), out));
    t.after(call, result);
    return result;
  };
}
