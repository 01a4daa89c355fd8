/** `redblack promote <cluster>` / `redblack reject <cluster> [--reason]`: answer a deployment that waits for a person. */
import { userInfo } from 'node:os';
import { promote as sendPromote, reject as sendReject } from '../../aws/approvals.js';
import type { Ctx, Outcome } from '../command.js';

const who = (): string => `cli:${userInfo().username.replace(/[^\x21-\x7e]/g, '_').slice(0, 120) || 'unknown'}`;

export async function promote(ctx: Ctx, cluster: string): Promise<Outcome> {
  const answered = await sendPromote(cluster, who());
  if (!ctx.options.json) ctx.io.out(`promoted ${answered.deployment}: traffic step ${answered.step}% goes ahead\n`);
  return { json: { ...answered } };
}

export async function reject(ctx: Ctx, cluster: string, o: { reason?: string }): Promise<Outcome> {
  const answered = await sendReject(cluster, who(), o.reason);
  if (!ctx.options.json) ctx.io.out(`rejected ${answered.deployment} before its ${answered.step}% step: it rolls back\n`);
  return { json: { ...answered } };
}
