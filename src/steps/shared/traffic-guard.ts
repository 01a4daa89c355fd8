/**
 * The traffic guard as every listener change applies it: the group's desired capacity as Auto
 * Scaling reports it now and its target group's healthy targets as the ALB reports them now,
 * judged by the one rule of domain/health.ts `assertTrafficGuard`.
 */
import { describeGroup } from '../../aws/autoscaling.js';
import { targetStates } from '../../aws/elbv2.js';
import { assertTrafficGuard, countHealthy, requiredHealthy } from '../../domain/health.js';

export const healthyTargets = async (targetGroupArn: string): Promise<number> => countHealthy((await targetStates(targetGroupArn)).map((t) => t.state));

/** The pure rule, named for a server group. */
export function guardTraffic(args: { serverGroup: string; desired: number; healthy: number; minHealthyPercent: number }): void {
  assertTrafficGuard({ targetGroup: args.serverGroup, desired: args.desired, healthy: args.healthy, minHealthyPercent: args.minHealthyPercent });
}

/**
 * Reads the group and its targets and throws TrafficGuardViolation unless the group may take
 * traffic now. A group that is gone counts as desired capacity 0. Returns what it saw.
 */
export async function assertMayServe(args: { serverGroup: string; targetGroupArn: string; minHealthyPercent: number }): Promise<{ healthy: number; required: number }> {
  const group = await describeGroup(args.serverGroup);
  const healthy = await healthyTargets(args.targetGroupArn);
  const desired = group?.DesiredCapacity ?? 0;
  guardTraffic({ serverGroup: args.serverGroup, desired, healthy, minHealthyPercent: args.minHealthyPercent });
  return { healthy, required: Math.max(1, requiredHealthy(desired, args.minHealthyPercent)) };
}
