/**
 * The health gate and the traffic guard: how many healthy targets a group needs before it may
 * take traffic, and how long to wait before looking again. Times are epoch milliseconds passed
 * in by the caller (the domain never reads a clock).
 */
import { TrafficGuardViolation } from './errors.js';

/** ceil(desired × pct / 100), at least 1 when desired > 0 (a serving group is never empty). */
export function requiredHealthy(desired: number, minHealthyPercent: number): number {
  if (!Number.isInteger(desired) || desired < 0) throw new RangeError(`desired capacity must be a non-negative integer, got ${desired}`);
  if (!Number.isInteger(minHealthyPercent) || minHealthyPercent < 1 || minHealthyPercent > 100)
    throw new RangeError(`minHealthyPercent must be an integer 1-100, got ${minHealthyPercent}`);
  if (desired === 0) return 0;
  // Integer arithmetic: no floating-point surprise at exact multiples of 100.
  return Math.max(1, Math.floor((desired * minHealthyPercent + 99) / 100));
}

/**
 * Healthy targets among ELBv2 target states. Only `healthy` counts: `initial` has not passed a
 * check yet, `draining`/`unused` take no new requests, `unhealthy`/`unavailable` fail.
 */
export function countHealthy(states: readonly string[]): number {
  return states.filter((s) => s === 'healthy').length;
}

/** Bounds of the adaptive poll interval, seconds. */
export const MIN_POLL_SECONDS = 1;
export const MAX_POLL_SECONDS = 60;
/** Poll intervals without an estimate: instances still booting vs. only health checks pending. */
export const BOOTING_POLL_SECONDS = 15;
export const CHECKING_POLL_SECONDS = 5;

export interface GateInput {
  /** Desired capacity of the new group. */
  desired: number;
  /** Instances of the group InService in Auto Scaling. */
  inService: number;
  /** Targets `healthy` in the group's target group. */
  healthy: number;
  minHealthyPercent: number;
  /** Names of watched alarms currently in ALARM. */
  alarmsInAlarm: readonly string[];
  now: number;
  deadline: number;
  /** When the remaining targets are expected to be healthy (e.g. launch time + boot + checks). */
  expectedReadyAt?: number;
}

export interface GateVerdict {
  status: 'passed' | 'waiting' | 'failed';
  reason: string;
  /** Seconds until the next look (1–60; 0 when not waiting). */
  waitSeconds: number;
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/**
 * One look at the new group. Alarms fail at once; enough healthy targets (and as many InService
 * instances) pass; past the deadline fails; otherwise wait. The wait adapts: the time left until
 * `expectedReadyAt` when known, else longer while instances boot than while only health checks
 * are pending, and never past the deadline — so the gate reacts quickly without busy polling.
 */
export function gateVerdict(input: GateInput): GateVerdict {
  const { desired, inService, healthy, minHealthyPercent, alarmsInAlarm, now, deadline, expectedReadyAt } = input;
  if (alarmsInAlarm.length > 0) return { status: 'failed', reason: `alarms in ALARM: ${alarmsInAlarm.join(', ')}`, waitSeconds: 0 };
  // A group with no desired capacity can never be healthy enough to serve.
  if (desired <= 0) return { status: 'failed', reason: 'desired capacity is 0', waitSeconds: 0 };
  const required = requiredHealthy(desired, minHealthyPercent);
  const counts = `${healthy}/${required} healthy, ${inService}/${required} in service`;
  if (healthy >= required && inService >= required) return { status: 'passed', reason: counts, waitSeconds: 0 };
  if (now >= deadline) return { status: 'failed', reason: `health gate timed out: ${counts}`, waitSeconds: 0 };
  let wait: number;
  if (expectedReadyAt !== undefined && expectedReadyAt > now) wait = Math.ceil((expectedReadyAt - now) / 1000);
  else wait = inService >= required ? CHECKING_POLL_SECONDS : BOOTING_POLL_SECONDS;
  const untilDeadline = Math.ceil((deadline - now) / 1000);
  return { status: 'waiting', reason: counts, waitSeconds: clamp(Math.min(wait, untilDeadline), MIN_POLL_SECONDS, MAX_POLL_SECONDS) };
}

/**
 * Invariant 1, checked right before every listener change: a target group about to get weight
 * > 0 must hold at least requiredHealthy(desired, pct) healthy targets. Throws
 * TrafficGuardViolation otherwise; a group with no desired capacity never qualifies.
 */
export function assertTrafficGuard(args: { targetGroup: string; desired: number; healthy: number; minHealthyPercent: number }): void {
  const required = Math.max(1, requiredHealthy(args.desired, args.minHealthyPercent));
  if (args.healthy < required) throw new TrafficGuardViolation(args.targetGroup, args.healthy, required);
}
