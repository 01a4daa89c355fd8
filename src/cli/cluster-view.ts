/**
 * One cluster as the operator sees it, read-only: its server groups (release, image, capacity,
 * healthy targets, listener weight, pins, scheduled teardowns), who holds its lock and the
 * deployment in progress. `status`, `plan` and `abort` read clusters through this.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { clusterGroups, groupTag } from '../aws/autoscaling.js';
import { launchTemplateVersions } from '../aws/ec2.js';
import { forwardTargets, readSwapPoint, targetStates } from '../aws/elbv2.js';
import { describeExecution, historySince } from '../aws/executions.js';
import { scheduleTime } from '../aws/schedule-reads.js';
import { executionArnOf } from '../aws/sfn.js';
import { getParameter } from '../aws/ssm.js';
import { lockHolder } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import { type ClusterConfig, parseClusterConfig } from '../domain/config.js';
import { countHealthy } from '../domain/health.js';
import { belongsToCluster, parseCluster, scheduleName } from '../domain/names.js';
import type { Resources } from './context.js';
import { refused } from './errors.js';
import { buildTimeline, type Timeline } from './timeline.js';

export interface GroupView {
  name: string;
  release?: string;
  deployment?: string;
  image?: string;
  desired: number;
  min: number;
  max: number;
  healthy: number;
  targets: number;
  /** Percent of the listener's traffic. */
  weight: number;
  targetGroupArn?: string;
  pinnedBy?: string;
  teardownAt?: string;
  createdAt?: string;
}

export interface ClusterView {
  cluster: string;
  config: ClusterConfig;
  swapArn: string;
  groups: GroupView[];
  /** Fresh canary baselines of the deployment in progress (or left by one): never server groups, never rollback targets. */
  baselines?: GroupView[];
  lock?: { deployment: string; acquiredAt: string; expiresAt: string };
  running?: Timeline;
}

/** The cluster's validated config; a missing one is a refusal naming the parameter. */
export async function readConfig(cluster: string, r: Resources): Promise<ClusterConfig> {
  parseCluster(cluster);
  const name = `${r.configPath}/${cluster}`;
  const raw = await getParameter(name);
  if (raw === undefined) throw refused(`cluster ${cluster} has no configuration (SSM parameter ${name}): see "redblack cluster put"`, 'ClusterNotFound');
  return parseClusterConfig(raw, cluster);
}

const iso = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString();

export async function readCluster(cluster: string, r: Resources, options: { timeline?: boolean } = {}): Promise<ClusterView> {
  const config = await readConfig(cluster, r);
  const swapArn = (config.listenerArn ?? config.ruleArn) as string;
  const [point, asgs, lock] = await Promise.all([readSwapPoint(swapArn), clusterGroups(cluster), lockHolder(cluster)]);
  const forward = forwardTargets(point.actions);
  const total = forward.reduce((n, f) => n + f.weight, 0);
  const mine = asgs.filter((g) => belongsToCluster(g.AutoScalingGroupName ?? '', cluster) || groupTag(g, TAG.cluster) === cluster);
  // A fresh baseline carries the cluster's tag but is no server group: listed apart.
  const isBaseline = (g: AutoScalingGroup) => groupTag(g, TAG.role) === 'baseline';
  const groups = await Promise.all(mine.filter((g) => !isBaseline(g)).map((g) => groupView(g, forward, total, r)));
  // One being deleted (its deployment ended) is gone for the operator; its target group may already be.
  const baselines = await Promise.all(mine.filter((g) => isBaseline(g) && g.Status === undefined).map((g) => groupView(g, forward, total, r)));
  groups.sort((a, b) => b.weight - a.weight || (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  const view: ClusterView = { cluster, config, swapArn, groups, ...(baselines.length > 0 ? { baselines } : {}) };
  if (lock && lock.expiresAt * 1000 > Date.now()) {
    view.lock = { deployment: lock.deployment, acquiredAt: iso(lock.acquiredAt), expiresAt: iso(lock.expiresAt) };
    if (options.timeline !== false) {
      const arn = executionArnOf(r.stateMachineArn, lock.deployment);
      if (await describeExecution(arn)) view.running = buildTimeline(lock.deployment, await historySince(arn));
    }
  }
  return view;
}

async function groupView(g: AutoScalingGroup, forward: { targetGroupArn: string; weight: number }[], total: number, r: Resources): Promise<GroupView> {
  const name = g.AutoScalingGroupName as string;
  const tg = g.TargetGroupARNs?.[0] ?? g.TrafficSources?.[0]?.Identifier;
  const spec = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  const [states, versions, teardown] = await Promise.all([
    tg ? targetStates(tg) : Promise.resolve([]),
    spec?.LaunchTemplateId ? launchTemplateVersions(spec.LaunchTemplateId, [spec.Version ?? '$Default']).catch(() => []) : Promise.resolve([]),
    scheduleTime(scheduleName(name), r.scheduleGroup),
  ]);
  const weight = forward.find((f) => f.targetGroupArn === tg)?.weight ?? 0;
  const release = groupTag(g, TAG.release);
  const deployment = groupTag(g, TAG.deployment);
  const pinnedBy = groupTag(g, TAG.pinnedBy);
  const image = versions[0]?.LaunchTemplateData?.ImageId;
  return {
    name,
    ...(release ? { release } : {}),
    ...(deployment ? { deployment } : {}),
    ...(image ? { image } : {}),
    desired: g.DesiredCapacity ?? 0,
    min: g.MinSize ?? 0,
    max: g.MaxSize ?? 0,
    healthy: countHealthy(states.map((s) => s.state)),
    targets: states.length,
    weight: total === 0 ? 0 : Math.round((weight * 100) / total),
    ...(tg ? { targetGroupArn: tg } : {}),
    ...(pinnedBy ? { pinnedBy } : {}),
    ...(teardown ? { teardownAt: teardown.toISOString() } : {}),
    ...(g.CreatedTime ? { createdAt: new Date(g.CreatedTime).toISOString() } : {}),
  };
}
