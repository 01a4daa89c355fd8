/**
 * `npm start`: one scenario of the demo world on the embedded cloud, from the artifact upload to
 * the old group's teardown, on simulated time. Reports progress as it goes and a result at the end.
 */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { client } from '../src/aws/clients.js';
import { EmbeddedCloud } from '../sim/cloud.js';
import type { ExecutionSummary } from '../sim/services/sfn/execution.js';
import { type DemoWorld, seedDemoWorld } from './demo-world.js';
import { targetGroupName } from '../src/domain/names.js';
import { snapshotCluster } from './inspect.js';
import { type Scenario, SCENARIOS } from './scenarios.js';
import { deployStack, type Stack } from './stack.js';
import { createCloud } from './cloud.js';

export interface DemoOptions {
  scenario?: string;
  seed?: number;
  /** Called every `progressEverySeconds` simulated seconds while the deployment runs. */
  onProgress?: (p: Progress) => void;
  progressEverySeconds?: number;
  /** false: end when the deployment ends, before the old group's teardown (so it can still be rolled back to). */
  awaitTeardown?: boolean;
}

export interface Progress {
  simulatedSeconds: number;
  step: string;
  groups: { serverGroup: string; healthy: number; weight: number }[];
}

export interface DemoResult {
  scenario: string;
  outcome: 'succeeded' | 'rolled-back' | 'failed';
  cluster: string;
  release: string;
  deployment: string;
  from: string | null;
  to: string | null;
  traffic: Record<string, number>;
  teardown: { serverGroup: string; at: string; done: boolean } | null;
  error: string | null;
  cause: string | null;
  /** Simulated seconds from the upload to the end of the execution. */
  deploySeconds: number;
  /** Simulated seconds from the upload to the end of the run (teardown included). */
  simulatedSeconds: number;
  stateTransitions: number;
  apiCalls: number;
  lambdaInvocations: number;
  /** What failed after the commit point (e.g. a notification): logged and counted, the deployment stands. */
  warnings: string[];
  /** With canary `baseline: fresh`: the baseline group, whether it was created, and whether it is gone (group, target group, listener) at the end. */
  baseline?: { serverGroup: string; created: boolean; removed: boolean };
}

export const DEMO_RELEASE = '1.1.0';

export async function runDemo(options: DemoOptions = {}): Promise<DemoResult> {
  const session = await DemoSession.create(options.scenario ?? 'happy', options.seed ?? 1);
  try {
    return await session.run(options);
  } finally {
    session.dispose();
  }
}

/** One scenario's world, kept open so tests can look at it before and after the deployment. */
export class DemoSession {
  private constructor(
    readonly scenario: Scenario,
    readonly cloud: EmbeddedCloud,
    readonly stack: Stack,
    readonly world: DemoWorld,
  ) {}

  static async create(name: string, seed: number, overrides: Partial<Scenario['world']> = {}): Promise<DemoSession> {
    const scenario = SCENARIOS[name];
    if (!scenario) throw new Error(`unknown scenario ${name}; one of: ${Object.keys(SCENARIOS).join(', ')}`);
    const cloud = await createCloud({ seed });
    try {
      const stack = await deployStack(cloud);
      const world = await seedDemoWorld({ ...scenario.world, ...overrides });
      const instances = overrides.instances ?? scenario.world.instances ?? 4;
      if (world.liveTargetGroupArn) {
        const tg = world.liveTargetGroupArn;
        await cloud.clock.runUntil(() => cloud.elb.healthyCount(tg) >= instances, { limitMs: 30 * 60_000 });
      }
      scenario.arm?.(cloud, DEMO_RELEASE);
      return new DemoSession(scenario, cloud, stack, world);
    } catch (err) {
      cloud.dispose();
      throw err;
    }
  }

  get artifactKey(): string {
    return `releases/${this.world.cluster}/${DEMO_RELEASE}/web-${DEMO_RELEASE}.tgz`;
  }

  async upload(key = this.artifactKey): Promise<void> {
    await client(S3Client).send(new PutObjectCommand({ Bucket: this.stack.bucket, Key: key, Body: `web ${DEMO_RELEASE} build artifact` }));
  }

  /** Drives the clock until `count` executions have ended; returns the last to end. */
  async awaitExecutions(count = 1, limitMs = 6 * 3600_000): Promise<ExecutionSummary> {
    await this.cloud.clock.runUntil(() => this.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING').length >= count, { limitMs });
    const ended = this.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING');
    return ended.sort((a, b) => (a.stoppedAt ?? 0) - (b.stoppedAt ?? 0)).at(-1) as ExecutionSummary;
  }

  /** Drives the clock until the group's teardown has run and the group is gone. */
  async awaitTeardown(serverGroup: string, limitMs = 8 * 24 * 3600_000): Promise<boolean> {
    const before = this.cloud.lambda.count('teardown');
    await this.cloud.clock.runUntil(() => this.cloud.lambda.count('teardown') > before && !this.cloud.autoscaling.groupNames().includes(serverGroup), { limitMs });
    return !this.cloud.autoscaling.groupNames().includes(serverGroup);
  }

  /** Target group ARN → server group name (target group names are server group names when they fit). */
  groupOf(targetGroupArn: string): string {
    return targetGroupArn.split(':targetgroup/')[1]?.split('/')[0] ?? targetGroupArn;
  }

  /** Server group → percent of the listener's traffic (ALB weights are relative). */
  traffic(): Record<string, number> {
    const forwards = this.cloud.elb.forwardWeights(this.world.listenerArn);
    const total = forwards.reduce((n, f) => n + f.weight, 0);
    const traffic: Record<string, number> = {};
    for (const f of forwards) traffic[this.groupOf(f.targetGroupArn)] = total === 0 ? 0 : Math.round((f.weight * 100) / total);
    return traffic;
  }

  async run(options: DemoOptions = {}): Promise<DemoResult> {
    const cloud = this.cloud;
    const t0 = cloud.clock.now();
    const calls0 = cloud.log.mark();
    const invocations0 = cloud.lambda.invocations.length;
    await this.upload();

    const elapsed = () => Math.round((cloud.clock.now() - t0) / 1000);
    const snapshot = (): Progress => ({
      simulatedSeconds: elapsed(),
      step: stepName(cloud.lambda.invocations.at(-1)?.function),
      groups: cloud.elb
        .forwardWeights(this.world.listenerArn)
        .map((f) => ({ serverGroup: this.groupOf(f.targetGroupArn), healthy: cloud.elb.healthyCount(f.targetGroupArn), weight: f.weight })),
    });
    let sampling = true;
    const every = (options.progressEverySeconds ?? 15) * 1000;
    const sample = () => {
      if (!sampling) return;
      options.onProgress?.(snapshot());
      cloud.clock.after(every, sample);
    };
    if (options.onProgress) cloud.clock.after(every, sample);

    const done = await this.awaitExecutions(1);
    const deploySeconds = elapsed();
    // The deployment is over: fast-forward to the teardown without a progress line per beat.
    sampling = false;
    options.onProgress?.(snapshot());
    const rolledBack = cloud.lambda.invocations.slice(invocations0).some((i) => i.function === 'rollback' && i.outcome === 'ok');
    const output =
      done.status === 'SUCCEEDED' && done.output
        ? (JSON.parse(done.output) as { from: string | null; to: string; teardown: { serverGroup: string; at: string } | null; warnings?: string[] })
        : undefined;
    const stateTransitions = done.transitions;
    const apiCalls = cloud.log.mark() - calls0;
    const lambdaInvocations = cloud.lambda.invocations.length - invocations0;

    let teardown: DemoResult['teardown'] = null;
    if (output?.teardown) {
      const done = options.awaitTeardown === false ? false : await this.awaitTeardown(output.teardown.serverGroup);
      teardown = { ...output.teardown, done };
      if (done) options.onProgress?.({ ...snapshot(), step: 'Teardown' });
    }

    return {
      scenario: this.scenario.name,
      outcome: done.status === 'SUCCEEDED' ? 'succeeded' : rolledBack ? 'rolled-back' : 'failed',
      cluster: this.world.cluster,
      release: DEMO_RELEASE,
      deployment: done.name,
      from: output ? output.from : (this.world.liveGroup ?? null),
      to: output ? output.to : null,
      traffic: this.traffic(),
      teardown,
      error: done.error ?? null,
      cause: done.cause ?? null,
      deploySeconds,
      simulatedSeconds: elapsed(),
      stateTransitions,
      apiCalls,
      lambdaInvocations,
      warnings: output?.warnings ?? [],
      ...(await this.baselineReport()),
    };
  }

  /** The fresh baseline a deployment of this world made (by its name's `-baseline` suffix), and whether anything of it is left. */
  private async baselineReport(): Promise<Pick<DemoResult, 'baseline'>> {
    const created = this.cloud.log.calls.find((c) => c.operation === 'CreateAutoScalingGroup' && c.outcome === 'ok' && String((c.input as { AutoScalingGroupName?: string } | undefined)?.AutoScalingGroupName).endsWith('-baseline'));
    if (!created) return {};
    const serverGroup = (created.input as { AutoScalingGroupName: string }).AutoScalingGroupName;
    const end = await snapshotCluster(this.world.cluster, this.world.listenerArn);
    const removed = !end.groups.some((g) => g.name === serverGroup && !g.deleting) && !end.targetGroups.includes(targetGroupName(serverGroup)) && !(targetGroupName(serverGroup) in end.forward);
    return { baseline: { serverGroup, created: true, removed } };
  }

  dispose(): void {
    this.cloud.dispose();
  }
}

/** `launchGroup` → `LaunchGroup`: the state a function runs in. */
const stepName = (fn: string | undefined): string => (fn ? fn[0]?.toUpperCase() + fn.slice(1) : 'Trigger');
