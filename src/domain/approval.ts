/**
 * Manual judgment: the `approval` section of a cluster's configuration, and what an answer looks
 * like. Before each listed traffic step the deployment stops and waits for a person (Step
 * Functions `.waitForTaskToken`), holding its traffic and its lock; `promote` lets the step
 * happen, `reject` rolls the deployment back, and no answer within the timeout does `onTimeout`.
 */
/** The `approval` section of the cluster config (schema: approval-config.ts). */
export interface ApprovalConfig {
  beforeSteps?: number[] | undefined;
  timeoutMinutes?: number | undefined;
  onTimeout?: 'rollback' | 'promote' | undefined;
}

export const approvalDefaults = (a: ApprovalConfig) => ({
  beforeSteps: a.beforeSteps ?? [100],
  timeoutMinutes: a.timeoutMinutes ?? 60,
  onTimeout: a.onTimeout ?? 'rollback',
});

/** The approval's steps that are not traffic steps, for the config check. */
export function unknownApprovalSteps(a: ApprovalConfig, steps: readonly number[]): number[] {
  return approvalDefaults(a).beforeSteps.filter((s) => !steps.includes(s));
}

/** What SwapTargetGroup hands the state machine when the next step needs an approval. */
export interface ApprovalRequest {
  stepIndex: number;
  step: number;
  timeoutSeconds: number;
}

/** The task output of an answered request (what `promote` sends with SendTaskSuccess). */
export interface ApprovalAnswer {
  stepIndex: number;
  approved: true;
  by: string;
  at: number;
}

/** The error name a `reject` fails the waiting task with (SendTaskFailure). */
export const APPROVAL_REJECTED = 'ApprovalRejected';
/** The error a timeout with `onTimeout: rollback` rolls back with. */
export const APPROVAL_TIMED_OUT = 'ApprovalTimedOut';

/** True when the next step (`stepIndex`, `step` percent) must wait: listed, and not yet approved. */
export function needsApproval(a: ApprovalConfig | undefined, stepIndex: number, step: number, answered: { stepIndex?: number } | undefined): boolean {
  if (!a) return false;
  return approvalDefaults(a).beforeSteps.includes(step) && answered?.stepIndex !== stepIndex;
}
