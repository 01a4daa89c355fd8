/**
 * LaunchGroup: the new server group beside the live one — target group cloned from the live
 * group's, a launch template version that changes only the image, the Auto Scaling group cloned
 * from the live group; with canary `baseline: fresh`, a baseline group from the live image beside
 * it — then the live group is pinned so it cannot scale in mid-deploy. Every action is idempotent
 * so a step retried after a crash makes no duplicates.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import type { Action, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import { createGroup, describeGroup, groupPolicies, groupTag, lifecycleHooks, putPolicy, tagGroup, updateGroup } from '../aws/autoscaling.js';
import { createLaunchTemplateVersion, launchTemplateByName, launchTemplateVersions, launchTemplateVersionsAfter } from '../aws/ec2.js';
import {
  createTargetGroup,
  describeTargetGroup,
  forwardTargets,
  readSwapPoint,
  setTargetGroupAttributes,
  targetGroupAttributes,
  type TargetGroupSpec,
  writeSwapPoint,
} from '../aws/elbv2.js';
import { identityTags, TAG } from '../aws/tags.js';
import { ClusterNotFound, DeploymentInProgress, InvalidClusterConfig, ListenerDrifted } from '../domain/errors.js';
import { requiredHealthy } from '../domain/health.js';
import { formatBakeSeconds, pollSeconds } from '../domain/poll.js';
import { BASELINE_ROLE } from './shared/baseline.js';
import { cloneGroupInput, clonePolicies, firstGroupInput } from './shared/clone-group.js';
import { copyGroupSettings } from './shared/clone-settings.js';
import { forwardSignature, sameActions, withForward } from './shared/forward.js';
import { unpinnedView } from './shared/pinning.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, Launched, LaunchedBaseline } from './shared/state.js';

/** Target group attributes worth carrying over (the rest are defaults or load-balancer-wide). */
const CLONED_ATTRIBUTES = /^(deregistration_delay\.|stickiness\.|load_balancing\.|slow_start\.|target_group_health\.)/;

export async function launchGroup(state: DeploymentState): Promise<Launched> {
  requireState(state, PLANNED, { 'image.imageId': 'string' });
  const imageId = state.image?.imageId as string;
  const name = state.next.serverGroup;
  const tags = identityTags({ cluster: state.cluster, deployment: state.deployment, release: state.release, serverGroup: name });
  const liveGroup = state.live ? await describeGroup(state.live.serverGroup) : undefined;
  if (state.live && !liveGroup) throw new ClusterNotFound(state.cluster, `live group ${state.live.serverGroup} disappeared`);

  const tg = await cloneTargetGroup(state, state.next.targetGroupName, tags);
  const { source, ...template } = await newTemplateVersion(state, imageId);
  // The group remembers how long its bake took: the next deployment's bake polls on that.
  const bakeSeconds = formatBakeSeconds({ ...state.live?.bakeSeconds, ...state.image?.took });
  const spec = {
    name,
    launchTemplate: template,
    targetGroupArn: tg.arn,
    tags: bakeSeconds ? [...tags, { Key: TAG.bakeSeconds, Value: bakeSeconds }] : tags,
    ...(state.live ? { liveTargetGroupArn: state.live.targetGroupArn } : {}),
  };
  // Cloned from the live group as it is unpinned: a pin (ours or a dead deployment's) never leaks.
  const input = liveGroup ? cloneGroupInput(unpinnedView(liveGroup), await lifecycleHooks(liveGroup.AutoScalingGroupName as string), spec) : firstGroupInput(launchConfig(state), spec);
  if (!(await createGroup(input))) {
    const existing = await describeGroup(name);
    const owner = existing && groupTag(existing, TAG.deployment);
    if (owner !== state.deployment) throw new DeploymentInProgress(state.cluster, owner ?? 'unknown (untagged group)');
  }
  if (liveGroup && state.live) {
    const livePolicies = await groupPolicies(state.live.serverGroup);
    const policyArns = new Map<string, string>();
    for (const [i, p] of clonePolicies(livePolicies, name, state.live.targetGroupArn, tg.arn).entries()) {
      const arn = await putPolicy(p);
      const was = livePolicies[i]?.PolicyARN;
      if (arn && was) policyArns.set(was, arn);
    }
    await copyGroupSettings(liveGroup, name, livePolicies, policyArns, Date.now());
    await pin(liveGroup, state.deployment);
  }

  const desired = input.DesiredCapacity ?? 0;
  const baseline = liveGroup ? await launchBaseline(state, liveGroup, { id: template.id, version: source }, desired) : undefined;
  const staged = await stage(state, [tg.arn, ...(baseline ? [baseline.targetGroupArn] : [])]);
  const interval = tg.intervalSeconds;
  const now = Date.now();
  return {
    serverGroup: name,
    targetGroupArn: tg.arn,
    launchTemplate: template,
    desired,
    required: requiredHealthy(desired, state.config.healthGate.minHealthyPercent),
    healthCheck: { intervalSeconds: interval, healthyThreshold: tg.healthyThreshold },
    ...(baseline ? { baseline } : {}),
    staged,
    deadline: now + state.config.healthGate.timeoutMinutes * 60_000,
    // No target can be healthy before it has passed `threshold` checks: don't look sooner.
    waitSeconds: pollSeconds({ now, since: now, expectedAt: now + interval * tg.healthyThreshold * 1000 }),
  };
}

/**
 * The fresh baseline (canary `baseline: fresh`): a group cloned from the live group with the live
 * group's own launch template version (the live image) and the canary's desired capacity, fixed
 * (min = max = desired, no scaling policies: a comparison, not a service), in its own target group
 * cloned from the live one and serving no other. Tagged with the deployment and role `baseline`,
 * and named `<new group>-baseline`, never a server group name of the cluster.
 */
async function launchBaseline(state: DeploymentState, liveGroup: AutoScalingGroup, launchTemplate: { id: string; version: number }, desired: number): Promise<LaunchedBaseline | undefined> {
  if (!state.baseline || !state.live) return undefined;
  const name = state.baseline.serverGroup;
  const tags = [...identityTags({ cluster: state.cluster, deployment: state.deployment, serverGroup: name }), { Key: TAG.role, Value: BASELINE_ROLE }];
  const tg = await cloneTargetGroup(state, state.baseline.targetGroupName, tags);
  const cloned = cloneGroupInput(unpinnedView(liveGroup), await lifecycleHooks(liveGroup.AutoScalingGroupName as string), {
    name,
    launchTemplate,
    targetGroupArn: tg.arn,
    tags,
    liveTargetGroupArn: state.live.targetGroupArn,
  });
  // Only its own target group: the live group's other listeners must not send it requests.
  const { TrafficSources: _sources, ...input } = cloned;
  const created = await createGroup({ ...input, TargetGroupARNs: [tg.arn], MinSize: desired, MaxSize: desired, DesiredCapacity: desired });
  if (!created) {
    const existing = await describeGroup(name);
    const owner = existing && groupTag(existing, TAG.deployment);
    if (owner !== state.deployment) throw new DeploymentInProgress(state.cluster, owner ?? 'unknown (untagged group)');
  }
  return { serverGroup: name, targetGroupArn: tg.arn, launchTemplate, desired, required: requiredHealthy(desired, state.config.healthGate.minHealthyPercent) };
}

/**
 * ALB health-checks only target groups a listener or rule uses: the new one (and a fresh
 * baseline's) joins the forward action at weight 0, so its targets are checked while it still
 * gets no traffic.
 */
async function stage(state: DeploymentState, targetGroupArns: string[]): Promise<Action[]> {
  const kept = forwardTargets(state.swap.before).map((t) => ({ arn: t.targetGroupArn, weight: t.weight }));
  const staged = withForward(state.swap.before, [...kept, ...targetGroupArns.map((arn) => ({ arn, weight: 0 }))]);
  const point = await readSwapPoint(state.swap.arn);
  if (sameActions(point.actions, staged)) return staged;
  if (!sameActions(point.actions, state.swap.before)) {
    throw new ListenerDrifted(state.swap.arn, `expected ${forwardSignature(state.swap.before)}, found ${forwardSignature(point.actions)}`);
  }
  await writeSwapPoint({ ...point, actions: staged });
  return staged;
}

interface ClonedTargetGroup {
  arn: string;
  intervalSeconds: number;
  healthyThreshold: number;
}

async function cloneTargetGroup(state: DeploymentState, name: string, tags: { Key: string; Value: string }[]): Promise<ClonedTargetGroup> {
  let spec: TargetGroupSpec;
  let attributes: TargetGroupAttribute[];
  if (state.live) {
    const live = await describeTargetGroup(state.live.targetGroupArn);
    if (!live) throw new ClusterNotFound(state.cluster, `live target group ${state.live.targetGroupArn} disappeared`);
    spec = {
      name,
      protocol: live.Protocol as string,
      port: live.Port as number,
      vpcId: live.VpcId as string,
      healthCheckPath: live.HealthCheckPath,
      healthCheckProtocol: live.HealthCheckProtocol,
      healthCheckPort: live.HealthCheckPort,
      healthCheckIntervalSeconds: live.HealthCheckIntervalSeconds,
      healthCheckTimeoutSeconds: live.HealthCheckTimeoutSeconds,
      healthyThresholdCount: live.HealthyThresholdCount,
      unhealthyThresholdCount: live.UnhealthyThresholdCount,
      matcher: live.Matcher?.HttpCode,
      tags,
    };
    attributes = (await targetGroupAttributes(state.live.targetGroupArn)).filter((a) => CLONED_ATTRIBUTES.test(a.Key ?? ''));
  } else {
    const t = launchConfig(state).targetGroup;
    spec = {
      name,
      protocol: t.protocol,
      port: t.port,
      vpcId: t.vpcId,
      healthCheckPath: t.healthCheckPath,
      healthCheckIntervalSeconds: t.healthCheckIntervalSeconds,
      healthyThresholdCount: t.healthyThresholdCount,
      unhealthyThresholdCount: t.unhealthyThresholdCount,
      tags,
    };
    attributes = [{ Key: 'deregistration_delay.timeout_seconds', Value: String(t.deregistrationDelaySeconds) }];
  }
  const tg = await createTargetGroup(spec);
  await setTargetGroupAttributes(tg.TargetGroupArn as string, attributes);
  return {
    arn: tg.TargetGroupArn as string,
    intervalSeconds: tg.HealthCheckIntervalSeconds ?? 30,
    healthyThreshold: tg.HealthyThresholdCount ?? 5,
  };
}

/**
 * A new launch template version from the live one (SourceVersion) with only ImageId changed.
 * Its description names the deployment, which is how a retried step finds the version it made.
 */
async function newTemplateVersion(state: DeploymentState, imageId: string): Promise<{ id: string; version: number; source: number }> {
  let id: string;
  let source: number;
  if (state.live) {
    id = state.live.launchTemplate.id;
    const [v] = await launchTemplateVersions(id, [state.live.launchTemplate.version]);
    if (v?.VersionNumber === undefined) throw new ClusterNotFound(state.cluster, `launch template ${id} version ${state.live.launchTemplate.version} is gone`);
    source = v.VersionNumber;
  } else {
    const name = launchConfig(state).launchTemplateName;
    const t = await launchTemplateByName(name);
    if (!t) throw new InvalidClusterConfig(state.cluster, 'launch.launchTemplateName', `launch template ${name} does not exist`);
    id = t.id;
    source = t.defaultVersion;
  }
  const description = `redblack ${state.deployment}`;
  const mine = (await launchTemplateVersionsAfter(id, source)).find((v) => v.VersionDescription === description);
  const version = mine?.VersionNumber ?? (await createLaunchTemplateVersion({ templateId: id, sourceVersion: source, imageId, description }));
  // `source`: the live group's version as a number (its `$Default`/`$Latest` may move), the fresh baseline's.
  return { id, version, source };
}

/**
 * Pin: MinSize = DesiredCapacity, so the live group cannot scale in while traffic may still need
 * it. The original MinSize goes into a tag first, so unpinning works even if this state is lost.
 */
async function pin(group: AutoScalingGroup, deployment: string): Promise<void> {
  const name = group.AutoScalingGroupName as string;
  const pinnedBy = groupTag(group, TAG.pinnedBy);
  const pinnedMin = groupTag(group, TAG.pinnedMin);
  // A pin by another deployment is stale (we hold the cluster's lock): adopt it and keep the
  // original MinSize it saved, so a dead execution never leaves a group pinned for good.
  if (pinnedBy !== deployment) {
    await tagGroup(name, { [TAG.pinnedMin]: pinnedMin ?? String(group.MinSize ?? 0), [TAG.pinnedBy]: deployment });
  }
  const desired = group.DesiredCapacity ?? 0;
  if ((group.MinSize ?? 0) < desired) await updateGroup({ AutoScalingGroupName: name, MinSize: desired });
}

function launchConfig(state: DeploymentState) {
  const launch = state.config.launch;
  if (!launch) throw new InvalidClusterConfig(state.cluster, 'launch', 'is required for a first deployment');
  return launch;
}
