/**
 * The lifecycle events redblack puts on EventBridge (`source: redblack`), one detail schema per
 * `detail-type`. docs/deploy.md documents them; serverless.yml routes them to SNS as text. A
 * notification never decides a deployment's fate: publishing one that fails is logged and counted.
 */

export const NOTIFICATION_TYPES = [
  'Deployment Started',
  'Deployment Step Changed',
  'Deployment Approval Requested',
  'Deployment Canary Judged',
  'Deployment Succeeded',
  'Deployment Rolled Back',
  'Deployment Failed',
] as const;

export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Every detail names the cluster and the deployment (the execution name). */
export interface DetailBase {
  cluster: string;
  deployment: string;
}

/** Plan took the lock: a new server group is about to be made. */
export interface StartedDetail extends DetailBase {
  release: string;
  from: string | null;
  to: string;
  /** `bake` (an artifact) or `prebaked` (an image id). */
  source: 'bake' | 'prebaked';
  steps: number[];
  /** The fresh baseline group the canary is judged against (canary `baseline: fresh`). */
  baseline?: string;
  /** What the deployment does differently from its configuration, and why (a fresh baseline on a first deployment). */
  warnings?: string[];
}

/** Where a deployment stands: the phase it reached, the listener's weights, the new group's health. */
export type Phase = 'healthy' | 'traffic';

export interface StepChangedDetail extends DetailBase {
  release: string;
  phase: Phase;
  /** Server group → weight (percent) on the listener after the change. */
  weights: Record<string, number>;
  /** Healthy targets of the new group, and how many the traffic guard requires. */
  healthy: number;
  required: number;
  /** Traffic step index (0-based) and percent, for phase `traffic`. */
  stepIndex?: number;
  step?: number;
}

/** A gate waits for a person (manual approval): who approves, until when, where it stands. */
export interface ApprovalRequestedDetail extends DetailBase {
  release: string;
  /** What the approval unlocks, e.g. `traffic 50%` or `finalize`. */
  gate: string;
  weights: Record<string, number>;
  /** ISO-8601 time after which the request expires (and the deployment rolls back). */
  expiresAt: string;
  /** How to answer: e.g. the console link or the CLI command. */
  respond: string;
}

/** One look of the canary judge (src/steps/judge-canary.ts), as the ledger keeps it and the event carries it. */
export interface Judgment {
  /** The look's number in the ledger (0, 1, …), in the order the judge looked. */
  seq: number;
  at: number;
  stepIndex: number;
  /** Percent of traffic on the canary during the step. */
  step: number;
  canary: string;
  baseline: string;
  /** `live` (the live group) or `fresh` (a baseline group launched with the canary); absent on older records. */
  baselineSource?: 'live' | 'fresh';
  score: number | null;
  /** `watch`, `promote`, `extend` or `fail`. */
  decision: string;
  reason: string;
  /** Metrics that made the judgment fail (or marginal), worst first; absent on older records. */
  failing?: string[];
  metrics: unknown[];
  /** `approval`: a look while the step waited for a person (only a failing one is recorded). */
  during?: 'approval';
}

export interface CanaryJudgedDetail extends DetailBase, Judgment {
  release: string;
}

export interface SucceededDetail extends DetailBase {
  outcome: 'succeeded';
  release: string;
  from: string | null;
  to: string;
  imageId: string;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string } | null;
}

/** A failed deployment undone by the state machine's Rollback. */
export interface AutomaticRollbackDetail extends DetailBase {
  outcome: 'rolled-back';
  manual?: false;
  /** Undone by `recover` after the execution was stopped, timed out or its Rollback failed. */
  recovered?: boolean;
  listenerRestored: boolean;
  deleted: string[];
  kept: string[];
  cause: string;
}

/** An on-demand rollback (`{"action": "rollback"}`): traffic back to the previous group. */
export interface ManualRollbackDetail extends DetailBase {
  outcome: 'rolled-back';
  manual: true;
  from: string;
  to: string;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string };
  /** Finished by `recover` after the rollback's execution ended past its flip. */
  recovered?: boolean;
}

export type RolledBackDetail = AutomaticRollbackDetail | ManualRollbackDetail;

/** The deployment ended before it changed anything (Plan refused it). */
export interface FailedDetail extends DetailBase {
  error: string;
  message: string;
  /** `manual-rollback`: an on-demand rollback that did not get to its flip (any resize undone). */
  phase: 'plan' | 'manual-rollback';
}

export interface NotificationDetail {
  'Deployment Started': StartedDetail;
  'Deployment Step Changed': StepChangedDetail;
  'Deployment Approval Requested': ApprovalRequestedDetail;
  'Deployment Canary Judged': CanaryJudgedDetail;
  'Deployment Succeeded': SucceededDetail;
  'Deployment Rolled Back': RolledBackDetail;
  'Deployment Failed': FailedDetail;
}

/**
 * One readable line per event: the `summary` field every detail carries, which the SNS
 * subscription gets as its text (serverless.yml's input transformer) instead of raw JSON.
 */
export function summarize<T extends NotificationType>(type: T, detail: NotificationDetail[T]): string {
  const d = detail as NotificationDetail[NotificationType];
  const weights = (w: Record<string, number>) =>
    Object.entries(w)
      .map(([g, p]) => `${g} ${p}%`)
      .join(', ');
  switch (type) {
    case 'Deployment Started': {
      const x = d as StartedDetail;
      return `${x.cluster} ${x.release}: deploying ${x.source === 'bake' ? 'a new bake' : 'a prebaked image'} to ${x.to}${x.from ? `, replacing ${x.from}` : ' (first deployment)'}; traffic steps ${x.steps.join('/')}%`;
    }
    case 'Deployment Step Changed': {
      const x = d as StepChangedDetail;
      const what = x.phase === 'healthy' ? 'passed its health gate' : `traffic step ${x.step}%`;
      return `${x.cluster} ${x.release}: ${what}; ${weights(x.weights)}; ${x.healthy}/${x.required} healthy`;
    }
    case 'Deployment Approval Requested': {
      const x = d as ApprovalRequestedDetail;
      return `${x.cluster} ${x.release}: approval needed for ${x.gate} before ${x.expiresAt}; ${weights(x.weights)}; ${x.respond}`;
    }
    case 'Deployment Canary Judged': {
      const x = d as CanaryJudgedDetail;
      return `${x.cluster} ${x.release}: canary ${x.canary} at ${x.step}% judged ${x.decision}${x.score === null ? '' : ` (score ${Math.round(x.score)})`}: ${x.reason}`;
    }
    case 'Deployment Succeeded': {
      const x = d as SucceededDetail;
      return `${x.cluster} ${x.release}: ${x.from ?? '(none)'} → ${x.to} succeeded; ${weights(x.traffic)}${x.teardown ? `; ${x.teardown.serverGroup} torn down at ${x.teardown.at}` : ''}`;
    }
    case 'Deployment Rolled Back': {
      const x = d as RolledBackDetail;
      if (x.manual) return `${x.cluster}: rolled back on request from ${x.from} to ${x.to}; ${x.from} torn down at ${x.teardown.at}`;
      return `${x.cluster}: deployment rolled back (${x.cause}); listener ${x.listenerRestored ? 'restored' : 'unchanged'}; deleted ${x.deleted.join(', ') || 'nothing'}${x.kept.length > 0 ? `; kept ${x.kept.join(', ')}` : ''}`;
    }
    default: {
      const x = d as FailedDetail;
      return `${x.cluster || '(unknown cluster)'}: deployment refused, nothing changed: ${x.error}: ${x.message}`;
    }
  }
}

/** The one-line text of a notification failure, as it lands in a step's `warnings`. */
export function notificationWarning(type: NotificationType, reason: string): string {
  return `notification "${type}" not delivered: ${reason}`;
}
