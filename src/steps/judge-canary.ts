/**
 * JudgeCanary: during and at the end of each traffic step's wait, compares the new group (the
 * canary) with its baseline on per-target-group metrics (src/domain/canary/), records the
 * judgment in the ledger and the deployment's events, and decides: keep watching, promote at the
 * step's end, extend a marginal step once, or fail with CanaryFailed naming the metrics. The
 * step itself moves no traffic: SwapTargetGroup, which runs next, holds the step while the
 * judgment says so.
 */
import { thresholds } from '../domain/canary/rules.js';
import { CanaryFailed, InvalidInput } from '../domain/errors.js';
import { lookAtCanary, lookSince, recordJudgment } from './shared/canary-look.js';
import { LAUNCHED, PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, JudgmentProgress, Launched, TrafficProgress } from './shared/state.js';

export async function judgeCanary(state: DeploymentState): Promise<JudgmentProgress> {
  requireState(state, PLANNED, LAUNCHED, { 'traffic.stepIndex': 'number', 'traffic.stepEndsAt': 'number' });
  const canaryConfig = state.config.canary;
  if (!canaryConfig) throw new InvalidInput('config.canary', 'is required: the state machine runs JudgeCanary only for clusters with a canary section');
  const launched = state.launched as Launched;
  const traffic = state.traffic as TrafficProgress & { stepEndsAt: number };
  const now = Date.now();
  const previous = state.judgment;
  const since = lookSince(state, now);
  const looks = previous?.looks ?? 0;
  const extended = previous?.extended?.stepIndex === traffic.stepIndex ? previous.extended : undefined;
  const progress = { since, stepIndex: traffic.stepIndex, looks, ...(extended ? { extended } : {}) };
  const final = now >= (extended?.until ?? traffic.stepEndsAt);
  const look = await lookAtCanary(state, canaryConfig, { since, now, final, extended: extended !== undefined });
  if (!look) return { ...progress, decision: 'skipped', score: null };
  const { verdict } = look;
  const warning = await recordJudgment(state, { ...look.record, seq: looks });

  if (verdict.decision === 'fail') throw new CanaryFailed(launched.serverGroup, verdict.failing, verdict.reason);
  const next = { ...progress, looks: looks + 1, score: verdict.score, ...(warning ? { warnings: [warning] } : {}) };
  if (verdict.decision === 'extend') return { ...next, decision: 'extend', extended: { stepIndex: traffic.stepIndex, until: now + thresholds(canaryConfig).extendMinutes * 60_000 } };
  return { ...next, decision: verdict.decision };
}
