/**
 * One look of the canary judge: the canary's and its baseline's per-minute series since `since`
 * (GetMetricData, one call), judged by src/domain/canary/. JudgeCanary looks during and at the end
 * of each traffic step; RequestApproval looks while a step waits for a person.
 */
import { metricData } from '../../aws/cloudwatch.js';
import { putJudgment } from '../../aws/store.js';
import type { CanaryConfig } from '../../domain/canary/config.js';
import { judge, type Verdict } from '../../domain/canary/judge.js';
import { planQueries, window } from '../../domain/canary/metrics.js';
import { metricRules, thresholds } from '../../domain/canary/rules.js';
import type { Judgment } from '../../domain/notifications.js';
import { announce } from './observe.js';
import type { DeploymentState, Launched, TrafficProgress } from './state.js';

export interface Look {
  verdict: Verdict;
  /** The judgment as the ledger and the Canary Judged event record it, but its number. */
  record: Omit<Judgment, 'seq'> & { deployment: string };
}

/** Where a look's samples begin: when the canary first took traffic (pooled over its steps), else the current step's start. */
export function lookSince(state: DeploymentState, now: number): number {
  const traffic = state.traffic as TrafficProgress;
  return state.judgment?.since ?? (traffic.stepEndsAt ?? now) - state.config.traffic.waitSeconds * 1000;
}

/** Keeps a judgment in the ledger and announces it; a notification that fails is a warning, never the judgment's outcome. */
export async function recordJudgment(state: DeploymentState, record: Judgment & { deployment: string }): Promise<string | undefined> {
  await putJudgment(state.cluster, record);
  return announce('Deployment Canary Judged', { cluster: state.cluster, release: state.release, ...record });
}

/** Undefined without a baseline to compare with (a cluster's first deployment has no live group). */
export async function lookAtCanary(
  state: DeploymentState,
  canaryConfig: CanaryConfig,
  o: { since: number; now: number; final: boolean; extended: boolean },
): Promise<Look | undefined> {
  const launched = state.launched as Launched;
  const traffic = state.traffic as TrafficProgress;
  // A fresh baseline (launched with the canary, as young as it) when there is one; else the live group.
  const baseline = launched.baseline ?? state.live;
  if (!baseline) return undefined;
  const rules = metricRules(canaryConfig);
  const { pass, marginal, extendMinutes } = thresholds(canaryConfig);
  const { start, end, minutes } = window(o.since, o.now);
  const plan = planQueries(rules, canaryConfig, { canary: launched, baseline }, state.swap.arn, minutes);
  const series = plan.assemble(await metricData(plan.queries, start, end));
  const verdict = judge(rules, series, { pass, marginal, final: o.final, extended: o.extended, canExtend: extendMinutes > 0 });
  return {
    verdict,
    record: {
      deployment: state.deployment,
      at: o.now,
      stepIndex: traffic.stepIndex,
      step: traffic.step,
      canary: launched.serverGroup,
      baseline: baseline.serverGroup,
      baselineSource: launched.baseline ? 'fresh' : 'live',
      score: verdict.score,
      decision: verdict.decision,
      reason: verdict.reason,
      failing: verdict.failing,
      metrics: verdict.metrics,
    },
  };
}
