/**
 * The health gate and the traffic guard: how many healthy targets a group needs before it may
 * take traffic, and how long to wait before looking again. Times are epoch milliseconds passed
 * in by the caller (the domain never reads a clock).
 */
import { TrafficGuardViolation } from './errors.js';
import { GATE_SHARES, pollSeconds } from './poll.js';

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
  /** When the group was created (the gate's phase start); default `now`. */
  since?: number;
  /** The target group's health check: no target turns healthy sooner than interval × threshold after it registers. */
  healthCheck?: { intervalSeconds: number; healthyThreshold: number };
  /** The earliest moment the group can pass, as the previous look worked it out. */
  readyNotBefore?: number;
}

export interface GateVerdict {
  status: 'passed' | 'waiting' | 'failed';
  /** Why it failed: a watched alarm, the deadline, or a group with nothing to serve with. */
  failure?: 'alarm' | 'timeout' | 'empty';
  reason: string;
  /** Seconds until the next look (≥ 1 while waiting; 0 otherwise), from `pollSeconds`. */
  waitSeconds: number;
  /** While waiting: the earliest moment the group can pass, for the next look. */
  readyNotBefore?: number;
}

/**
 * One look at the new group. Alarms fail at once; enough healthy targets (and as many InService
 * instances) pass; past the deadline fails; otherwise wait. The wait is physics, not a beat:
 * an instance not yet InService registers no sooner than now, and a target passes only after
 * interval × threshold of checks — so the gate sleeps until then, then looks tightly, slower the
 * longer the group is overdue (domain/poll.ts).
 */
export function gateVerdict(input: GateInput): GateVerdict {
  const { desired, inService, healthy, minHealthyPercent, alarmsInAlarm, now, deadline } = input;
  if (alarmsInAlarm.length > 0) return { status: 'failed', failure: 'alarm', reason: `alarms in ALARM: ${alarmsInAlarm.join(', ')}`, waitSeconds: 0 };
  // A group with no desired capacity can never be healthy enough to serve.
  if (desired <= 0) return { status: 'failed', failure: 'empty', reason: 'desired capacity is 0', waitSeconds: 0 };
  const required = requiredHealthy(desired, minHealthyPercent);
  const counts = `${healthy}/${required} healthy, ${inService}/${required} in service`;
  if (healthy >= required && inService >= required) return { status: 'passed', reason: counts, waitSeconds: 0 };
  if (now >= deadline) return { status: 'failed', failure: 'timeout', reason: `health gate timed out: ${counts}`, waitSeconds: 0 };
  const since = input.since ?? now;
  const interval = input.healthCheck?.intervalSeconds ?? 0;
  const check = interval * (input.healthCheck?.healthyThreshold ?? 0) * 1000;
  const firstPossible = since + check;
  const readyNotBefore = Math.max(input.readyNotBefore ?? firstPossible, inService < required ? now + check : 0);
  const waitSeconds = pollSeconds({ now, since, expectedAt: readyNotBefore, lateAfter: firstPossible, deadline, shares: GATE_SHARES });
  return { status: 'waiting', reason: counts, waitSeconds, readyNotBefore };
}

/**
 * Invariant 1, the one traffic guard, checked right before every listener change (deploy steps,
 * rollbacks, manual rollbacks, recovery): a group about to get weight > 0 must have desired
 * capacity above 0 and at least max(1, requiredHealthy(desired, pct)) healthy targets. Throws
 * TrafficGuardViolation otherwise: a group scaled to 0 never qualifies, even while its last
 * targets still answer health checks.
 */
export function assertTrafficGuard(args: { targetGroup: string; desired: number; healthy: number; minHealthyPercent: number }): void {
  const required = Math.max(1, requiredHealthy(Math.max(0, args.desired), args.minHealthyPercent));
  if (args.desired <= 0) throw new TrafficGuardViolation(args.targetGroup, args.healthy, required, 'its desired capacity is 0');
  if (args.healthy < required) throw new TrafficGuardViolation(args.targetGroup, args.healthy, required);
}
