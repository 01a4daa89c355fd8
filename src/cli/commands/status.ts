/** status [cluster] and history <cluster>: what is there now, and what happened before. */
import { parametersByPath } from '../../aws/ssm.js';
import { describeExecution, recentExecutions } from '../../aws/executions.js';
import { listDeployments, lockHolder } from '../../aws/store.js';
import { parseCluster } from '../../domain/names.js';
import type { Ctx, Outcome } from '../command.js';
import { readCluster } from '../cluster-view.js';
import { judgmentLine, type JudgmentView, readJudgments } from '../judgments.js';
import { usageError } from '../errors.js';
import { statusLine, timelineLines } from '../render.js';
import { duration, readableCause } from '../timeline.js';

export async function status(ctx: Ctx, cluster?: string): Promise<Outcome> {
  const r = await ctx.resources();
  if (!cluster) {
    const configs = await parametersByPath(r.configPath);
    const clusters = [];
    for (const name of [...configs.keys()].map((k) => k.slice(r.configPath.length + 1)).sort()) {
      const lock = await lockHolder(name);
      clusters.push({ cluster: name, deploying: lock && lock.expiresAt * 1000 > Date.now() ? lock.deployment : null });
    }
    const text = clusters.length === 0 ? `no clusters under ${r.configPath}\n` : clusters.map((c) => `${c.cluster.padEnd(34)}${c.deploying ? `deploying ${c.deploying}` : 'idle'}`).join('\n') + '\n';
    return { json: { stage: r.stage, clusters }, text };
  }
  const view = await readCluster(cluster, r);
  const { config: _config, running, ...rest } = view;
  const json = {
    ...rest,
    deployment: running
      ? { deployment: running.deployment, outcome: running.outcome, release: running.release ?? null, from: running.from ?? null, to: running.to ?? null, phase: running.current?.phase ?? null, state: running.current?.state ?? null, since: running.current ? new Date(running.current.since).toISOString() : null, waitEndsAt: iso(running.current?.waitEndsAt), gateDeadline: iso(running.current?.gateDeadline), healthy: running.health.at(-1) ?? null, traffic: running.traffic.at(-1)?.weights ?? null }
      : null,
  };
  const lines = [`cluster ${cluster}  (${view.swapArn.includes(':listener-rule/') ? 'rule' : 'listener'} ${view.swapArn.split('/').slice(-3).join('/')})`, ''];
  lines.push(`${'SERVER GROUP'.padEnd(20)}${'RELEASE'.padEnd(10)}${'IMAGE'.padEnd(23)}${'CAPACITY'.padEnd(11)}${'HEALTHY'.padEnd(9)}${'TRAFFIC'.padEnd(9)}NOTES`);
  for (const g of view.groups) {
    const notes = [g.pinnedBy ? `pinned by ${g.pinnedBy}` : '', g.teardownAt ? `teardown ${g.teardownAt.slice(0, 16).replace('T', ' ')}Z` : ''].filter(Boolean).join(', ');
    lines.push(`${g.name.padEnd(20)}${(g.release ?? '-').padEnd(10)}${(g.image ?? '-').padEnd(23)}${`${g.min}/${g.desired}/${g.max}`.padEnd(11)}${`${g.healthy}/${g.desired}`.padEnd(9)}${`${g.weight}%`.padEnd(9)}${notes}`);
  }
  if (view.groups.length === 0) lines.push('(no server groups)');
  for (const g of view.baselines ?? []) {
    lines.push(`${g.name.padEnd(20)}${'-'.padEnd(10)}${(g.image ?? '-').padEnd(23)}${`${g.min}/${g.desired}/${g.max}`.padEnd(11)}${`${g.healthy}/${g.desired}`.padEnd(9)}${`${g.weight}%`.padEnd(9)}fresh canary baseline of ${g.deployment ?? '?'}`);
  }
  lines.push('');
  lines.push(view.lock ? `lock       held by ${view.lock.deployment} until ${view.lock.expiresAt}` : 'lock       free');
  if (running) {
    lines.push(
      running.outcome === 'running'
        ? `deploying  ${running.deployment}: ${running.release ?? ''} ${running.from ?? '(none)'} → ${running.to ?? '?'}`
        : `ended      ${running.deployment} ${running.outcome}, still holding the lock: recovery has not run (see docs/deploy.md "Abort")`,
    );
    for (const l of timelineLines(running)) lines.push(`  ${l}`);
    const now = statusLine(running, Date.now()).slice(2);
    if (now) lines.push(`  now: ${now}`);
  }
  return { json, text: `${lines.join('\n')}\n` };
}

/**
 * Deployments refused before they changed anything (Plan, or an on-demand rollback's checks): that writes nothing (it changes nothing, by design), so
 * they are the failed executions of the cluster with no ledger record, read from Step Functions
 * (which keeps closed executions 90 days: https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html).
 */
async function planFailures(stateMachineArn: string, cluster: string, recorded: Set<string>, limit: number) {
  const failed = (await recentExecutions(stateMachineArn, 1000, 'FAILED')).filter((e) => e.name?.startsWith(`${cluster}-`) && !recorded.has(e.name));
  const found = [];
  for (const e of failed.slice(0, limit)) {
    const d = await describeExecution(e.executionArn as string);
    const input = JSON.parse(d?.input ?? '{}') as { cluster?: string; release?: string; requestedBy?: string; action?: string };
    if (input.cluster !== cluster) continue;
    const started = d?.startDate ? new Date(d.startDate).getTime() : 0;
    found.push({
      deployment: e.name as string,
      kind: input.action === 'rollback' ? 'rollback' : 'deploy',
      release: input.release ?? '-',
      from: null,
      to: null,
      outcome: 'REFUSED',
      cause: `${d?.error ?? 'Failed'}: ${readableCause(d?.cause) ?? ''}`.replace(/: $/, ''),
      startedAt: new Date(started).toISOString(),
      durationSeconds: d?.stopDate ? Math.round((new Date(d.stopDate).getTime() - started) / 1000) : null,
      trigger: input.requestedBy ?? 'console',
      judgments: [] as JudgmentView[],
      lastJudgment: null as JudgmentView | null,
    });
  }
  return found;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

export async function history(ctx: Ctx, cluster: string, o: { limit?: string }): Promise<Outcome> {
  parseCluster(cluster);
  const limit = o.limit === undefined ? 20 : Number(o.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw usageError(`--limit must be an integer from 1 to 1000 (got ${o.limit})`);
  const r = await ctx.resources();
  const records = await listDeployments(cluster, limit);
  // Canary judgments are items of their own in the ledger (one per look); only deploys have any.
  const judged = new Map<string, JudgmentView[]>();
  for (const d of records) if ((d.kind ?? 'deploy') === 'deploy') judged.set(d.deployment, await readJudgments(cluster, d.deployment));
  const entries = [...records.map((d) => ({
    deployment: d.deployment,
    kind: d.kind ?? 'deploy',
    release: d.release,
    from: d.from ?? null,
    to: d.to ?? null,
    outcome: d.status,
    cause: d.cause === undefined ? null : (readableCause(d.cause) ?? d.cause),
    startedAt: new Date(d.startedAt).toISOString(),
    durationSeconds: d.endedAt === undefined ? null : Math.round((d.endedAt - d.startedAt) / 1000),
    trigger: d.trigger ?? null,
    judgments: judged.get(d.deployment) ?? [],
    lastJudgment: judged.get(d.deployment)?.at(-1) ?? null,
  })), ...(await planFailures(r.stateMachineArn, cluster, new Set(records.map((d) => d.deployment)), limit))]
    .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
    .slice(0, limit);
  const head = `${'STARTED'.padEnd(18)}${'KIND'.padEnd(10)}${'RELEASE'.padEnd(10)}${'FROM → TO'.padEnd(32)}${'OUTCOME'.padEnd(13)}${'TOOK'.padEnd(8)}${'TRIGGER'.padEnd(10)}DEPLOYMENT / CAUSE`;
  const rows = entries.map(
    (e) =>
      `${e.startedAt.slice(0, 16).replace('T', ' ').padEnd(18)}${e.kind.padEnd(10)}${e.release.padEnd(10)}${(e.kind === 'teardown' ? `${e.from} removed` : e.from || e.to ? `${e.from ?? '(none)'} → ${e.to ?? '(none)'}` : '-').padEnd(32)}${e.outcome.padEnd(13)}${(e.durationSeconds === null ? '-' : duration(e.durationSeconds * 1000)).padEnd(8)}${(e.trigger ?? '-').padEnd(10)}${e.deployment}${e.lastJudgment ? `\n${' '.repeat(18)}judged: ${judgmentLine(e.lastJudgment)} at ${e.lastJudgment.at.slice(11, 19)} (${e.judgments.length} look${e.judgments.length === 1 ? '' : 's'})` : ''}${e.cause ? `\n${' '.repeat(18)}cause: ${e.cause}` : ''}`,
  );
  return { json: { cluster, deployments: entries }, text: entries.length === 0 ? `no deployments recorded for ${cluster}\n` : `${[head, ...rows].join('\n')}\n` };
}
