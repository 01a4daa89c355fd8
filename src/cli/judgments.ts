/**
 * Canary judgments as `history` and `report` show them, read from the ledger's
 * `judgment#<deployment>#<nnnn>` items (src/steps/judge-canary.ts writes one per look, and
 * src/steps/request-approval.ts a failing look while a step waits for a person).
 */
import { type JudgmentRecord, listJudgments } from '../aws/store.js';

export interface MetricView {
  metric: string;
  verdict: string;
  critical: boolean;
  /** Relative change of the canary's mean against the baseline's (0.4 = 40 % higher). */
  change: number | null;
}

export interface JudgmentView {
  seq: number;
  at: string;
  /** Percent of traffic on the canary during the step judged. */
  step: number;
  score: number | null;
  decision: string;
  reason: string;
  /** The metrics that failed the look (or made it marginal), worst first. */
  failing: string[];
  metrics: MetricView[];
  /** The fresh baseline group the canary was compared with (canary `baseline: fresh`); absent when it was the live group. */
  freshBaseline?: string;
  /** `approval`: a look taken while the step waited for a person. */
  during?: 'approval';
}

const BAD = new Set(['high', 'low']);

export function judgmentView(j: JudgmentRecord): JudgmentView {
  const metrics = (j.metrics as Partial<{ metric: string; verdict: string; critical: boolean; change: number | null }>[]).map((m) => ({
    metric: String(m.metric),
    verdict: String(m.verdict),
    critical: m.critical === true,
    change: typeof m.change === 'number' ? m.change : null,
  }));
  // Records written before `failing` was kept: the metrics out of bounds, critical ones first.
  const failing = j.failing ?? metrics.filter((m) => BAD.has(m.verdict)).sort((a, b) => Number(b.critical) - Number(a.critical)).map((m) => m.metric);
  return {
    seq: j.seq,
    at: new Date(j.at).toISOString(),
    step: j.step,
    score: j.score,
    decision: j.decision,
    reason: j.reason,
    failing,
    metrics,
    ...(j.baselineSource === 'fresh' ? { freshBaseline: j.baseline } : {}),
    ...(j.during === 'approval' ? { during: 'approval' as const } : {}),
  };
}

export async function readJudgments(cluster: string, deployment: string): Promise<JudgmentView[]> {
  return (await listJudgments(cluster, deployment)).map(judgmentView);
}

/** `step 25% score 42 fail (errorRate)`: one look in a line. */
export function judgmentLine(j: JudgmentView): string {
  return `step ${j.step}% score ${j.score === null ? '-' : Math.round(j.score)} ${j.decision}${j.failing.length > 0 ? ` (${j.failing.join(', ')})` : ''}${j.freshBaseline ? ` vs fresh baseline ${j.freshBaseline}` : ''}${j.during === 'approval' ? ' while waiting for approval' : ''}`;
}
