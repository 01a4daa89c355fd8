/**
 * canary `baseline: fresh`, step by step on the embedded cloud (the demo world's `fresh-baseline`
 * cluster: 4 instances, steps 10/25/100): Plan names the baseline before anything exists,
 * LaunchGroup makes it from the live image at the canary's size, HealthGate waits for it, each
 * step gives it the canary's weight (guarded), the judge compares with it, and Finalize, Rollback,
 * Recover and the sweep delete it.
 */
import { AutoScalingClient, DeleteAutoScalingGroupCommand, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { forwardTargets, readSwapPoint } from '../../src/aws/elbv2.js';
import { getDeployment, listJudgments, releaseLock } from '../../src/aws/store.js';
import { TAG } from '../../src/aws/tags.js';
import { belongsToCluster, parseServerGroup } from '../../src/domain/names.js';
import { finalize } from '../../src/steps/finalize.js';
import { healthGate } from '../../src/steps/health-gate.js';
import { judgeCanary } from '../../src/steps/judge-canary.js';
import { launchGroup } from '../../src/steps/launch-group.js';
import { plan } from '../../src/steps/plan.js';
import { validate } from '../../src/steps/validate.js';
import { IN_FLIGHT_SECONDS, recover } from '../../src/steps/recover.js';
import { rollback } from '../../src/steps/rollback.js';
import type { DeploymentState, Launched } from '../../src/steps/shared/state.js';
import { swapTargetGroup } from '../../src/steps/swap-target-group.js';
import { teardown } from '../../src/steps/teardown.js';
import { runAsCaller } from '../../sim/caller.js';
import { DemoSession } from '../../local/demo.js';
import { perTest } from '../fixture.js';
import { registerImage, sample } from '../pipeline/helpers.js';

const s = perTest(() => DemoSession.create('fresh-baseline', 1));
const DEPLOYMENT = 'web-prod-fresh-0000000000000000';
const BASELINE = 'web-prod-v002-baseline';

async function planned(): Promise<DeploymentState> {
  const imageId = await registerImage(s, '1.1.0');
  const state = (await runAsCaller('plan', async () => plan(await validate({ input: { cluster: s.world.cluster, release: '1.1.0', imageId }, deployment: DEPLOYMENT })))) as DeploymentState;
  return { ...state, image: { status: 'done', imageId, waitSeconds: 0 } };
}

async function launched(): Promise<DeploymentState> {
  const state = await planned();
  return { ...state, launched: await runAsCaller('launchGroup', () => launchGroup(state)) };
}

/** Launched, and both the canary and the baseline healthy (the clock driven until they are). */
async function gated(): Promise<DeploymentState> {
  const state = await launched();
  const l = state.launched as Launched;
  await s.cloud.clock.runUntil(() => s.cloud.elb.healthyCount(l.targetGroupArn) >= l.desired && s.cloud.elb.healthyCount(l.baseline?.targetGroupArn as string) >= l.desired, { limitMs: 3600_000 });
  return { ...state, gate: await runAsCaller('healthGate', () => healthGate(state)) };
}

/** One more traffic step, its wait over first. */
async function step(state: DeploymentState): Promise<DeploymentState> {
  if (state.traffic?.stepEndsAt) await s.cloud.clock.advance(Math.max(0, state.traffic.stepEndsAt - Date.now()) + 1000);
  return { ...state, traffic: await runAsCaller('swapTargetGroup', () => swapTargetGroup(state)) };
}

const forward = async (): Promise<Record<string, number>> =>
  Object.fromEntries(forwardTargets((await readSwapPoint(s.world.listenerArn)).actions).map((t) => [t.targetGroupArn.split(':targetgroup/')[1]?.split('/')[0], t.weight]));

async function group(name: string) {
  const out = await client(AutoScalingClient).send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  const g = out.AutoScalingGroups?.[0];
  return g && g.Status === undefined ? g : undefined;
}

const targetGroupExists = (name: string): boolean => [...s.cloud.elb.state.targetGroups.values()].some((t) => t.name === name);

/** Takes every baseline target out of its target group: the ALB then counts none healthy. */
function emptyBaseline(l: Launched): void {
  const ids = [...(s.cloud.elb.state.targetGroups.get(l.baseline?.targetGroupArn as string)?.targets.values() ?? [])].map((t) => t.id);
  s.cloud.elb.deregisterInstanceTargets(l.baseline?.targetGroupArn as string, ids);
}

describe('Plan with a fresh baseline', () => {
  it('names the baseline and its target group in the state and the ledger, creating nothing', async () => {
    // Prepare
    const mark = s.cloud.log.mark();
    // Act
    const state = await planned();
    // Assess
    expect(state.baseline).toEqual({ serverGroup: BASELINE, targetGroupName: BASELINE });
    const record = await getDeployment(s.world.cluster, DEPLOYMENT);
    expect((JSON.parse(record?.plan as string) as DeploymentState).baseline).toEqual(state.baseline);
    expect(s.cloud.log.calls.slice(mark).filter((c) => /^Create/.test(c.operation))).toEqual([]);
  });

  it('the baseline name is never a server group of the cluster (nor of any cluster)', () => {
    // Assess
    expect(parseServerGroup(BASELINE)).toBeUndefined();
    expect(belongsToCluster(BASELINE, 'web-prod')).toBe(false);
  });
});

describe('LaunchGroup with a fresh baseline', () => {
  it("creates it from the live group's launch template version at the canary's size, in its own target group, staged at weight 0", async () => {
    // Prepare
    const state = await planned();
    const live = await group(state.live?.serverGroup as string);
    const before = await forward();
    // Act
    const l = await runAsCaller('launchGroup', () => launchGroup(state));
    // Assess
    const b = await group(BASELINE);
    expect(l.baseline).toMatchObject({ serverGroup: BASELINE, desired: l.desired, required: l.required });
    expect(b?.LaunchTemplate).toMatchObject({ LaunchTemplateId: live?.LaunchTemplate?.LaunchTemplateId, Version: String(l.baseline?.launchTemplate.version) });
    expect(l.baseline?.launchTemplate.version).not.toBe(l.launchTemplate.version);
    expect([b?.MinSize, b?.DesiredCapacity, b?.MaxSize]).toEqual([l.desired, l.desired, l.desired]);
    expect(b?.TargetGroupARNs).toEqual([l.baseline?.targetGroupArn]);
    expect(b?.Tags).toEqual(expect.arrayContaining([expect.objectContaining({ Key: TAG.role, Value: 'baseline' }), expect.objectContaining({ Key: TAG.deployment, Value: DEPLOYMENT }), expect.objectContaining({ Key: TAG.cluster, Value: 'web-prod' })]));
    expect(await forward()).toEqual({ ...before, 'web-prod-v002': 0, [BASELINE]: 0 });
    expect(Object.values(before).every((w) => w > 0)).toBe(true);
  });

  it('the image it runs is the live one, not the release being deployed', async () => {
    // Prepare
    const state = await planned();
    // Act
    const l = await runAsCaller('launchGroup', () => launchGroup(state));
    // Assess
    const image = (version: number) => s.cloud.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateId: l.launchTemplate.id, Versions: [String(version)] }).LaunchTemplateVersions?.[0]?.LaunchTemplateData?.ImageId;
    expect(image(l.baseline?.launchTemplate.version as number)).not.toBe(state.image?.imageId);
    expect(image(l.launchTemplate.version)).toBe(state.image?.imageId);
  });

  it('a retry makes no second baseline and returns the same one', async () => {
    // Prepare
    const state = await planned();
    const first = await runAsCaller('launchGroup', () => launchGroup(state));
    const mark = s.cloud.log.mark();
    // Act
    const again = await runAsCaller('launchGroup', () => launchGroup(state));
    // Assess
    expect(again.baseline).toEqual(first.baseline);
    expect(s.cloud.log.calls.slice(mark).filter((c) => c.operation === 'CreateAutoScalingGroup' && c.outcome === 'ok')).toEqual([]);
    expect(s.cloud.autoscaling.groupNames().filter((n) => n.endsWith('-baseline'))).toEqual([BASELINE]);
  });
});

describe('HealthGate with a fresh baseline', () => {
  it('waits while the baseline has no healthy target, though the canary is healthy', async () => {
    // Prepare
    const state = await gated();
    expect(state.gate?.status).toBe('passed');
    emptyBaseline(state.launched as Launched);
    // Act
    const again = await runAsCaller('healthGate', () => healthGate(state));
    // Assess
    expect(again.status).toBe('waiting');
    expect(again.healthy).toBe((state.launched as Launched).desired);
  });
});

describe('SwapTargetGroup with a fresh baseline', () => {
  it('forwards canary w, baseline w, live 100 − 2w at each step, and takes the baseline out at 100', async () => {
    // Act / Assess
    let state = await step(await gated());
    expect(await forward()).toEqual({ 'web-prod-v001': 80, 'web-prod-v002': 10, [BASELINE]: 10 });
    expect(state.traffic?.weights).toEqual({ 'web-prod-v001': 80, 'web-prod-v002': 10, [BASELINE]: 10 });
    state = await step(state);
    expect(await forward()).toEqual({ 'web-prod-v001': 50, 'web-prod-v002': 25, [BASELINE]: 25 });
    state = await step(state);
    expect(await forward()).toEqual({ 'web-prod-v001': 0, 'web-prod-v002': 100 });
    expect(state.traffic?.done).toBe(true);
  });

  it('the traffic guard covers the baseline: no healthy baseline target → TrafficGuardViolation naming it, listener unchanged', async () => {
    // Prepare
    const state = await gated();
    emptyBaseline(state.launched as Launched);
    const before = await forward();
    // Act
    const error = await runAsCaller('swapTargetGroup', () => swapTargetGroup(state)).catch((e: unknown) => e as Error);
    // Assess
    expect(error).toMatchObject({ name: 'TrafficGuardViolation' });
    expect((error as Error).message).toContain(BASELINE);
    expect(await forward()).toEqual(before);
  });
});

describe('JudgeCanary with a fresh baseline', () => {
  it("compares with the baseline group's target group and records it as the fresh baseline", async () => {
    // Prepare: four minutes of traffic at 10 %.
    const state = await step(await gated());
    await s.cloud.clock.advance(4 * 60_000);
    const mark = s.cloud.log.mark();
    // Act
    await runAsCaller('judgeCanary', () => judgeCanary(state));
    // Assess
    const [judgment] = await listJudgments(s.world.cluster, DEPLOYMENT);
    expect(judgment).toMatchObject({ canary: 'web-prod-v002', baseline: BASELINE, baselineSource: 'fresh' });
    const queried = JSON.stringify(s.cloud.log.calls.slice(mark).filter((c) => c.operation === 'GetMetricData').map((c) => c.input));
    expect(queried).toContain(`targetgroup/${BASELINE}/`);
    expect(queried).not.toContain('targetgroup/web-prod-v001/');
  });
});

describe('the baseline goes with the deployment', () => {
  it('Finalize deletes its group and target group; a retry after that is a no-op', async () => {
    // Prepare
    let state = await gated();
    for (let i = 0; i < 3; i++) state = await step(state);
    // Act
    const result = await runAsCaller('finalize', () => finalize(state));
    const again = await runAsCaller('finalize', () => finalize(state));
    // Assess
    expect(result.outcome).toBe('succeeded');
    expect(again.outcome).toBe('succeeded');
    expect(await group(BASELINE)).toBeUndefined();
    expect(targetGroupExists(BASELINE)).toBe(false);
    expect(await forward()).toEqual({ 'web-prod-v001': 0, 'web-prod-v002': 100 });
  });

  it('Finalize retried after a kill that left only the target group finishes the job', async () => {
    // Prepare: as if the first attempt died between deleting the group and its target group.
    let state = await gated();
    for (let i = 0; i < 3; i++) state = await step(state);
    await client(AutoScalingClient).send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: BASELINE, ForceDelete: true }));
    await s.cloud.clock.advance(60_000);
    // Act
    await runAsCaller('finalize', () => finalize(state));
    // Assess
    expect(await group(BASELINE)).toBeUndefined();
    expect(targetGroupExists(BASELINE)).toBe(false);
  });

  it('Rollback mid-traffic restores the listener exactly as Plan found it and deletes the baseline', async () => {
    // Prepare
    const state = await step(await gated());
    // Act
    const result = await runAsCaller('rollback', () => rollback({ ...state, error: { Error: 'CanaryFailed', Cause: 'test' } }));
    // Assess
    expect((await readSwapPoint(s.world.listenerArn)).actions).toEqual(state.swap.before);
    expect(result.deleted).toEqual(expect.arrayContaining([BASELINE]));
    expect(await group(BASELINE)).toBeUndefined();
    expect(targetGroupExists(BASELINE)).toBe(false);
  });

  it('Recover of a stopped deployment restores the listener and deletes the baseline, from the ledger alone', async () => {
    // Prepare: the execution died mid-traffic; only the ledger's plan is left.
    await step(await gated());
    const event = sample('execution-aborted.json');
    Object.assign(event.detail, { name: DEPLOYMENT, stopDate: Date.now() - IN_FLIGHT_SECONDS * 1000 });
    const before = (JSON.parse((await getDeployment(s.world.cluster, DEPLOYMENT))?.plan as string) as DeploymentState).swap.before;
    // Act
    const out = await runAsCaller('recover', () => recover(event));
    // Assess
    expect(out.outcome).toBe('rolled-back');
    expect((await readSwapPoint(s.world.listenerArn)).actions).toEqual(before);
    expect(await group(BASELINE)).toBeUndefined();
    expect(targetGroupExists(BASELINE)).toBe(false);
  });

  it('the daily sweep deletes an orphaned baseline (staged at weight 0) and takes it out of the listener', async () => {
    // Prepare: a deployment that died after LaunchGroup and whose lock ran out.
    await launched();
    await releaseLock(s.world.cluster, DEPLOYMENT);
    // Act
    const report = await runAsCaller('teardown', () => teardown({ mode: 'sweep' }));
    // Assess
    expect(report.deleted).toContain(BASELINE);
    expect(await group(BASELINE)).toBeUndefined();
    expect(targetGroupExists(BASELINE)).toBe(false);
    expect(await forward()).not.toHaveProperty(BASELINE);
  });

  it('the sweep refuses an orphaned baseline that still has weight: traffic is not the sweep’s to move', async () => {
    // Prepare
    await step(await gated());
    await releaseLock(s.world.cluster, DEPLOYMENT);
    // Act
    const report = await runAsCaller('teardown', () => teardown({ mode: 'sweep' }));
    // Assess
    expect(report.refused).toContainEqual(expect.objectContaining({ serverGroup: BASELINE }));
    expect(await group(BASELINE)).toBeDefined();
    expect((await forward())[BASELINE]).toBe(10);
  });
});
