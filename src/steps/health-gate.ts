/**
 * HealthGate, polled by the state machine: the new group passes when enough of its instances are
 * InService AND healthy in its target group (`initial`, `draining` and `unused` never count), and
 * no watched alarm fires — and with a fresh canary baseline, the baseline group too, by the same
 * rule. The decision and the next poll are `gateVerdict`'s: timed to when health can first change
 * (physics), then tight looks that slow down the longer the group is overdue.
 */
import { describeGroup, inServiceCount } from '../aws/autoscaling.js';
import { alarmsInAlarm } from '../aws/cloudwatch.js';
import { targetStates } from '../aws/elbv2.js';
import { AlarmTriggered, HealthGateTimedOut, TrafficGuardViolation } from '../domain/errors.js';
import { countHealthy, gateVerdict, type GateVerdict } from '../domain/health.js';
import { count, METRIC } from '../lambda/metrics.js';
import { reportProgress } from './shared/observe.js';
import { LAUNCHED, PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, GateProgress, Launched, LaunchedBaseline } from './shared/state.js';

export async function healthGate(state: DeploymentState): Promise<GateProgress> {
  requireState(state, PLANNED, LAUNCHED);
  const launched = state.launched as Launched;
  const group = await describeGroup(launched.serverGroup);
  const inService = group ? inServiceCount(group) : 0;
  const healthy = countHealthy((await targetStates(launched.targetGroupArn)).map((t) => t.state));
  const firing = await alarmsInAlarm(state.config.healthGate.alarmNames);

  const { healthGate: gate } = state.config;
  const now = Date.now();
  const look = (g: { desired: number; inService: number; healthy: number }) =>
    gateVerdict({
      ...g,
      minHealthyPercent: gate.minHealthyPercent,
      alarmsInAlarm: firing,
      now,
      deadline: launched.deadline,
      // LaunchGroup set the deadline `timeoutMinutes` after it created the group.
      since: launched.deadline - gate.timeoutMinutes * 60_000,
      healthCheck: launched.healthCheck,
      ...(state.gate?.readyNotBefore === undefined ? {} : { readyNotBefore: state.gate.readyNotBefore }),
    });
  const canary = look({ desired: launched.desired, inService, healthy });
  failOn(canary, launched.serverGroup, healthy, launched.required, gate.timeoutMinutes, firing);
  // A fresh baseline must pass by the same rule before either takes traffic: a comparison with a
  // baseline still warming up would be biased.
  const baseline = launched.baseline ? await lookAtBaseline(launched.baseline, look) : undefined;
  if (baseline && launched.baseline) failOn(baseline.verdict, launched.baseline.serverGroup, baseline.healthy, launched.baseline.required, gate.timeoutMinutes, firing);
  const verdict = canary.status === 'passed' && baseline?.verdict.status === 'waiting' ? baseline.verdict : canary;
  const base = { healthy, inService, required: launched.required };
  if (verdict.status === 'passed') {
    const since = launched.deadline - gate.timeoutMinutes * 60_000;
    count(state.cluster, METRIC.gateWait, Math.max(0, Math.round((Date.now() - since) / 1000)));
    const warning = await reportProgress({
      cluster: state.cluster,
      deployment: state.deployment,
      release: state.release,
      phase: 'healthy',
      weights: state.live ? { [state.live.serverGroup]: 100, [launched.serverGroup]: 0, ...(launched.baseline ? { [launched.baseline.serverGroup]: 0 } : {}) } : { [launched.serverGroup]: 0 },
      healthy,
      required: launched.required,
    });
    return { ...base, status: 'passed', waitSeconds: 0, ...(warning ? { warnings: [warning] } : {}) };
  }
  return { ...base, status: 'waiting', readyNotBefore: verdict.readyNotBefore as number, waitSeconds: verdict.waitSeconds };
}

function failOn(verdict: GateVerdict, serverGroup: string, healthy: number, required: number, timeoutMinutes: number, firing: string[]): void {
  if (verdict.failure === 'alarm') throw new AlarmTriggered(firing);
  if (verdict.failure === 'timeout') throw new HealthGateTimedOut(serverGroup, healthy, required, timeoutMinutes);
  if (verdict.failure === 'empty') throw new TrafficGuardViolation(serverGroup, healthy, 1);
}

async function lookAtBaseline(
  baseline: LaunchedBaseline,
  look: (g: { desired: number; inService: number; healthy: number }) => GateVerdict,
): Promise<{ verdict: GateVerdict; healthy: number }> {
  const group = await describeGroup(baseline.serverGroup);
  const healthy = countHealthy((await targetStates(baseline.targetGroupArn)).map((t) => t.state));
  return { verdict: look({ desired: baseline.desired, inService: group ? inServiceCount(group) : 0, healthy }), healthy };
}
