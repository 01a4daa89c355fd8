/**
 * A benchmark world: the embedded cloud, the stack, and one or more demo-world clusters built
 * through the SDK exactly as `npm start` builds them — with the knobs the benchmarks turn
 * (instance counts, app timings, account limits) set before anything is created.
 */
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { client } from '../../../src/aws/clients.js';
import type { AppBehaviour } from '../../../sim/apps.js';
import type { EmbeddedCloud } from '../../../sim/cloud.js';
import type { LatencyModel } from '../../../sim/latency.js';
import type { ExecutionSummary } from '../../../sim/services/sfn/execution.js';
import { type DemoWorld, seedDemoWorld, type WorldOptions } from '../../../local/demo-world.js';
import { deployStack, type Stack } from '../../../local/stack.js';
import { createCloud } from '../../../local/cloud.js';

export interface WorldSpec {
  seed?: number;
  /** Clusters to build (default one, `web-prod`). */
  clusters?: WorldOptions[];
  /** How every release deployed by the benchmark behaves (boot, install, app start …). */
  app?: Partial<AppBehaviour>;
  /** Raise account quotas for big worlds (EC2 instance limit). */
  instanceLimit?: number;
  /** Raise the ALB quota (default 50 per Region). */
  loadBalancerLimit?: number;
  /** Charge AWS's latencies to the clock once the world is built (sim/latency.ts). */
  latency?: LatencyModel;
}

export class BenchWorld {
  private constructor(
    readonly cloud: EmbeddedCloud,
    readonly stack: Stack,
    readonly worlds: DemoWorld[],
  ) {}

  static async create(spec: WorldSpec = {}): Promise<BenchWorld> {
    const cloud = await createCloud({ seed: spec.seed ?? 1 });
    try {
      if (spec.instanceLimit) cloud.ec2.instanceLimit = spec.instanceLimit;
      if (spec.loadBalancerLimit) cloud.elb.loadBalancerLimit = spec.loadBalancerLimit;
      // Long runs: the call log keeps what happened, not every request body.
      cloud.log.keepInputs = false;
      const stack = await deployStack(cloud);
      const worlds: DemoWorld[] = [];
      for (const w of spec.clusters ?? [{}]) worlds.push(await seedDemoWorld(w));
      const want = (spec.clusters ?? [{}]).map((w) => w.instances ?? 4);
      await cloud.clock.runUntil(() => worlds.every((w, i) => !w.liveTargetGroupArn || cloud.elb.healthyCount(w.liveTargetGroupArn) >= (want[i] as number)), {
        limitMs: 60 * 60_000,
      });
      // From here on, every release the benchmark deploys behaves as the spec says.
      cloud.apps.defaults = { ...cloud.apps.defaults, ...spec.app };
      cloud.useLatency(spec.latency);
      return new BenchWorld(cloud, stack, worlds);
    } catch (err) {
      cloud.dispose();
      throw err;
    }
  }

  get world(): DemoWorld {
    return this.worlds[0] as DemoWorld;
  }

  /** Uploads `releases/<cluster>/<release>/web-<release>.tgz`: the S3 event starts a deployment. */
  async upload(release: string, cluster = this.world.cluster): Promise<void> {
    await client(S3Client).send(new PutObjectCommand({ Bucket: this.stack.bucket, Key: `releases/${cluster}/${release}/web-${release}.tgz`, Body: `web ${release}` }));
  }

  ended(): ExecutionSummary[] {
    return this.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING');
  }

  /** Drives the clock until `count` executions have ended in total. */
  async awaitEnded(count: number, limitMs = 8 * 3600_000): Promise<ExecutionSummary[]> {
    await this.cloud.clock.runUntil(() => this.ended().length >= count, { limitMs });
    return this.ended();
  }

  /** The live target group's health check, read through the API. */
  async healthCheck(world = this.world): Promise<{ intervalSeconds: number; healthyThreshold: number }> {
    const out = await client(ElasticLoadBalancingV2Client).send(new DescribeTargetGroupsCommand({ TargetGroupArns: [world.liveTargetGroupArn as string] }));
    const tg = out.TargetGroups?.[0];
    return { intervalSeconds: tg?.HealthCheckIntervalSeconds ?? 30, healthyThreshold: tg?.HealthyThresholdCount ?? 5 };
  }

  dispose(): void {
    this.cloud.dispose();
  }
}
