/**
 * Plan: everything a deployment decides before it changes anything. From the input and config
 * Validate checked, reads the listener and the cluster's groups, picks the next vNNN, checks the
 * cluster's windows, and only then takes the cluster's lock and records the deployment. A failure
 * here changes nothing.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { clusterGroups, groupTag } from '../aws/autoscaling.js';
import { forwardTargets, readSwapPoint, type SwapPoint } from '../aws/elbv2.js';
import { acquireLock, getDeployment, putDeployment, releaseLock } from '../aws/store.js';
import { TAG } from '../aws/tags.js';
import type { ClusterConfig } from '../domain/config.js';
import { artifactIdentity } from '../domain/artifact-identity.js';
import { ClusterNotFound, DeploymentInProgress, DomainError, InvalidClusterConfig, InvalidInput, ListenerDrifted } from '../domain/errors.js';
import type { DeployInput } from '../domain/input.js';
import { parseBakeSeconds } from '../domain/poll.js';
import { baselineGroupName, baselineTargetGroupName, belongsToCluster, nextSequence, parseServerGroup, serverGroupName, targetGroupName } from '../domain/names.js';
import { logger } from '../lambda/logger.js';
import type { DeploymentState, LiveGroup } from './shared/state.js';
import { savedMinSize } from './shared/pinning.js';
import { leaseFor } from '../domain/lease.js';
import { deploymentGate, MAX_WINDOW_WAIT_MS, waitTimestamp } from './shared/deployment-gate.js';
import { announce } from './shared/observe.js';
import { announceRefusal } from './shared/refusal.js';

/** What Validate returns (src/steps/validate.ts): a checked input and the cluster's parsed config. */
export interface PlanEvent {
  input: DeployInput;
  deployment: string;
  config: ClusterConfig;
}

/** A start of the artifact the cluster already serves: nothing to do (the state machine ends in AlreadyLive). */
export interface AlreadyLive {
  alreadyLive: true;
  outcome: 'already-live';
  cluster: string;
  release: string;
  serverGroup: string;
  /** The deployment that made it live. */
  deployment: string;
}

export async function plan(event: PlanEvent): Promise<DeploymentState | AlreadyLive> {
  let state: DeploymentState | AlreadyLive;
  try {
    state = await planDeployment(event);
  } catch (err) {
    // A refusal ends the deployment here (PlanFailed): say so. Transient errors are retried instead.
    if (err instanceof DomainError) await announceRefusal(event, err);
    throw err;
  }
  if ('alreadyLive' in state) return state;
  // Waiting for a window: nothing started yet (no lock); Plan runs again when it opens.
  if (state.windowWait) return state;
  const warnings = freshBaselineFallback(state);
  await announce('Deployment Started', {
    cluster: state.cluster,
    deployment: state.deployment,
    release: state.release,
    from: state.live?.serverGroup ?? null,
    to: state.next.serverGroup,
    source: state.imageId ? 'prebaked' : 'bake',
    steps: state.config.traffic.steps,
    ...(state.baseline ? { baseline: state.baseline.serverGroup } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  });
  return state;
}

/**
 * A cluster's first deployment has no live image to launch a fresh baseline from: it goes ahead
 * without one (the judge then has nothing to compare with and skips, as with `baseline: live`),
 * and says so, rather than refusing a config that is right for every later deployment.
 */
function freshBaselineFallback(state: DeploymentState): string[] {
  if (state.config.canary?.baseline !== 'fresh' || state.live) return [];
  const warning = 'canary.baseline is fresh but the cluster has no live group to launch a baseline from (first deployment): no baseline group, the judge skips';
  logger.warn(warning, { cluster: state.cluster, deployment: state.deployment });
  return [warning];
}

async function planDeployment(event: PlanEvent): Promise<DeploymentState | AlreadyLive> {
  // Validate checked the input, the config and the artifact or image; Plan trusts its own state machine's document.
  const { input, config } = event;
  if (typeof event.deployment !== 'string' || event.deployment === '' || !input || !config) {
    throw new InvalidInput('input', 'Plan runs on what Validate returns ({input, deployment, config})');
  }
  const { cluster } = input;

  const point = await readPoint(cluster, config);
  // The cluster's groups: those named <cluster>-vNNN, and a group adopted under another name.
  const groups = (await clusterGroups(cluster)).filter((g) => belongsToCluster(g.AutoScalingGroupName ?? '', cluster) || groupTag(g, TAG.adopted) === 'true');
  const live = findLive(cluster, point, groups);
  if (!live && !config.launch) {
    throw new InvalidClusterConfig(cluster, 'launch', 'is required for a first deployment (no server group serves the listener)');
  }
  const identity = artifactIdentity(input);
  if (live && !input.force) {
    // One deployment per artifact from every entry point: a console start under another name is caught here.
    const liveGroup = groups.find((g) => g.AutoScalingGroupName === live.serverGroup);
    const madeBy = liveGroup && groupTag(liveGroup, TAG.deployment);
    const record = madeBy ? await getDeployment(cluster, madeBy) : undefined;
    if (record?.artifact === identity && record.status === 'SUCCEEDED') {
      return { alreadyLive: true, outcome: 'already-live', cluster, release: input.release, serverGroup: live.serverGroup, deployment: record.deployment };
    }
  }
  const inUse = groups.map((g) => parseServerGroup(g.AutoScalingGroupName ?? '')?.sequence).filter((n): n is number => n !== undefined);
  // After an adopted group (no number of its own) comes v001, as if it had been v000.
  const newest = newestSequence(groups) ?? (live && !parseServerGroup(live.serverGroup) ? 0 : undefined);
  const sequence = nextSequence(inUse, newest);
  const serverGroup = serverGroupName(cluster, sequence);

  const now = Date.now();
  const leaseSeconds = leaseFor(config);
  const state: DeploymentState = {
    deployment: event.deployment,
    cluster,
    release: input.release,
    ...(input.artifact ? { artifact: input.artifact } : {}),
    ...(input.imageId ? { imageId: input.imageId } : {}),
    config,
    swap: { kind: point.kind, arn: point.arn, before: point.actions },
    ...(live ? { live } : {}),
    next: { serverGroup, sequence, targetGroupName: targetGroupName(serverGroup) },
    ...(live && config.canary?.baseline === 'fresh' ? { baseline: { serverGroup: baselineGroupName(serverGroup), targetGroupName: baselineTargetGroupName(serverGroup) } } : {}),
    startedAt: now,
    leaseSeconds,
  };
  // Outside the windows or in a freeze: refused, or (waitForWindow) no lock yet and a Wait until it opens.
  const gate = await deploymentGate(cluster, config, now);
  if (!gate.open) {
    if (config.waitForWindow && gate.opensAt !== undefined && gate.opensAt - now <= MAX_WINDOW_WAIT_MS) {
      return { ...state, windowWait: { until: waitTimestamp(gate.opensAt), reason: gate.error.message, input: event.input } };
    }
    throw gate.error;
  }
  const lock = await acquireLock(cluster, event.deployment, leaseSeconds, now);
  if (!lock.acquired) throw new DeploymentInProgress(cluster, lock.holder.deployment);
  try {
    await putDeployment({
      deployment: event.deployment,
      cluster,
      release: input.release,
      status: 'RUNNING',
      from: live?.serverGroup,
      to: serverGroup,
      startedAt: now,
      kind: 'deploy',
      trigger: input.requestedBy ?? 'console',
      artifact: identity,
      // Recovery's copy of what Rollback would know, for an execution stopped before it could roll back.
      plan: JSON.stringify(state),
    });
  } catch (err) {
    // A failed Plan changes nothing: a retry takes the lock again, PlanFailed must not keep it.
    await releaseLock(cluster, event.deployment).catch(() => undefined);
    throw err;
  }
  return state;
}

async function readPoint(cluster: string, config: ClusterConfig): Promise<SwapPoint> {
  const arn = (config.listenerArn ?? config.ruleArn) as string;
  try {
    return await readSwapPoint(arn);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'ListenerNotFoundException' || name === 'RuleNotFoundException') {
      throw new InvalidClusterConfig(cluster, config.listenerArn ? 'listenerArn' : 'ruleArn', `${arn} does not exist`);
    }
    throw err;
  }
}

/** The group behind the one target group the listener forwards to with weight > 0. */
function findLive(cluster: string, point: SwapPoint, groups: AutoScalingGroup[]): LiveGroup | undefined {
  const serving = forwardTargets(point.actions).filter((t) => t.weight > 0);
  if (serving.length === 0) return undefined;
  if (serving.length > 1) {
    throw new ListenerDrifted(point.arn, `forwards to ${serving.length} target groups with weight > 0: an earlier traffic shift did not finish; roll back or finish it first`);
  }
  const tg = (serving[0] as { targetGroupArn: string }).targetGroupArn;
  const group = groups.find((g) => g.TargetGroupARNs?.includes(tg));
  if (!group) throw new ClusterNotFound(cluster, `the listener forwards to ${tg}, which no server group of the cluster serves`);
  const spec = group.LaunchTemplate ?? group.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!spec?.LaunchTemplateId) throw new ClusterNotFound(cluster, `live group ${group.AutoScalingGroupName} has no launch template`);
  const bakeSeconds = parseBakeSeconds(groupTag(group, TAG.bakeSeconds));
  return {
    serverGroup: group.AutoScalingGroupName as string,
    targetGroupArn: tg,
    launchTemplate: { id: spec.LaunchTemplateId, version: spec.Version ?? '$Default' },
    desired: group.DesiredCapacity ?? 0,
    // A pin left by a dead deployment is not the group's own setting: its saved original is.
    min: savedMinSize(group) ?? group.MinSize ?? 0,
    max: group.MaxSize ?? 0,
    ...(bakeSeconds ? { bakeSeconds } : {}),
  };
}

/** The most recently created group's number: the next one follows it, even across the 999 → 000 wrap. */
function newestSequence(groups: AutoScalingGroup[]): number | undefined {
  let newest: AutoScalingGroup | undefined;
  for (const g of groups) if (!newest || (g.CreatedTime?.getTime() ?? 0) > (newest.CreatedTime?.getTime() ?? 0)) newest = g;
  return newest ? parseServerGroup(newest.AutoScalingGroupName ?? '')?.sequence : undefined;
}
