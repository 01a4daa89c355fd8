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

/**
 * The approval is waited for in slices of at most this many seconds: between two slices the
 * watched alarms are looked at, so one that fires while a person decides rolls the deployment back
 * within a slice, and a fresh task token is recorded for promote/reject.
 */
export const APPROVAL_SLICE_SECONDS = 60;

/** What SwapTargetGroup hands the state machine when the next step needs an approval. */
export interface ApprovalRequest {
  stepIndex: number;
  step: number;
  /** The whole window (approval.timeoutMinutes), in seconds. */
  timeoutSeconds: number;
  /** One slice of the wait (the callback Task's timeout): at most APPROVAL_SLICE_SECONDS. */
  sliceSeconds?: number;
  /** Epoch ms the request was made and its window closes, fixed for every slice. */
  requestedAt?: number;
  expiresAt?: number;
}

/** The request for step `stepIndex` (`step` percent) made at `now`, waiting `timeoutSeconds` in all. */
export function approvalRequest(stepIndex: number, step: number, timeoutSeconds: number, now: number): Required<ApprovalRequest> {
  return { stepIndex, step, timeoutSeconds, sliceSeconds: Math.min(APPROVAL_SLICE_SECONDS, timeoutSeconds), requestedAt: now, expiresAt: now + timeoutSeconds * 1000 };
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
