/**
 * On-demand rollback, Spinnaker's enable → resize → disable: the cluster goes back to the group
 * before the serving one, or to any older group still there (`to`). A group Finalize scaled down
 * is first given back its own capacity (the `redblack:scaled-from` tag, never a pinned value) and
 * must pass the health gate — the cluster's gate timeout and alarms — while the listener stays
 * untouched; then one guarded, read-back flip. The state machine calls this step again while it
 * waits. It holds the cluster's lock throughout, so it never races a deployment; a rollback that
 * cannot be done says why and changes nothing.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { clusterGroups, describeGroup, groupTag, inServiceCount, updateGroup } from '../aws/autoscaling.js';
import { alarmsInAlarm } from '../aws/cloudwatch.js';
import { forwardTargets, readSwapPoint, writeSwapPoint } from '../aws/elbv2.js';
import { acquireLock, getDeployment, getLastSuccess, putDeployment, releaseLock } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import type { ClusterConfig } from '../domain/config.js';
import { AlarmTriggered, DeploymentInProgress, HealthGateTimedOut, InvalidInput, ListenerDrifted, RollbackUnavailable, TrafficGuardViolation } from '../domain/errors.js';
import { gateVerdict, requiredHealthy } from '../domain/health.js';
import type { ManualRollback } from '../domain/input.js';
import { leaseFor } from '../domain/lease.js';
import { belongsToCluster } from '../domain/names.js';
import { forwardSignature, sameActions, withForward } from './shared/forward.js';
import { abandonRollback, finishRollback, type ManualRollbackResult, type RollbackPlan, servesTarget } from './shared/manual-rollback-end.js';
import { savedMinSize } from './shared/pinning.js';
import { assertMayServe, healthyTargets } from './shared/traffic-guard.js';

export type { ManualRollbackResult } from './shared/manual-rollback-end.js';

export interface RollbackProgress {
  phase: 'start' | 'waiting' | 'done';
  waitSeconds: number;
  /** While waiting: the earliest moment the group can pass the gate (domain/health.ts). */
  readyNotBefore?: number;
}

/** What ValidateRollback checked (src/steps/validate-rollback.ts), and the loop's progress. */
export interface ManualRollbackEvent {
  request: ManualRollback;
  config: ClusterConfig;
  deployment: string;
  /** What the previous call returned; absent or `start` on the first. */
  progress?: RollbackProgress;
}

export type ManualRollbackOutput = (RollbackProgress & { phase: 'start' | 'waiting'; from: string; to: string }) | (ManualRollbackResult & { phase: 'done'; waitSeconds: 0 });

export async function manualRollback(event: ManualRollbackEvent): Promise<ManualRollbackOutput> {
  // ValidateRollback checked the request and read the config; every look of the gate loop uses that config.
  const { request, config } = event;
  if (typeof event.deployment !== 'string' || event.deployment === '' || !request?.cluster || !config) {
    throw new InvalidInput('request', 'ManualRollback runs on what ValidateRollback returns ({request, config}) and the execution name');
  }
  const record = await getDeployment(request.cluster, event.deployment);
  if (record?.kind === 'rollback' && record.plan) {
    // A later look (or a retry): the decisions were made and recorded when it started.
    const plan = JSON.parse(record.plan) as RollbackPlan;
    if (record.status === 'ROLLED_BACK') return { ...(await finishRollback(plan)), phase: 'done', waitSeconds: 0 };
    if (record.status !== 'RUNNING') throw new RollbackUnavailable(request.cluster, `rollback ${event.deployment} already ended: ${record.cause ?? record.status}`);
    // A retry of the first call may have died between recording the plan and enabling the group.
    if (!event.progress || event.progress.phase === 'start') await enable(plan);
    return gate(plan, config, event.progress);
  }
  const plan = await start(request, event.deployment, config);
  await enable(plan);
  return gate(plan, config, undefined);
}

/**
 * Enable → resize, idempotently: the group's target group back in the forward action at weight 0
 * (health-checked, no traffic), and its own capacity back. The listener is not touched otherwise.
 */
async function enable(plan: RollbackPlan): Promise<void> {
  if (plan.staged) {
    const point = await readSwapPoint(plan.swapArn);
    if (sameActions(point.actions, plan.before)) await writeSwapPoint({ ...point, actions: plan.staged });
  }
  if (plan.resizeTo) {
    const group = await describeGroup(plan.to);
    if (group && (group.DesiredCapacity ?? 0) < plan.resizeTo.desired) {
      await updateGroup({ AutoScalingGroupName: plan.to, MinSize: plan.resizeTo.min, DesiredCapacity: plan.resizeTo.desired, MaxSize: plan.resizeTo.max });
    }
  }
}

/** Decides from and to, refuses what cannot be done (before any change), takes the lock, records the plan, resizes. */
async function start(request: ManualRollback, deployment: string, config: ClusterConfig): Promise<RollbackPlan> {
  const { cluster } = request;
  const refuse = (reason: string) => new RollbackUnavailable(cluster, reason);
  const swapArn = (config.listenerArn ?? config.ruleArn) as string;
  const point = await readSwapPoint(swapArn);
  const serving = forwardTargets(point.actions).filter((t) => t.weight > 0);
  if (serving.length !== 1) throw refuse(`the listener forwards to ${serving.length} target groups with weight > 0, not one: a deployment's traffic shift is under way or unfinished`);
  const fromTg = (serving[0] as { targetGroupArn: string }).targetGroupArn;
  const groups = (await clusterGroups(cluster)).filter((g) => belongsToCluster(g.AutoScalingGroupName ?? '', cluster));
  const fromGroup = groups.find((g) => g.TargetGroupARNs?.includes(fromTg));
  if (!fromGroup) throw refuse(`the listener forwards to ${fromTg}, which no server group of the cluster serves`);
  const from = fromGroup.AutoScalingGroupName as string;
  const toGroup = await pickTarget(request, from, fromGroup, groups, refuse);
  const to = toGroup.AutoScalingGroupName as string;
  const toTg = toGroup.TargetGroupARNs?.[0];
  if (!toTg) throw refuse(`server group ${to} has no target group`);
  const capacity = savedCapacity(toGroup, fromGroup);
  if (capacity.desired < 1) throw refuse(`server group ${to} has no capacity to restore (desired 0 and no saved capacity)`);

  const now = Date.now();
  const lock = await acquireLock(cluster, deployment, leaseFor(config), now);
  if (!lock.acquired) throw new DeploymentInProgress(cluster, lock.holder.deployment);
  const current = { min: toGroup.MinSize ?? 0, desired: toGroup.DesiredCapacity ?? 0 };
  const plan: RollbackPlan = {
    cluster,
    deployment,
    from,
    fromTargetGroupArn: fromTg,
    to,
    toTargetGroupArn: toTg,
    swapArn,
    before: point.actions,
    ...(forwardTargets(point.actions).some((t) => t.targetGroupArn === toTg)
      ? {}
      : { staged: withForward(point.actions, [...forwardTargets(point.actions).map((t) => ({ arn: t.targetGroupArn, weight: t.weight })), { arn: toTg, weight: 0 }]) }),
    ...(current.desired < capacity.desired
      ? { resizedFrom: current, resizeTo: { ...capacity, max: Math.max(toGroup.MaxSize ?? 0, capacity.desired) } }
      : {}),
    retainMinutes: config.teardown.retainMinutes,
    startedAt: now,
    ...(request.reason ? { reason: request.reason } : {}),
  };
  try {
    await putDeployment({ deployment, cluster, release: 'rollback', status: 'RUNNING', from, to, startedAt: now, kind: 'rollback', trigger: request.requestedBy ?? 'console', plan: JSON.stringify(plan), ...(request.reason ? { cause: request.reason } : {}) });
  } catch (err) {
    await releaseLock(cluster, deployment).catch(() => undefined);
    throw err;
  }
  return plan;
}

/** `to` as asked, else the group the last deployment replaced, else the newest group older than the serving one. */
async function pickTarget(request: ManualRollback, from: string, fromGroup: AutoScalingGroup, groups: AutoScalingGroup[], refuse: (r: string) => Error): Promise<AutoScalingGroup> {
  const created = (g: AutoScalingGroup) => g.CreatedTime?.getTime() ?? 0;
  const older = groups.filter((g) => g.AutoScalingGroupName !== from && created(g) < created(fromGroup)).sort((a, b) => created(b) - created(a));
  if (request.to !== undefined) {
    if (request.to === from) throw refuse(`${from} already serves all traffic`);
    const asked = groups.find((g) => g.AutoScalingGroupName === request.to);
    if (!asked) throw refuse(`server group ${request.to} no longer exists`);
    if (!older.includes(asked)) throw refuse(`server group ${request.to} is newer than the serving ${from}: deploy its release instead`);
    return asked;
  }
  const last = await getLastSuccess(request.cluster);
  const previous = last?.to === from && last.from ? groups.find((g) => g.AutoScalingGroupName === last.from) : undefined;
  if (last?.to === from && last.from && !previous) throw refuse(`previous server group ${last.from} no longer exists`);
  const target = previous ?? older[0];
  if (!target) throw refuse(`no older server group of the cluster to roll back to (${from} is the only one)`);
  return target;
}

/** The capacity to give `to` back: Finalize's saved `min,desired`, else its own (unpinned), else the serving group's. */
function savedCapacity(to: AutoScalingGroup, from: AutoScalingGroup): { min: number; desired: number } {
  const [min, desired] = (groupTag(to, TAG.scaledFrom) ?? '').split(',').map(Number);
  if (Number.isInteger(min) && Number.isInteger(desired) && (min as number) >= 0 && (desired as number) >= 0) return { min: min as number, desired: desired as number };
  if ((to.DesiredCapacity ?? 0) > 0) return { min: savedMinSize(to) ?? to.MinSize ?? 0, desired: to.DesiredCapacity ?? 0 };
  return { min: savedMinSize(from) ?? from.MinSize ?? 0, desired: from.DesiredCapacity ?? 0 };
}

/** One look at `to`: fail (undoing the resize), wait, or flip. */
async function gate(plan: RollbackPlan, config: ClusterConfig, progress: RollbackProgress | undefined): Promise<ManualRollbackOutput> {
  const gateConfig = config.healthGate;
  const group = await describeGroup(plan.to);
  const desired = group?.DesiredCapacity ?? 0;
  const healthy = await healthyTargets(plan.toTargetGroupArn);
  const firing = await alarmsInAlarm(gateConfig.alarmNames);
  const deadline = plan.startedAt + gateConfig.timeoutMinutes * 60_000;
  const verdict = gateVerdict({
    desired,
    inService: group ? inServiceCount(group) : 0,
    healthy,
    minHealthyPercent: gateConfig.minHealthyPercent,
    alarmsInAlarm: firing,
    now: Date.now(),
    deadline,
    since: plan.startedAt,
    ...(progress?.readyNotBefore === undefined ? {} : { readyNotBefore: progress.readyNotBefore }),
  });
  if (verdict.status === 'failed') {
    const error =
      verdict.failure === 'alarm'
        ? new AlarmTriggered(firing)
        : verdict.failure === 'timeout'
          ? new HealthGateTimedOut(plan.to, healthy, requiredHealthy(desired, gateConfig.minHealthyPercent), gateConfig.timeoutMinutes)
          : new TrafficGuardViolation(plan.to, healthy, 1, 'its desired capacity is 0');
    await abandonRollback(plan, `${error.name}: ${error.message}`);
    throw error;
  }
  if (verdict.status === 'waiting') return { phase: 'waiting', waitSeconds: verdict.waitSeconds, readyNotBefore: verdict.readyNotBefore as number, from: plan.from, to: plan.to };
  await flip(plan, config);
  return { ...(await finishRollback(plan)), phase: 'done', waitSeconds: 0 };
}

/** Enable → disable in one write: only from the listener as the rollback found it, guarded just before, read back after. */
async function flip(plan: RollbackPlan, config: ClusterConfig): Promise<void> {
  const point = await readSwapPoint(plan.swapArn);
  if (servesTarget(plan, point.actions)) return; // a retry after the write: done already
  const expected = plan.staged ?? plan.before;
  if (!sameActions(point.actions, expected)) {
    const drifted = new ListenerDrifted(plan.swapArn, `expected ${forwardSignature(expected)}, found ${forwardSignature(point.actions)}`);
    await abandonRollback(plan, `${drifted.name}: ${drifted.message}`);
    throw drifted;
  }
  await assertMayServe({ serverGroup: plan.to, targetGroupArn: plan.toTargetGroupArn, minHealthyPercent: config.healthGate.minHealthyPercent });
  // Every other target group keeps its weight (0: only one served): nobody else's entry is dropped.
  const others = forwardTargets(point.actions)
    .filter((t) => t.targetGroupArn !== plan.toTargetGroupArn && t.targetGroupArn !== plan.fromTargetGroupArn)
    .map((t) => ({ arn: t.targetGroupArn, weight: t.weight }));
  const target = withForward(point.actions, [{ arn: plan.toTargetGroupArn, weight: 100 }, { arn: plan.fromTargetGroupArn, weight: 0 }, ...others]);
  await writeSwapPoint({ ...point, actions: target });
  const after = await readSwapPoint(plan.swapArn);
  if (!sameActions(after.actions, target)) throw new ListenerDrifted(plan.swapArn, `read back ${forwardSignature(after.actions)} after writing the rollback`);
}
