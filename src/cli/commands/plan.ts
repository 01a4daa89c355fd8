/**
 * plan: what a deployment would do, with read calls only (test/cli/plan.test.ts checks the call
 * log): the group it would create and how it differs from the live one, the traffic schedule, the
 * expected duration, the cost, and whatever would stop it.
 */
import { describeGroup, groupQuota, groupTag } from '../../aws/autoscaling.js';
import { describeOwnImage } from '../../aws/ec2.js';
import type { TargetGroup } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeTargetGroup } from '../../aws/elbv2.js';
import { artifactExists } from '../../aws/s3.js';
import { TAG } from '../../aws/tags.js';
import { requiredHealthy } from '../../domain/health.js';
import { baselineGroupName, baselineTargetGroupName, nextSequence, parseServerGroup, serverGroupName, targetGroupName } from '../../domain/names.js';
import { parseBakeSeconds } from '../../domain/poll.js';
import { forwardWeights, trafficPlan } from '../../domain/traffic.js';
import type { Ctx, Outcome } from '../command.js';
import { readCluster } from '../cluster-view.js';
import { EXIT } from '../errors.js';
import { duration } from '../timeline.js';
import { type DeployOptions, deployRequest } from './deployments.js';

/** Prices (us-east-1, docs/deploy.md "Cost"): Step Functions per transition, Lambda per invocation of ~1 s at 256 MB. */
const PRICE = { transition: 0.000025, invocation: 0.0000002 + 0.25 * 0.0000133334 };
/** Measured on the embedded cloud (docs/deploy.md "Cost"): 84 transitions and 32 invocations at one step, +6 and +2 per extra step. */
const MEASURED = { transitions: 78, perStep: 6, invocations: 30, invocationsPerStep: 2 };
/** A first bake has no history: the builder's boot + install and the image, as the poll model assumes (README "How the pipeline gets there"). */
const FIRST_BAKE_SECONDS = 120 + 45;
const BOOT_SECONDS = 30;

export async function plan(ctx: Ctx, cluster: string, o: DeployOptions): Promise<Outcome> {
  const request = deployRequest(cluster, o);
  const r = await ctx.resources();
  const blockers: string[] = [];
  const view = await readCluster(cluster, r, { timeline: false });
  const { config } = view;
  if (view.lock) blockers.push(`deployment ${view.lock.deployment} holds the cluster's lock until ${view.lock.expiresAt}`);

  const serving = view.groups.filter((g) => g.weight > 0);
  if (serving.length > 1) blockers.push(`the listener forwards to ${serving.length} groups: an earlier traffic shift did not finish`);
  const live = serving.length === 1 ? serving[0] : undefined;
  if (!live && !config.launch) blockers.push("no group serves the listener and the config has no launch section for a first deployment");
  if (live) {
    const required = requiredHealthy(live.desired, config.healthGate.minHealthyPercent);
    if (live.healthy < required) blockers.push(`live group ${live.name} has ${live.healthy} of ${required} required healthy targets`);
  }
  const artifact = request.input.artifact;
  if (artifact && !(await artifactExists(artifact.bucket, artifact.key, artifact.versionId))) blockers.push(`artifact s3://${artifact.bucket}/${artifact.key} does not exist`);
  if ((artifact || request.file) && !config.bake) blockers.push('the config has no bake section: deploy a prebaked --image instead');
  if (request.input.imageId && !(await describeOwnImage(request.input.imageId))) blockers.push(`image ${request.input.imageId} is not an available image of this account`);

  // A fresh canary baseline is a second group (there is none on a first deployment: no live image).
  const fresh = live !== undefined && config.canary?.baseline === 'fresh';
  const quota = await groupQuota();
  if (quota.used + (fresh ? 2 : 1) > quota.max) blockers.push(`the account has ${quota.used} of its ${quota.max} Auto Scaling groups in this Region (quota): the new group${fresh ? ' and its fresh baseline' : ''} cannot be created`);

  const sequences = view.groups.map((g) => parseServerGroup(g.name)?.sequence).filter((n): n is number => n !== undefined);
  const newest = [...view.groups].sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''))[0];
  // As Plan picks it (src/steps/plan.ts): after the newest group; after an adopted live group, v001.
  const newestSequence = (newest ? parseServerGroup(newest.name)?.sequence : undefined) ?? (live && !parseServerGroup(live.name) ? 0 : undefined);
  const next = serverGroupName(cluster, nextSequence(sequences, newestSequence));
  const baseline = fresh ? { serverGroup: baselineGroupName(next), targetGroup: baselineTargetGroupName(next) } : undefined;

  const tg = live?.targetGroupArn ? await describeTargetGroup(live.targetGroupArn) : undefined;
  const changes = await differences(live?.name, next, request.input.release, request.input.imageId ?? (config.bake ? 'baked from the artifact' : undefined), live?.image, tg);
  const steps = trafficPlan(config.traffic.steps, config.traffic.waitSeconds);
  const interval = tg?.HealthCheckIntervalSeconds ?? config.launch?.targetGroup.healthCheckIntervalSeconds ?? 10;
  const threshold = tg?.HealthyThresholdCount ?? config.launch?.targetGroup.healthyThresholdCount ?? 3;
  const liveGroup = live ? await describeGroup(live.name) : undefined;
  const learned = parseBakeSeconds(liveGroup ? groupTag(liveGroup, TAG.bakeSeconds) : undefined);
  const bakeSeconds = request.input.imageId ? 0 : learned ? (learned.builder ?? 0) + (learned.image ?? 0) : FIRST_BAKE_SECONDS;
  const floor = { bakeSeconds, bootSeconds: BOOT_SECONDS, healthSeconds: interval * threshold, trafficSeconds: (config.traffic.steps.length - 1) * config.traffic.waitSeconds };
  const expectedSeconds = floor.bakeSeconds + floor.bootSeconds + floor.healthSeconds + floor.trafficSeconds;
  const n = config.traffic.steps.length;
  const transitions = MEASURED.transitions + MEASURED.perStep * n;
  const invocations = MEASURED.invocations + MEASURED.invocationsPerStep * n;
  const cost = { stateTransitions: transitions, lambdaInvocations: invocations, usd: Number((transitions * PRICE.transition + invocations * PRICE.invocation).toFixed(4)) };

  const json = {
    cluster,
    release: request.input.release,
    live: live?.name ?? null,
    next,
    targetGroup: targetGroupName(next),
    changes,
    ...(baseline ? { baseline } : {}),
    traffic: steps.map((s, i) => ({ step: i + 1, percent: s.step, ...forwardWeights(s.step, fresh), waitSeconds: s.waitSeconds })),
    expected: { seconds: expectedSeconds, floor, healthGateTimeoutMinutes: config.healthGate.timeoutMinutes },
    cost,
    blockers,
    mutatingCalls: 0,
  };
  const lines = [
    `plan for ${cluster} ${request.input.release}: ${live?.name ?? '(no live group)'} → ${next}`,
    '',
    'differences from the live group:',
    ...changes.map((c) => `  ${c.setting.padEnd(28)} ${String(c.live ?? '-').padEnd(34)} → ${c.next ?? '-'}`),
    '',
    'traffic:',
    ...steps.map((s, i) => {
      const beside = baseline && s.step < 100 ? ` and ${s.step}% on the fresh baseline ${baseline.serverGroup}` : '';
      return `  step ${i + 1}: ${s.step}% on ${next}${beside}${s.waitSeconds ? `, then watch ${duration(s.waitSeconds * 1000)}` : ''}`;
    }),
    '',
    `expected duration  ${duration(expectedSeconds * 1000)} (bake ${duration(floor.bakeSeconds * 1000)}, boot ${floor.bootSeconds}s, health checks ${floor.healthSeconds}s, traffic waits ${duration(floor.trafficSeconds * 1000)}); the gate gives up after ${config.healthGate.timeoutMinutes} min`,
    `cost               ≈ $${cost.usd} (${transitions} state transitions, ${invocations} Lambda invocations) plus both groups' EC2 while the old one is kept ${config.teardown.retainMinutes} min${baseline ? ", and a fresh baseline of the new group's size until the deployment ends" : ''}`,
    blockers.length === 0 ? 'blockers           none' : `blockers:\n${blockers.map((b) => `  ✗ ${b}`).join('\n')}`,
  ];
  return { json, text: `${lines.join('\n')}\n`, exitCode: blockers.length === 0 ? EXIT.ok : EXIT.refused };
}

/** Every setting the new group clones from the live one, and what it will be. */
async function differences(liveName: string | undefined, next: string, release: string, image: string | undefined, liveImage: string | undefined, tg: TargetGroup | undefined) {
  const g = liveName ? await describeGroup(liveName) : undefined;
  const rows: { setting: string; live: string | number | null; next: string | number | null }[] = [];
  const same = (setting: string, value: unknown) => rows.push({ setting, live: value === undefined ? null : String(value), next: value === undefined ? null : String(value) });
  rows.push({ setting: 'name', live: liveName ?? null, next });
  rows.push({ setting: `tag ${TAG.release}`, live: (g && groupTag(g, TAG.release)) ?? null, next: release });
  rows.push({ setting: 'image', live: liveImage ?? null, next: image ?? null });
  rows.push({ setting: 'target group', live: g?.TargetGroupARNs?.[0]?.split('/')[1] ?? null, next: targetGroupName(next) });
  if (!g) return rows;
  same('min / desired / max', `${g.MinSize} / ${g.DesiredCapacity} / ${g.MaxSize}`);
  same('subnets', g.VPCZoneIdentifier);
  same('group health check', `${g.HealthCheckType} (grace ${g.HealthCheckGracePeriod}s)`);
  same('default cooldown', g.DefaultCooldown);
  same('termination policies', g.TerminationPolicies?.join(', '));
  same('capacity rebalance', g.CapacityRebalance);
  same('launch template', g.LaunchTemplate?.LaunchTemplateName ?? g.MixedInstancesPolicy?.LaunchTemplate?.LaunchTemplateSpecification?.LaunchTemplateName);
  for (const t of g.Tags ?? []) if (t.Key && !t.Key.startsWith('redblack:')) same(`tag ${t.Key}`, t.Value);
  if (tg) {
    same('target group port', `${tg.Protocol} ${tg.Port} (${tg.TargetType ?? 'instance'})`);
    same('target health check', `${tg.HealthCheckProtocol} ${tg.HealthCheckPath ?? ''} every ${tg.HealthCheckIntervalSeconds}s, ${tg.HealthyThresholdCount} healthy / ${tg.UnhealthyThresholdCount} unhealthy`);
    same('health check matcher', tg.Matcher?.HttpCode);
  }
  return rows;
}
