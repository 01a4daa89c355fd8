/**
 * HealthGate, polled by the state machine: the new group passes when enough of its instances are
 * InService AND healthy in its target group (`initial`, `draining` and `unused` never count), and
 * no watched alarm fires. The next poll is timed to when health can first change, not a fixed beat.
 */
import { describeGroup, inServiceCount } from '../aws/autoscaling.js';
import { alarmsInAlarm } from '../aws/cloudwatch.js';
import { targetStates } from '../aws/elbv2.js';
import { AlarmTriggered, HealthGateTimedOut } from '../domain/errors.js';
import { countHealthy } from '../domain/health.js';
import type { DeploymentState, GateProgress, Launched } from './state.js';

export async function healthGate(state: DeploymentState): Promise<GateProgress> {
  const launched = state.launched as Launched;
  const group = await describeGroup(launched.serverGroup);
  const inService = group ? inServiceCount(group) : 0;
  const healthy = countHealthy((await targetStates(launched.targetGroupArn)).map((t) => t.state));
  const firing = await alarmsInAlarm(state.config.healthGate.alarmNames);
  if (firing.length > 0) throw new AlarmTriggered(firing);

  const now = Date.now();
  const base = { healthy, inService, required: launched.required };
  if (healthy >= launched.required && inService >= launched.required) return { ...base, status: 'passed', waitSeconds: 0 };
  if (now >= launched.deadline) {
    throw new HealthGateTimedOut(launched.serverGroup, healthy, launched.required, state.config.healthGate.timeoutMinutes);
  }
  const allInServiceAt = state.gate?.allInServiceAt ?? (inService >= launched.desired ? now : undefined);
  return {
    ...base,
    status: 'waiting',
    ...(allInServiceAt === undefined ? {} : { allInServiceAt }),
    waitSeconds: nextPoll(launched, allInServiceAt, now),
  };
}

/**
 * Until every instance is InService, boot time is unknown: look again after one health check
 * interval. Once they are, targets cannot turn healthy before `threshold` checks have passed:
 * sleep until then, and after that poll at half an interval (a target changes only on a check).
 */
export function nextPoll(launched: Launched, allInServiceAt: number | undefined, now: number): number {
  const { intervalSeconds, healthyThreshold } = launched.healthCheck;
  let seconds = intervalSeconds;
  if (allInServiceAt !== undefined) {
    const remaining = Math.ceil((allInServiceAt + intervalSeconds * healthyThreshold * 1000 - now) / 1000);
    seconds = remaining > 0 ? remaining : Math.ceil(intervalSeconds / 2);
  }
  const untilDeadline = Math.ceil((launched.deadline - now) / 1000);
  return Math.max(1, Math.min(seconds, 60, untilDeadline));
}
