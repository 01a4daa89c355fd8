/**
 * Answering a deployment that waits for a person: `promote` (SendTaskSuccess) lets the waiting
 * traffic step happen, `reject` (SendTaskFailure with ApprovalRejected) rolls the deployment back.
 * The task token is the one the waiting deployment recorded in the ledger; the cluster's lock says
 * which deployment that is. What the CLI and operators call.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { APPROVAL_REJECTED, type ApprovalAnswer } from '../domain/approval.js';
import { ApprovalNotPending } from '../domain/errors.js';
import { client } from './clients.js';
import { isAwsError } from './not-found.js';
import { clearApproval, getDeployment, lockHolder, type PendingApproval } from './store.js';

export interface Answered {
  cluster: string;
  deployment: string;
  step: number;
  decision: 'promoted' | 'rejected';
}

/** The request the cluster's running deployment waits on; ApprovalNotPending when there is none. */
export async function pendingApproval(cluster: string, now = Date.now()): Promise<{ deployment: string; approval: PendingApproval }> {
  const holder = await lockHolder(cluster);
  if (!holder) throw new ApprovalNotPending(cluster, 'no deployment is running');
  const record = await getDeployment(cluster, holder.deployment);
  const approval = record?.approval;
  if (!approval) throw new ApprovalNotPending(cluster, `deployment ${holder.deployment} is not waiting for an approval (already answered, or not there yet)`);
  if (now > approval.expiresAt) throw new ApprovalNotPending(cluster, `the request of deployment ${holder.deployment} timed out at ${new Date(approval.expiresAt).toISOString()}`);
  return { deployment: holder.deployment, approval };
}

/** undefined for ApprovalNotPending; any other error goes on. */
const notPending = (err: unknown): undefined => {
  if (err instanceof ApprovalNotPending) return undefined;
  throw err;
};

/** Step Functions answers a closed token (answered, timed out, execution ended) with TaskTimedOut. */
const isClosedToken = (err: unknown) => isAwsError(err, 'TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken');

export async function promote(cluster: string, by: string): Promise<Answered> {
  return answer(cluster, 'promoted', (approval) => {
    const output: ApprovalAnswer = { ...(JSON.parse(approval.output) as Omit<ApprovalAnswer, 'by' | 'at'>), by, at: Date.now() };
    return client(SFNClient).send(new SendTaskSuccessCommand({ taskToken: approval.token, output: JSON.stringify(output) }));
  });
}

export async function reject(cluster: string, by: string, reason = 'rejected'): Promise<Answered> {
  return answer(cluster, 'rejected', (approval) => {
    // Cause is at most 32,768 characters (SendTaskFailure).
    const cause = `step ${approval.step}% rejected by ${by}: ${reason}`.slice(0, 32_768);
    return client(SFNClient).send(new SendTaskFailureCommand({ taskToken: approval.token, error: APPROVAL_REJECTED, cause }));
  });
}

/**
 * Answers the recorded token. The wait runs in slices, each with its own token (steps/request-approval.ts):
 * a token that closed because its slice ended is followed once to the next slice's token when the
 * ledger already holds it; a closed token and nothing newer is ApprovalNotPending. A token answers at
 * most once (Step Functions closes it), so a promote never lets a step happen twice.
 */
async function answer(cluster: string, decision: Answered['decision'], send: (approval: PendingApproval) => Promise<unknown>): Promise<Answered> {
  const pending = await pendingApproval(cluster);
  const { deployment } = pending;
  let approval = pending.approval;
  for (let attempt = 0; ; attempt++) {
    try {
      await send(approval);
    } catch (err) {
      if (!isClosedToken(err)) throw err;
      await clearApproval(cluster, deployment, approval.token);
      const next = attempt === 0 ? await pendingApproval(cluster).catch(notPending) : undefined;
      if (next && next.deployment === deployment && next.approval.token !== approval.token && next.approval.stepIndex === approval.stepIndex) {
        approval = next.approval;
        continue;
      }
      throw new ApprovalNotPending(cluster, `the request of deployment ${deployment} was already answered or timed out`);
    }
    await clearApproval(cluster, deployment, approval.token);
    return { cluster, deployment, step: approval.step, decision };
  }
}
