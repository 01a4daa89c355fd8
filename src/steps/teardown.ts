/**
 * Teardown. Run by a group's one-shot schedule (`{serverGroup, deployment}`) or by the daily
 * sweep (`{mode: 'sweep'}`, or the raw Scheduled Event): deletes server groups, their target
 * groups and schedules, and orphaned fresh canary baselines, terminates stray builders, and
 * deregisters images past retention. It re-checks at run time that a group neither serves
 * traffic nor is the cluster's only healthy group (invariant 7), and holds the cluster's lock
 * while it touches the listener.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { clusterGroups, deleteGroup, describeGroup, groupTag } from '../aws/autoscaling.js';
import { deregisterImage, imagesTagged, instancesTagged, launchTemplateVersions, terminateInstances } from '../aws/ec2.js';
import { deleteTargetGroup, findTargetGroupByName, forwardTargets, readSwapPoint, targetStates, writeSwapPoint } from '../aws/elbv2.js';
import { parametersByPath } from '../aws/ssm.js';
import { acquireLock, putDeployment, releaseLock } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import type { ClusterConfig } from '../domain/config.js';
import { InvalidInput, TeardownRefused } from '../domain/errors.js';
import { countHealthy } from '../domain/health.js';
import { belongsToCluster, parseServerGroup, targetGroupName } from '../domain/names.js';
import { assertCanTearDown, type GroupState, selectForSweep } from '../domain/teardown.js';
import { setting } from '../env.js';
import { logger } from '../lambda/logger.js';
import { isBaselineGroup } from './shared/baseline.js';
import { withForward } from './shared/forward.js';
import { loadClusterConfig } from './shared/cluster-config.js';
import { cancelTeardown, scheduleTeardown } from './shared/teardown-schedule.js';

/** A teardown that finds the cluster locked by a deployment tries again this much later. */
export const DEFER_MINUTES = 15;
const LOCK_SECONDS = 15 * 60;

export interface TeardownReport {
  mode: 'group' | 'sweep';
  deleted: string[];
  deferred: string[];
  refused: { serverGroup: string; reason: string }[];
  images: string[];
  builders: string[];
}

export async function teardown(event: unknown): Promise<TeardownReport> {
  const report: TeardownReport = { mode: 'group', deleted: [], deferred: [], refused: [], images: [], builders: [] };
  if (isSweep(event)) {
    report.mode = 'sweep';
    await sweep(report);
    logReport(report);
    return report;
  }
  const e = (event ?? {}) as { serverGroup?: unknown; deployment?: unknown };
  const cluster = typeof e.serverGroup === 'string' ? (parseServerGroup(e.serverGroup)?.cluster ?? (await adoptedCluster(e.serverGroup))) : undefined;
  if (cluster === undefined) {
    throw new InvalidInput('serverGroup', `must be a server group name <cluster>-vNNN (got ${JSON.stringify(e.serverGroup)})`);
  }
  const serverGroup = e.serverGroup as string;
  const config = await loadClusterConfig(cluster);
  // Refuse before taking the lock, so a refused teardown changes nothing; re-checked under the lock.
  const seen = await clusterView(cluster, config);
  const target = seen.groups.find((g) => g.name === e.serverGroup);
  if (target) assertCanTearDown(target, { groups: seen.groups });
  await withClusterLock(cluster, `teardown-${serverGroup}`, report, serverGroup, async () => {
    const view = await clusterView(cluster, config);
    const group = view.groups.find((g) => g.name === e.serverGroup);
    if (group) {
      assertCanTearDown(group, { groups: view.groups });
      await removeGroup(cluster, group, view, 'schedule');
      report.deleted.push(group.name);
    } else {
      // Already gone (a retry, or removed by hand): finish what may be left of it.
      const tg = await findTargetGroupByName(targetGroupName(e.serverGroup as string));
      if (tg?.TargetGroupArn && !view.serving.has(tg.TargetGroupArn)) await deleteTargetGroup(tg.TargetGroupArn);
      await cancelTeardown(e.serverGroup as string);
    }
    report.images.push(...(await expireImages(cluster, config, view.raw)));
  });
  logReport(report);
  return report;
}

/** The cluster of a group `redblack cluster adopt` brought under redblack (any name), if it is one. */
async function adoptedCluster(name: string): Promise<string | undefined> {
  // Only what can be an Auto Scaling group name is looked up (1-255 printable characters).
  if (!/^[\x20-\x7e]{1,255}$/.test(name)) return undefined;
  const group = await describeGroup(name);
  return group && groupTag(group, TAG.adopted) === 'true' ? groupTag(group, TAG.cluster) : undefined;
}

/** One INFO line per run: what was deleted, and what was kept (deferred or refused) and why. */
function logReport(report: TeardownReport): void {
  logger.info('teardown done', {
    mode: report.mode,
    deleted: report.deleted,
    images: report.images,
    builders: report.builders,
    kept: [...report.deferred.map((g) => ({ serverGroup: g, reason: 'cluster locked: deferred' })), ...report.refused],
  });
}

function isSweep(event: unknown): boolean {
  const e = event as { mode?: unknown; 'detail-type'?: unknown } | null;
  return !!e && (e.mode === 'sweep' || e['detail-type'] === 'Scheduled Event');
}

interface ClusterView {
  groups: (GroupState & { targetGroupArn?: string })[];
  raw: AutoScalingGroup[];
  /** Target group ARN → weight, for every target group in the forward action. */
  weights: Map<string, number>;
  serving: Set<string>;
  point: Awaited<ReturnType<typeof readSwapPoint>>;
}

async function clusterView(cluster: string, config: ClusterConfig): Promise<ClusterView> {
  const point = await readSwapPoint((config.listenerArn ?? config.ruleArn) as string);
  const weights = new Map(forwardTargets(point.actions).map((t) => [t.targetGroupArn, t.weight]));
  const serving = new Set([...weights].filter(([, w]) => w > 0).map(([arn]) => arn));
  const raw = (await clusterGroups(cluster)).filter(
    (g) => (belongsToCluster(g.AutoScalingGroupName ?? '', cluster) || groupTag(g, TAG.adopted) === 'true') && g.Status === undefined,
  );
  const groups = await Promise.all(
    raw.map(async (g) => {
      const tg = g.TargetGroupARNs?.[0];
      const healthy = tg ? countHealthy((await targetStates(tg)).map((t) => t.state)) : 0;
      return {
        name: g.AutoScalingGroupName as string,
        sequence: parseServerGroup(g.AutoScalingGroupName as string)?.sequence ?? 0,
        createdAt: g.CreatedTime?.getTime() ?? 0,
        serving: (g.TargetGroupARNs ?? []).some((arn) => serving.has(arn)),
        healthy,
        ...(tg ? { targetGroupArn: tg } : {}),
      };
    }),
  );
  return { groups, raw, weights, serving, point };
}

async function removeGroup(cluster: string, group: ClusterView['groups'][number], view: ClusterView, trigger: 'schedule' | 'daily-sweep'): Promise<void> {
  const startedAt = Date.now();
  const tg = group.targetGroupArn;
  if (tg && view.weights.has(tg)) {
    if ((view.weights.get(tg) ?? 0) > 0) throw new TeardownRefused(group.name, 'it serves traffic');
    // Kept at weight 0 for a one-flip rollback; taking it out changes no traffic.
    const rest = [...view.weights].filter(([arn]) => arn !== tg).map(([arn, weight]) => ({ arn, weight }));
    await writeSwapPoint({ ...view.point, actions: withForward(view.point.actions, rest) });
  }
  const raw = view.raw.find((g) => g.AutoScalingGroupName === group.name);
  await deleteGroup(group.name);
  // An adopted group's target group is not redblack's (nor named so its role may delete it): left as it was.
  if (tg && !(raw && groupTag(raw, TAG.adopted) === 'true')) await deleteTargetGroup(tg);
  await cancelTeardown(group.name);
  // The ledger's record of it (`redblack history`); named by group and creation, so a reused name gets its own.
  await putDeployment({
    deployment: `teardown-${group.name}-${Math.floor(group.createdAt / 1000)}`,
    cluster,
    release: raw?.Tags?.find((t) => t.Key === TAG.release)?.Value ?? '-',
    status: 'SUCCEEDED',
    from: group.name,
    startedAt,
    endedAt: Date.now(),
    kind: 'teardown',
    trigger,
  });
}

async function sweep(report: TeardownReport): Promise<void> {
  const path = setting('configPath');
  for (const name of (await parametersByPath(path)).keys()) {
    const cluster = name.slice(path.length + 1);
    let config: ClusterConfig;
    try {
      config = await loadClusterConfig(cluster);
    } catch (err) {
      report.refused.push({ serverGroup: `${cluster}-*`, reason: (err as Error).message });
      continue;
    }
    await withClusterLock(cluster, `sweep-${cluster}`, report, `${cluster}-*`, async () => {
      const view = await clusterView(cluster, config);
      for (const group of selectForSweep({ groups: view.groups, maxRemaining: config.teardown.maxRemainingGroups })) {
        await removeGroup(cluster, group, view, 'daily-sweep');
        report.deleted.push(group.name);
      }
      await sweepBaselines(cluster, view, report);
      report.builders.push(...(await strayBuilders(cluster, config)));
      report.images.push(...(await expireImages(cluster, config, view.raw)));
    });
  }
}

/**
 * Fresh canary baselines left by a deployment that ended without removing its own (its Finalize,
 * Rollback and Recover all delete it; this is the net under them). The sweep holds the cluster's
 * lock, so no deployment is running: every baseline it finds is orphaned. One that still has
 * weight is refused (taking it out would move traffic); at weight 0 it leaves the listener first.
 */
async function sweepBaselines(cluster: string, view: ClusterView, report: TeardownReport): Promise<void> {
  const baselines = (await clusterGroups(cluster)).filter((g) => isBaselineGroup(g) && g.Status === undefined);
  if (baselines.length === 0) return;
  // Read afresh: the sweep may have just taken a torn-down group out of the listener.
  let point = await readSwapPoint(view.point.arn);
  for (const g of baselines) {
    const name = g.AutoScalingGroupName as string;
    const tg = g.TargetGroupARNs?.[0];
    const weight = tg ? forwardTargets(point.actions).find((t) => t.targetGroupArn === tg)?.weight : undefined;
    if (weight !== undefined && weight > 0) {
      report.refused.push({ serverGroup: name, reason: 'a fresh canary baseline that still serves traffic: roll its deployment back first' });
      continue;
    }
    if (tg && weight !== undefined) {
      const rest = forwardTargets(point.actions)
        .filter((t) => t.targetGroupArn !== tg)
        .map((t) => ({ arn: t.targetGroupArn, weight: t.weight }));
      point = { ...point, actions: withForward(point.actions, rest) };
      await writeSwapPoint(point);
    }
    await deleteGroup(name);
    if (tg) await deleteTargetGroup(tg);
    report.deleted.push(name);
  }
}

/**
 * Runs `work` holding the cluster's lock. If a deployment holds it, the group's teardown is
 * rescheduled (a one-shot schedule fires once) and the sweep skips the cluster until tomorrow.
 */
async function withClusterLock(cluster: string, owner: string, report: TeardownReport, what: string, work: () => Promise<void>): Promise<void> {
  const id = `${owner}-${Date.now()}`;
  const lock = await acquireLock(cluster, id, LOCK_SECONDS, Date.now());
  if (!lock.acquired) {
    report.deferred.push(what);
    if (!what.endsWith('-*')) await deferTeardown(what, lock.holder.deployment);
    return;
  }
  try {
    await work();
  } finally {
    await releaseLock(cluster, id);
  }
}

async function deferTeardown(serverGroup: string, holder: string): Promise<void> {
  await cancelTeardown(serverGroup);
  await scheduleTeardown(serverGroup, `deferred-behind-${holder}`.slice(0, 80), DEFER_MINUTES, Date.now());
}

/** Builders left running (a crashed bake) past twice the bake timeout. */
async function strayBuilders(cluster: string, config: ClusterConfig): Promise<string[]> {
  const limit = Date.now() - 2 * (config.bake?.timeoutMinutes ?? 30) * 60_000;
  const stray = (await instancesTagged({ [TAG.cluster]: cluster, [TAG.role]: 'builder' })).filter((i) => (i.LaunchTime?.getTime() ?? 0) < limit);
  const ids = stray.map((i) => i.InstanceId as string);
  await terminateInstances(ids);
  return ids;
}

/** Images of the cluster older than the retention, and used by no remaining group's launch template version. */
async function expireImages(cluster: string, config: ClusterConfig, groups: AutoScalingGroup[]): Promise<string[]> {
  const limit = Date.now() - config.teardown.imageRetentionDays * 86_400_000;
  const images = (await imagesTagged({ [TAG.cluster]: cluster })).filter((i) => i.ImageId && Date.parse(i.CreationDate ?? '') < limit);
  if (images.length === 0) return [];
  const inUse = new Set<string>();
  for (const g of groups) {
    const lt = g.LaunchTemplate ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
    if (!lt?.LaunchTemplateId) continue;
    for (const v of await launchTemplateVersions(lt.LaunchTemplateId, [lt.Version ?? '$Default'])) {
      if (v.LaunchTemplateData?.ImageId) inUse.add(v.LaunchTemplateData.ImageId);
    }
  }
  const expired = images.filter((i) => !inUse.has(i.ImageId as string)).map((i) => i.ImageId as string);
  for (const id of expired) await deregisterImage(id);
  return expired;
}

