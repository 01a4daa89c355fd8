/**
 * Which server groups teardown may delete. Invariant 7: never a group that serves traffic, never
 * the cluster's only healthy group. Retention: keep `maxRemaining` groups counting the serving
 * one(s); the other kept slots go to previous releases (rollback targets), newest first. Groups
 * newer than every serving group are leftovers of failed deployments (kept for inspection until
 * the next sweep, docs/design.md): never rollback targets, they take no slot and always go.
 */
import { TeardownRefused } from './errors.js';

export interface GroupState {
  name: string;
  sequence: number;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Forwarded to with weight > 0 by the cluster's listener or rule. */
  serving: boolean;
  /** Healthy targets in the group's target group. */
  healthy: number;
}

export interface SweepArgs<T extends GroupState> {
  groups: readonly T[];
  /** Groups to keep, counting serving ones (teardown.maxRemainingGroups). */
  maxRemaining: number;
  /** Never deleted and not counted, e.g. the group of a deployment still in progress. */
  protect?: readonly string[];
}

/** Newest first; ties by sequence then name so the order is total and deterministic. */
function newestFirst(a: GroupState, b: GroupState): number {
  return b.createdAt - a.createdAt || b.sequence - a.sequence || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The groups a sweep deletes, oldest first. */
export function selectForSweep<T extends GroupState>(args: SweepArgs<T>): T[] {
  const { groups, maxRemaining } = args;
  if (!Number.isInteger(maxRemaining) || maxRemaining < 1) throw new RangeError(`maxRemaining must be an integer ≥ 1, got ${maxRemaining}`);
  const protect = new Set(args.protect ?? []);
  const serving = groups.filter((g) => g.serving);
  const keep = new Set<T>([...serving, ...groups.filter((g) => protect.has(g.name))]);
  const newestServing = serving.length > 0 ? Math.max(...serving.map((g) => g.createdAt)) : Infinity;
  const isLeftover = (g: T): boolean => g.createdAt > newestServing;
  const ranked = groups.filter((g) => !keep.has(g)).sort(newestFirst);
  let slots = maxRemaining - serving.length;
  const doomed: T[] = [];
  for (const g of ranked) {
    if (slots > 0 && !isLeftover(g)) {
      keep.add(g);
      slots--;
    } else doomed.push(g);
  }
  // Whatever the retention says, the last healthy group stays.
  if (![...keep].some((g) => g.healthy > 0)) {
    const rescue = doomed.filter((g) => g.healthy > 0).sort(newestFirst)[0];
    if (rescue) doomed.splice(doomed.indexOf(rescue), 1);
  }
  return doomed.sort((a, b) => newestFirst(b, a));
}

export type TeardownVerdict = { ok: true } | { ok: false; reason: string };

/**
 * May `group` be deleted now? `groups` is the cluster as it is now (it may or may not include
 * `group` itself). Used by the one-shot teardown, which must re-check because traffic may have
 * moved back to the old group (a rollback) since the schedule was made.
 */
export function canTearDown(group: GroupState, ctx: { groups: readonly GroupState[] }): TeardownVerdict {
  if (group.serving) return { ok: false, reason: 'it serves traffic' };
  const current = ctx.groups.find((g) => g.name === group.name);
  if (current?.serving) return { ok: false, reason: 'it serves traffic' };
  const othersHealthy = ctx.groups.some((g) => g.name !== group.name && g.healthy > 0);
  if ((current ?? group).healthy > 0 && !othersHealthy) return { ok: false, reason: "it is the cluster's only healthy group" };
  return { ok: true };
}

/** canTearDown, throwing TeardownRefused when the answer is no. */
export function assertCanTearDown(group: GroupState, ctx: { groups: readonly GroupState[] }): void {
  const verdict = canTearDown(group, ctx);
  if (!verdict.ok) throw new TeardownRefused(group.name, verdict.reason);
}
