import type { ClusterConfig } from './config.js';

/** Extra time the lock is held beyond the longest legal run, so a slow step never loses it. */
const LEASE_MARGIN_SECONDS = 30 * 60;

/** The longest a deployment may legally run, plus a margin: an execution that dies frees the lock after this. */
export function leaseFor(config: ClusterConfig): number {
  const bake = (config.bake?.timeoutMinutes ?? 0) * 60;
  const gate = config.healthGate.timeoutMinutes * 60;
  const traffic = config.traffic.waitSeconds * Math.max(0, config.traffic.steps.length - 1);
  // A marginal canary extends each step once; each approval may wait its whole timeout.
  const extensions = config.canary ? (config.canary.extendMinutes ?? 5) * 60 * Math.max(0, config.traffic.steps.length - 1) : 0;
  const approvals = config.approval ? (config.approval.timeoutMinutes ?? 60) * 60 * (config.approval.beforeSteps ?? [100]).length : 0;
  return bake + gate + traffic + extensions + approvals + LEASE_MARGIN_SECONDS;
}
