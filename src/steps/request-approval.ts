/**
 * RequestApproval: the state machine waits here (`.waitForTaskToken`) before a traffic step that
 * needs a person's go-ahead. Records the task token in the ledger, where promote/reject find it
 * (src/aws/approvals.ts), and announces "Approval Requested". Its own result is ignored: the Task
 * ends when someone answers the token, or at its timeout.
 */
import { setApproval } from '../aws/store.js';
import type { ApprovalAnswer } from '../domain/approval.js';
import { InvalidInput } from '../domain/errors.js';
import { requestApproval as announceApprovalRequest } from './shared/observe.js';
import { LAUNCHED, PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, TrafficProgress } from './shared/state.js';

export interface ApprovalEvent {
  state: DeploymentState;
  token: string;
  /** The Task's timeout (also in state.traffic.approval): the state machine's, not read here. */
  timeoutSeconds?: number;
}

export async function requestApproval(event: ApprovalEvent): Promise<{ requested: true; stepIndex: number }> {
  if (typeof event?.token !== 'string' || event.token === '') throw new InvalidInput('token', 'is required (the Task passes $$.Task.Token)');
  const { state } = event;
  requireState(state, PLANNED, LAUNCHED, { 'traffic.approval': 'object' });
  const request = (state.traffic as TrafficProgress & { approval: NonNullable<TrafficProgress['approval']> }).approval;
  const now = Date.now();
  const answer: Omit<ApprovalAnswer, 'by' | 'at'> = { stepIndex: request.stepIndex, approved: true };
  const pending = {
    token: event.token,
    stepIndex: request.stepIndex,
    step: request.step,
    requestedAt: now,
    expiresAt: now + request.timeoutSeconds * 1000,
    output: JSON.stringify(answer),
  };
  await setApproval(state.cluster, state.deployment, pending);
  // The Task's result is ignored (the answer ends it), so a failed notification is only logged and counted.
  await announceApprovalRequest({
    cluster: state.cluster,
    deployment: state.deployment,
    release: state.release,
    gate: `traffic ${request.step}% on ${state.next.serverGroup}`,
    weights: (state.traffic as TrafficProgress).weights,
    expiresAt: new Date(pending.expiresAt).toISOString(),
    respond: `promote or reject the cluster's deployment (docs/deploy.md, Manual approval); without an answer: ${state.config.approval?.onTimeout ?? 'rollback'}`,
  });
  return { requested: true, stepIndex: request.stepIndex };
}
