/**
 * SwapTargetGroup: one traffic step. Just before the change it checks that the listener still
 * reads as this deployment left it (else someone else changed it), that no watched alarm fires,
 * and that the new group holds enough healthy targets (the traffic guard); after the change it
 * reads the listener back. At 100% the old target group stays in the forward action with weight
 * 0: its targets keep being health-checked, so a rollback is one instant flip. While a step's wait
 * runs, an invocation only looks at the watched alarms (one per `WATCH_SECONDS`, domain/poll.ts);
 * with a canary judge, JudgeCanary looks before each of these slices and may extend the step once.
 * A fresh canary baseline gets the new group's weight out of the old group's share at each step
 * (guarded the same way) and leaves the forward action at 100%.
 */
import { alarmsInAlarm } from '../aws/cloudwatch.js';
import { readSwapPoint, writeSwapPoint } from '../aws/elbv2.js';
import { approvalDefaults, approvalRequest, needsApproval } from '../domain/approval.js';
import { AlarmTriggered, ListenerDrifted } from '../domain/errors.js';
import { watchSeconds } from '../domain/poll.js';
import { forwardWeights } from '../domain/traffic.js';
import { freezeError, freezeInForce } from './shared/deployment-gate.js';
import { forwardSignature, sameActions, withForward, type WeightedTarget } from './shared/forward.js';
import { reportProgress } from './shared/observe.js';
import { LAUNCHED, PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, Launched, TrafficProgress } from './shared/state.js';
import { assertMayServe } from './shared/traffic-guard.js';

export async function swapTargetGroup(state: DeploymentState): Promise<TrafficProgress> {
  requireState(state, PLANNED, LAUNCHED);
  const launched = state.launched as Launched;
  const { steps, waitSeconds } = state.config.traffic;
  const watched = [...new Set([...state.config.traffic.alarmNames, ...state.config.healthGate.alarmNames])];
  const now = Date.now();
  const current = state.traffic;
  // The judge looks once a slice, so a judged step is sliced even without alarms.
  const watching = watched.length > 0 || state.config.canary !== undefined;
  const extended = state.judgment?.extended;
  const holdUntil = current && extended?.stepIndex === current.stepIndex ? Math.max(extended.until, current.stepEndsAt ?? 0) : current?.stepEndsAt;
  if (current && !current.done && holdUntil !== undefined && now < holdUntil) {
    // Mid-wait: the step holds and only the alarms are watched, so one that fires rolls the
    // deployment back within a watch slice rather than at the next step.
    const firing = await alarmsInAlarm(watched);
    if (firing.length > 0) throw new AlarmTriggered(firing);
    return { ...current, waitSeconds: watchSeconds(holdUntil, now, watching) };
  }
  const stepIndex = state.traffic ? state.traffic.stepIndex + 1 : 0;
  const step = steps[stepIndex] as number;
  if (state.config.approval && needsApproval(state.config.approval, stepIndex, step, state.approval)) {
    // A person decides first: the listener stays as it is (before the first step: as staged).
    const { approval: _previous, ...held } = current ?? {
      stepIndex: -1,
      step: 0,
      weights: { [launched.serverGroup]: 0, ...(state.live ? { [state.live.serverGroup]: 100 } : {}), ...(launched.baseline ? { [launched.baseline.serverGroup]: 0 } : {}) },
      actions: launched.staged,
      done: false,
    };
    return { ...held, waitSeconds: 0, approval: approvalRequest(stepIndex, step, approvalDefaults(state.config.approval).timeoutMinutes * 60, now) };
  }
  const { newWeight, oldWeight, baselineWeight } = forwardWeights(step, launched.baseline !== undefined);
  const targets: WeightedTarget[] = [{ arn: launched.targetGroupArn, weight: newWeight }];
  const weights: Record<string, number> = { [launched.serverGroup]: newWeight };
  if (state.live) {
    targets.push({ arn: state.live.targetGroupArn, weight: oldWeight });
    weights[state.live.serverGroup] = oldWeight;
  }
  // A fresh baseline takes the canary's weight at each weighted step; at 100 it leaves the
  // listener (Finalize then deletes it).
  if (launched.baseline && baselineWeight !== undefined) {
    targets.push({ arn: launched.baseline.targetGroupArn, weight: baselineWeight });
    weights[launched.baseline.serverGroup] = baselineWeight;
  }
  const desired = withForward(state.swap.before, targets);
  const done = stepIndex === steps.length - 1;
  const stepEndsAt = now + waitSeconds * 1000;
  const progress: TrafficProgress = done
    ? { stepIndex, step, weights, actions: desired, done, waitSeconds: 0 }
    : { stepIndex, step, weights, actions: desired, done, waitSeconds: watchSeconds(stepEndsAt, now, watching), stepEndsAt };

  const point = await readSwapPoint(state.swap.arn);
  // A retry after a crash that already made this change has nothing left to do.
  if (sameActions(point.actions, desired)) return progress;
  const expected = state.traffic?.actions ?? launched.staged;
  if (!sameActions(point.actions, expected)) {
    throw new ListenerDrifted(state.swap.arn, `expected ${forwardSignature(expected)}, found ${forwardSignature(point.actions)}`);
  }

  // A change freeze declared mid-deployment stops it before its next step: the rollback is never frozen.
  const freeze = await freezeInForce(now);
  if (freeze) throw freezeError(freeze);
  const firing = await alarmsInAlarm(watched);
  if (firing.length > 0) throw new AlarmTriggered(firing);
  const { healthy, required } = await assertMayServe({ serverGroup: launched.serverGroup, targetGroupArn: launched.targetGroupArn, minHealthyPercent: state.config.healthGate.minHealthyPercent });
  if (launched.baseline && (baselineWeight ?? 0) > 0) {
    // The one traffic guard, for the baseline too: it is about to serve real requests.
    await assertMayServe({ serverGroup: launched.baseline.serverGroup, targetGroupArn: launched.baseline.targetGroupArn, minHealthyPercent: state.config.healthGate.minHealthyPercent });
  }

  await writeSwapPoint({ ...point, actions: desired });
  const after = await readSwapPoint(state.swap.arn);
  if (!sameActions(after.actions, desired)) {
    throw new ListenerDrifted(state.swap.arn, `read back ${forwardSignature(after.actions)} after writing ${forwardSignature(desired)}`);
  }
  const warning = await reportProgress({
    cluster: state.cluster,
    deployment: state.deployment,
    release: state.release,
    phase: 'traffic',
    weights,
    healthy,
    required,
    stepIndex,
    step,
  });
  return warning ? { ...progress, warnings: [warning] } : progress;
}
