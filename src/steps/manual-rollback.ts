/**
 * On-demand rollback of a cluster's last successful deployment, while its previous group still
 * exists: one traffic-guarded listener flip back to the previous group, its teardown schedule
 * cancelled, and the bad group scheduled for teardown instead. Takes the cluster's lock like a
 * deployment, so it can never race one.
 */
import { describeGroup } from '../aws/autoscaling.js';
import { readSwapPoint, targetStates, writeSwapPoint } from '../aws/elbv2.js';
import { acquireLock, clearLastSuccess, getDeployment, getLastSuccess, putDeployment, releaseLock } from '../aws/store.js';
import { DeploymentInProgress, InvalidInput, ListenerDrifted, RollbackUnavailable, TrafficGuardViolation } from '../domain/errors.js';
import { countHealthy, requiredHealthy } from '../domain/health.js';
import { parseManualRollback } from '../domain/input.js';
import { forwardSignature, sameActions, withForward } from './shared/forward.js';
import { leaseFor } from '../domain/lease.js';
import { loadClusterConfig } from './shared/cluster-config.js';
import { cancelTeardown, scheduleTeardown } from './shared/teardown-schedule.js';
import { count, METRIC } from '../lambda/metrics.js';
import { announce } from './shared/observe.js';

export interface ManualRollbackEvent {
  request: unknown;
  deployment: string;
}

export interface ManualRollbackResult {
  outcome: 'rolled-back';
  cluster: string;
  deployment: string;
  from: string;
  to: string;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string };
  /** A notification that failed after the listener flip: logged and counted, nothing more. */
  warnings?: string[];
}

export async function manualRollback(event: ManualRollbackEvent): Promise<ManualRollbackResult> {
  const request = parseManualRollback(event.request);
  if (typeof event.deployment !== 'string' || event.deployment === '') throw new InvalidInput('deployment', 'missing execution name');
  const { cluster } = request;
  const config = await loadClusterConfig(cluster);
  const last = await getLastSuccess(cluster);
  // A retry of this very rollback (crashed after clearing the pointer) finds its own record: redo it, idempotently.
  const mine = last ? undefined : await getDeployment(cluster, event.deployment);
  const retried = mine?.kind === 'rollback' && mine.from && mine.to ? { to: mine.from, from: mine.to } : undefined;
  const undo = last ?? retried;
  if (!undo?.from) throw new RollbackUnavailable(cluster, undo ? `${undo.to} was the cluster's first deployment` : 'no successful deployment to roll back');
  const [bad, previous] = [undo.to, undo.from];
  const [badGroup, previousGroup] = [await describeGroup(bad), await describeGroup(previous)];
  if (!previousGroup) throw new RollbackUnavailable(cluster, `previous server group ${previous} no longer exists`);
  if (!badGroup) throw new RollbackUnavailable(cluster, `server group ${bad} no longer exists`);
  const previousTg = previousGroup.TargetGroupARNs?.[0];
  const badTg = badGroup.TargetGroupARNs?.[0];
  if (!previousTg || !badTg) throw new RollbackUnavailable(cluster, 'a server group has no target group');

  const now = Date.now();
  const lock = await acquireLock(cluster, event.deployment, leaseFor(config), now);
  if (!lock.acquired) throw new DeploymentInProgress(cluster, lock.holder.deployment);
  try {
    const point = await readSwapPoint((config.listenerArn ?? config.ruleArn) as string);
    // Weights are percentages, as a deployment's traffic steps write them.
    const target = withForward(point.actions, [
      { arn: previousTg, weight: 100 },
      { arn: badTg, weight: 0 },
    ]);
    if (!sameActions(point.actions, target)) {
      const serving = withForward(point.actions, [
        { arn: badTg, weight: 100 },
        { arn: previousTg, weight: 0 },
      ]);
      const plain = withForward(point.actions, [{ arn: badTg, weight: 1 }]);
      if (!sameActions(point.actions, serving) && !sameActions(point.actions, plain)) {
        throw new ListenerDrifted(point.arn, `expected it to forward to ${bad} only, found ${forwardSignature(point.actions)}`);
      }
      const required = requiredHealthy(previousGroup.DesiredCapacity ?? 0, config.healthGate.minHealthyPercent);
      const healthy = countHealthy((await targetStates(previousTg)).map((t) => t.state));
      if (healthy < required) throw new TrafficGuardViolation(previous, healthy, required);
      await writeSwapPoint({ ...point, actions: target });
      const after = await readSwapPoint(point.arn);
      if (!sameActions(after.actions, target)) throw new ListenerDrifted(point.arn, 'read back differs from the rollback written');
    }
    await cancelTeardown(previous);
    const at = await scheduleTeardown(bad, event.deployment, config.teardown.retainMinutes, now);
    await putDeployment({ deployment: event.deployment, cluster, release: 'rollback', status: 'ROLLED_BACK', from: bad, to: previous, startedAt: now, endedAt: Date.now(), kind: 'rollback', trigger: request.requestedBy ?? 'console', ...(request.reason ? { cause: request.reason } : {}) });
    await clearLastSuccess(cluster);
    const result: ManualRollbackResult = {
      outcome: 'rolled-back',
      cluster,
      deployment: event.deployment,
      from: bad,
      to: previous,
      traffic: { [previous]: 100, [bad]: 0 },
      teardown: { serverGroup: bad, at: at.toISOString() },
    };
    count(cluster, METRIC.rolledBack);
    const warning = await announce('Deployment Rolled Back', { ...result, manual: true });
    if (warning) result.warnings = [warning];
    return result;
  } finally {
    await releaseLock(cluster, event.deployment);
  }
}
