/**
 * deploy, watch, abort and rollback: starting, following and stopping executions of the deploy
 * state machine. A deployment's id is its execution name, so the CLI, the triggers and the ledger
 * all speak of the same thing.
 */
import { readFileSync, statSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { describeGroup } from '../../aws/autoscaling.js';
import { describeExecution, historySince, stopExecution } from '../../aws/executions.js';
import { uploadArtifact } from '../../aws/s3.js';
import { executionArnOf, startExecution } from '../../aws/sfn.js';
import { getDeployment, getLastSuccess, lockHolder } from '../../aws/store.js';
import { artifactIdentity, type DeployInput, parseDeployInput, parseManualRollback } from '../../domain/input.js';
import { executionName, isValidCluster, parseCluster } from '../../domain/names.js';
import type { Ctx } from '../command.js';
import { EXIT, refused, usageError } from '../errors.js';
import { TimelineRenderer } from '../render.js';
import { buildTimeline, type Timeline } from '../timeline.js';

export interface DeployOptions {
  release?: string;
  artifact?: string;
  file?: string;
  image?: string;
  wait?: boolean;
}

/** The deploy input the flags describe, checked before any AWS call. */
export function deployRequest(cluster: string, o: DeployOptions): { input: Omit<DeployInput, 'artifact'> & { artifact?: DeployInput['artifact'] }; file?: string } {
  parseCluster(cluster);
  if (!o.release) throw usageError('--release is required');
  const sources = [o.artifact && '--artifact', o.file && '--file', o.image && '--image'].filter(Boolean);
  if (sources.length !== 1) throw usageError(`give exactly one of --artifact, --file, --image (got ${sources.length === 0 ? 'none' : sources.join(' and ')})`);
  if (o.image) return { input: parseDeployInput({ cluster, release: o.release, imageId: o.image }) };
  if (o.artifact) {
    const m = /^s3:\/\/([^/]+)\/(.+?)(?:\?versionId=(.+))?$/.exec(o.artifact);
    if (!m) throw usageError(`--artifact must be s3://<bucket>/<key>[?versionId=<id>] (got ${o.artifact})`);
    return { input: parseDeployInput({ cluster, release: o.release, artifact: { bucket: m[1], key: m[2], ...(m[3] ? { versionId: m[3] } : {}) } }) };
  }
  const file = o.file as string;
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw usageError(`--file ${file}: no such file`);
  }
  if (size === 0) throw usageError(`--file ${file} is empty`);
  // Validated with a placeholder bucket: the real one comes from the stack, after this check.
  parseDeployInput({ cluster, release: o.release, artifact: { bucket: 'placeholder', key: `releases/${cluster}/${o.release}/${basename(file)}` } });
  return { input: { cluster, release: o.release }, file };
}

/** `cli:<user>`: who asked, as the ledger records it. */
const requester = (): string => `cli:${userInfo().username.replace(/[^\x21-\x7e]/g, '_').slice(0, 120) || 'unknown'}`;

export async function deploy(ctx: Ctx, cluster: string, o: DeployOptions) {
  const request = deployRequest(cluster, o);
  const r = await ctx.resources();
  let input: DeployInput = { ...(request.input as DeployInput), requestedBy: requester() };
  if (request.file) {
    const key = `releases/${cluster}/${input.release}/${basename(request.file)}`;
    const uploaded = await uploadArtifact(r.bucket, key, readFileSync(request.file));
    // The upload's own event starts the same execution name (same artifact identity): one of the two starts it.
    input = parseDeployInput({ cluster, release: input.release, requestedBy: requester(), artifact: { bucket: r.bucket, key, ...(uploaded.versionId ? { versionId: uploaded.versionId } : { etag: uploaded.etag }) } });
  }
  const name = executionName({ cluster, release: input.release, identity: artifactIdentity(input) });
  const started = await startExecution(r.stateMachineArn, name, input);
  const executionArn = executionArnOf(r.stateMachineArn, name);
  const result = { deployment: name, executionArn, started: started.started, cluster, release: input.release };
  if (!ctx.options.json) ctx.io.out(`${started.started ? 'started' : 'already started (same artifact)'}: ${name}\n`);
  if (!o.wait) return { json: result };
  const t = await follow(ctx, name);
  return { json: { ...result, ...summary(t) }, exitCode: await outcomeCode(t) };
}

/** A cluster's deployment in progress (its lock holder), or the deployment named. */
async function resolveDeployment(ctx: Ctx, target: string): Promise<{ deployment: string; cluster?: string }> {
  // Deployment ids are execution names (letters, digits, - and _, at most 80): checked before any call.
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(target)) throw usageError(`${target} is neither a deployment nor a cluster name`);
  const r = await ctx.resources();
  if (await describeExecution(executionArnOf(r.stateMachineArn, target))) return { deployment: target };
  if (!isValidCluster(target)) throw usageError(`${target} is neither a deployment nor a cluster name`);
  const lock = await lockHolder(target);
  if (!lock || lock.expiresAt * 1000 <= Date.now()) throw refused(`cluster ${target} has no deployment in progress`, 'NothingRunning');
  return { deployment: lock.deployment, cluster: target };
}

export async function watch(ctx: Ctx, target: string) {
  const { deployment } = await resolveDeployment(ctx, target);
  const t = await follow(ctx, deployment);
  return { json: summary(t), exitCode: await outcomeCode(t) };
}

/** Follows an execution to its end, rendering as it goes unless `--json`. */
export async function follow(ctx: Ctx, deployment: string): Promise<Timeline> {
  const r = await ctx.resources();
  const arn = executionArnOf(r.stateMachineArn, deployment);
  const renderer = ctx.options.json ? undefined : new TimelineRenderer({ write: ctx.io.out, tty: ctx.io.tty, now: () => Date.now() });
  const events = [];
  let lastId = 0;
  let looks = 0;
  for (;;) {
    const fresh = await historySince(arn, lastId);
    if (fresh.length === 0 && lastId === 0 && looks++ > 12) throw refused(`no execution ${deployment} started within a minute`, 'NotFound');
    events.push(...fresh);
    lastId = events.at(-1)?.id ?? lastId;
    const t = buildTimeline(deployment, events);
    renderer?.update(t);
    if (t.outcome !== 'running') {
      renderer?.close();
      return t;
    }
    // History every 5 s; on a terminal the countdown is redrawn every second in between.
    for (let i = 0; i < 5; i++) {
      await ctx.sleep(1000);
      if (ctx.io.tty) renderer?.update(t);
    }
  }
}

export function summary(t: Timeline) {
  return {
    deployment: t.deployment,
    kind: t.kind,
    cluster: t.cluster ?? null,
    release: t.release ?? null,
    from: t.from ?? null,
    to: t.to ?? null,
    outcome: t.outcome,
    error: t.error ?? null,
    cause: t.cause ?? null,
    startedAt: new Date(t.startedAt).toISOString(),
    endedAt: t.endedAt === undefined ? null : new Date(t.endedAt).toISOString(),
    phases: t.phases.map((p) => ({ phase: p.phase, startedAt: new Date(p.startedAt).toISOString(), seconds: p.endedAt === undefined ? null : Math.round((p.endedAt - p.startedAt) / 1000), detail: p.detail ?? null })),
    traffic: t.traffic.map((c) => ({ at: new Date(c.at).toISOString(), weights: c.weights })),
  };
}

/** 0 succeeded, 3 rolled back (or aborted and recovered, per the ledger), 4 anything else. */
async function outcomeCode(t: Timeline): Promise<number> {
  if (t.outcome === 'succeeded') return EXIT.ok;
  if (t.outcome === 'rolled-back') return EXIT.rolledBack;
  if ((t.outcome === 'aborted' || t.outcome === 'timed-out') && t.cluster) {
    const record = await getDeployment(t.cluster, t.deployment);
    if (record?.status === 'ROLLED_BACK') return EXIT.rolledBack;
  }
  return EXIT.failed;
}

export async function abort(ctx: Ctx, target: string, o: { wait?: boolean; reason?: string; waitMinutes?: string }) {
  const { deployment } = await resolveDeployment(ctx, target);
  const r = await ctx.resources();
  const arn = executionArnOf(r.stateMachineArn, deployment);
  const described = await describeExecution(arn);
  if (described?.status !== 'RUNNING') throw refused(`deployment ${deployment} is not running (${described?.status ?? 'unknown'})`, 'NothingRunning');
  const input = JSON.parse(described.input ?? '{}') as { cluster?: string };
  await stopExecution(arn, 'Aborted', `aborted with redblack abort${o.reason ? `: ${o.reason}` : ''}`);
  if (!ctx.options.json) ctx.io.out(`stopped ${deployment}; the recover function restores the cluster\n`);
  const result = { deployment, cluster: input.cluster ?? null, stopped: true };
  if (!o.wait || !input.cluster) return { json: { ...result, recovered: null } };
  // The recover function (EventBridge on ABORTED) records the recovery in the ledger and frees the lock.
  const minutes = Number(o.waitMinutes ?? 15);
  const deadline = Date.now() + minutes * 60_000;
  for (;;) {
    const record = await getDeployment(input.cluster, deployment);
    const lock = await lockHolder(input.cluster);
    const done = record && record.status !== 'RUNNING' && lock?.deployment !== deployment;
    if (done) {
      if (!ctx.options.json) ctx.io.out(`recovered: ${record.status}${record.cause ? ` (${record.cause})` : ''}\n`);
      return { json: { ...result, recovered: record.status }, exitCode: record.status === 'ROLLED_BACK' ? EXIT.rolledBack : EXIT.failed };
    }
    if (Date.now() > deadline) {
      if (!ctx.options.json) ctx.io.err(`redblack: no recovery recorded for ${deployment} within ${minutes} minutes: check "redblack status ${input.cluster}"\n`);
      return { json: { ...result, recovered: null }, exitCode: EXIT.failed };
    }
    await ctx.sleep(5000);
  }
}

export async function rollback(ctx: Ctx, cluster: string, o: { to?: string; reason?: string; wait?: boolean }) {
  const request = parseManualRollback({ action: 'rollback', cluster, requestedBy: requester(), ...(o.to ? { to: o.to } : {}), ...(o.reason ? { reason: o.reason } : {}) });
  const r = await ctx.resources();
  const holder = await lockHolder(cluster);
  if (holder && holder.expiresAt * 1000 > Date.now()) throw refused(`deployment ${holder.deployment} of cluster ${cluster} is in progress: abort it or wait`, 'DeploymentInProgress');
  const last = await getLastSuccess(cluster);
  const to = o.to ?? last?.from;
  if (!to) throw refused(`cluster ${cluster} has no deployment to roll back (none succeeded, or it was the first): name a group with --to`, 'RollbackUnavailable');
  // The state machine checks again under the lock; this spares starting an execution bound to fail.
  if (!(await describeGroup(to))) throw refused(`server group ${to} no longer exists (torn down): deploy its release again instead`, 'RollbackUnavailable');
  // One name per undo of a given deployment to a given group: a repeated command starts nothing new.
  const name = `${cluster}-rollback-${to.slice(cluster.length + 1)}-${(last?.deployment ?? String(Date.now())).slice(-16)}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  const started = await startExecution(r.stateMachineArn, name, request);
  if (!ctx.options.json) ctx.io.out(`${started.started ? 'started' : 'already started'}: ${name} (→ ${to})\n`);
  const result = { deployment: name, cluster, from: last?.to ?? null, to, started: started.started };
  if (!o.wait) return { json: result };
  const t = await follow(ctx, name);
  return { json: { ...result, ...summary(t), from: t.from ?? result.from, to: t.to ?? to }, exitCode: t.outcome === 'succeeded' ? EXIT.ok : t.outcome === 'rolled-back' ? EXIT.rolledBack : EXIT.failed };
}

export async function readTimeline(ctx: Ctx, deployment: string): Promise<Timeline> {
  const r = await ctx.resources();
  const arn = executionArnOf(r.stateMachineArn, deployment);
  if (!(await describeExecution(arn))) throw refused(`no deployment ${deployment}`, 'NotFound');
  return buildTimeline(deployment, await historySince(arn));
}

