/**
 * RequestApproval: the state machine waits here (`.waitForTaskToken`) before a traffic step that
 * needs a person's go-ahead. The wait runs in slices (APPROVAL_SLICE_SECONDS, domain/approval.ts):
 * each slice first looks at the watched alarms (one in ALARM fails the Task with AlarmTriggered,
 * and the deployment rolls back before anyone answers) and, for a cluster with a canary judge and a
 * canary taking traffic, has the judge look again (a failing look fails the Task with CanaryFailed);
 * then, once the request's window has closed,
 * fails it with ApprovalTimedOut (the state machine applies onTimeout); otherwise it records this
 * slice's task token in the ledger, where promote/reject find it (src/aws/approvals.ts). The first
 * slice announces "Approval Requested". Its own result is ignored: the Task ends when someone
 * answers the token, or at the slice's timeout.
 */
import { alarmsInAlarm } from '../aws/cloudwatch.js';
import { setApproval } from '../aws/store.js';
import type { ApprovalAnswer } from '../domain/approval.js';
import { AlarmTriggered, ApprovalTimedOut, CanaryFailed, InvalidInput } from '../domain/errors.js';
import { logger } from '../lambda/logger.js';
import { lookAtCanary, lookSince, recordJudgment } from './shared/canary-look.js';
import { requestApproval as announceApprovalRequest } from './shared/observe.js';
import { LAUNCHED, PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, TrafficProgress } from './shared/state.js';

export interface ApprovalEvent {
  state: DeploymentState;
  token: string;
  /** This slice's timeout (the state machine's, not read here). */
  timeoutSeconds?: number;
  /** True for every slice after the first: the request was already announced. */
  again?: boolean;
}

export async function requestApproval(event: ApprovalEvent): Promise<{ requested: true; stepIndex: number }> {
  if (typeof event?.token !== 'string' || event.token === '') throw new InvalidInput('token', 'is required (the Task passes $$.Task.Token)');
  if (event.again !== undefined && typeof event.again !== 'boolean') throw new InvalidInput('again', 'must be a boolean');
  const { state } = event;
  requireState(state, PLANNED, LAUNCHED, { 'traffic.approval': 'object' });
  const request = (state.traffic as TrafficProgress & { approval: NonNullable<TrafficProgress['approval']> }).approval;
  const now = Date.now();
  const requestedAt = request.requestedAt ?? now;
  const expiresAt = request.expiresAt ?? requestedAt + request.timeoutSeconds * 1000;
  // Traffic is partly on the new group while a person decides: a watched alarm rolls it back now.
  const watched = [...new Set([...state.config.traffic.alarmNames, ...state.config.healthGate.alarmNames])];
  const firing = await alarmsInAlarm(watched);
  if (firing.length > 0) throw new AlarmTriggered(firing);
  await watchCanary(state, now);
  if (event.again === true && now >= expiresAt) throw new ApprovalTimedOut(new Date(expiresAt).toISOString());
  const answer: Omit<ApprovalAnswer, 'by' | 'at'> = { stepIndex: request.stepIndex, approved: true };
  const pending = { token: event.token, stepIndex: request.stepIndex, step: request.step, requestedAt, expiresAt, output: JSON.stringify(answer) };
  await setApproval(state.cluster, state.deployment, pending);
  if (event.again === true) return { requested: true, stepIndex: request.stepIndex };
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

/**
 * The canary keeps serving its step while a person decides, so the judge keeps looking: an early
 * look (final: false, so at EARLY_CONFIDENCE and failing only on a critical metric or a score
 * below marginal) over the same minutes JudgeCanary pools (since the canary first took traffic).
 * Only a failing look is recorded, as the deployment's next judgment with `during: 'approval'`: a
 * wait of hours would otherwise write a judgment a minute. Nothing to judge before the first step, or without a baseline.
 */
async function watchCanary(state: DeploymentState, now: number): Promise<void> {
  const canaryConfig = state.config.canary;
  const traffic = state.traffic as TrafficProgress;
  const canary = state.launched?.serverGroup;
  if (!canaryConfig || !canary || !((traffic.weights[canary] ?? 0) > 0)) return;
  const look = await lookAtCanary(state, canaryConfig, { since: lookSince(state, now), now, final: false, extended: false });
  if (!look) return;
  logger.info('canary watched during approval', { cluster: state.cluster, deployment: state.deployment, decision: look.verdict.decision, score: look.verdict.score, reason: look.verdict.reason });
  if (look.verdict.decision !== 'fail') return;
  // The deployment's next judgment number; a failed notification is only logged and counted.
  await recordJudgment(state, { ...look.record, seq: state.judgment?.looks ?? 0, during: 'approval' });
  throw new CanaryFailed(canary, look.verdict.failing, `${look.verdict.reason} (while waiting for approval)`);
}
