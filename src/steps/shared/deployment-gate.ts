/**
 * May a deployment start now? The cluster's deployment windows and the account-wide change
 * freeze (the SSM parameter REDBLACK_FREEZE_PARAMETER, default /redblack/freeze). Only new
 * deployments and their traffic steps ask: rollbacks, aborts and recoveries never do.
 */
import { getParameter } from '../../aws/ssm.js';
import type { ClusterConfig } from '../../domain/config.js';
import { ChangeFreeze, OutsideDeploymentWindow } from '../../domain/errors.js';
import { activeFreeze, type Freeze, insideWindows, nextOpening } from '../../domain/windows.js';
import { setting } from '../../env.js';

/** Longest `waitForWindow` wait: a deployment (the state machine) runs at most 6 hours. */
export const MAX_WINDOW_WAIT_MS = 5 * 3600_000;

/** ISO 8601 without milliseconds, as a Wait state's timestamp. */
export const waitTimestamp = (t: number): string => new Date(Math.ceil(t / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export type Gate = { open: true } | { open: false; error: OutsideDeploymentWindow | ChangeFreeze; opensAt?: number };

/** The change freeze in force now, if any. */
export async function freezeInForce(now: number): Promise<Freeze | undefined> {
  const name = setting('freezeParameter');
  return activeFreeze(await getParameter(name), now, name);
}

export const freezeError = (f: Freeze): ChangeFreeze => new ChangeFreeze(f.reason, f.until === undefined ? undefined : waitTimestamp(f.until));

export async function deploymentGate(cluster: string, config: ClusterConfig, now: number): Promise<Gate> {
  const freeze = await freezeInForce(now);
  if (freeze) {
    // After the freeze the windows still decide; an unreadable freeze has no end to wait for.
    const opensAt = freeze.until === undefined ? undefined : nextOpening(config.windows, freeze.until);
    return { open: false, error: freezeError(freeze), ...(opensAt === undefined ? {} : { opensAt }) };
  }
  if (insideWindows(config.windows, now)) return { open: true };
  const opensAt = nextOpening(config.windows, now);
  return { open: false, error: new OutsideDeploymentWindow(cluster, opensAt === undefined ? undefined : waitTimestamp(opensAt)), ...(opensAt === undefined ? {} : { opensAt }) };
}
