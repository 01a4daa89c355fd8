import type { ClusterConfig } from './config.js';

/** Extra time the lock is held beyond the longest legal run, so a slow step never loses it. */
const LEASE_MARGIN_SECONDS = 30 * 60;

/** The longest a deployment may legally run, plus a margin: an execution that dies frees the lock after this. */
export function leaseFor(config: ClusterConfig): number {
  const bake = (config.bake?.timeoutMinutes ?? 0) * 60;
  const gate = config.healthGate.timeoutMinutes * 60;
  const traffic = config.traffic.waitSeconds * Math.max(0, config.traffic.steps.length - 1);
  return bake + gate + traffic + LEASE_MARGIN_SECONDS;
}
