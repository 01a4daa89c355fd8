/**
 * npm run bench:cloud — how fast the embedded cloud runs a busy world: a 100-instance cluster
 * (ALB, target group, Auto Scaling group with ELB health checks, traffic feeding CloudWatch),
 * built through the SDK as the demo world is, then one simulated hour. Prints simulated seconds
 * per wall second, peak RSS and heap, and where the wall time goes.
 */
import './lib/env.js';
import { seedDemoWorld } from '../../local/demo-world.js';
import { isMain, MemoryPeak, machine, quiet, round, table } from './lib/common.js';
import { profiled, type ProfileShare } from './lib/profile.js';
import { createCloud } from '../../local/cloud.js';

export interface CloudBench {
  instances: number;
  simulatedSeconds: number;
  /** Wall time of the simulated hour (the world's setup and first boot excluded). */
  wallMs: number;
  simulatedSecondsPerWallSecond: number;
  setupWallMs: number;
  /** RSS once the world is built and healthy (the process: tsx, ten SDK clients, the simulators). */
  rssBeforeHourMb: number;
  peakRssMb: number;
  peakHeapMb: number;
  healthyAtEnd: number;
  apiCallsDuringHour: number;
  dominatedBy: ProfileShare[];
}

export async function runCloudBench(options: { instances?: number; hours?: number; seed?: number } = {}): Promise<CloudBench> {
  const instances = options.instances ?? 100;
  const simulatedSeconds = (options.hours ?? 1) * 3600;
  const peak = new MemoryPeak();
  const setup0 = performance.now();
  const cloud = await createCloud({ seed: options.seed ?? 1 });
  try {
    const world = await seedDemoWorld({ instances });
    const tg = world.liveTargetGroupArn as string;
    await cloud.clock.runUntil(() => cloud.elb.healthyCount(tg) >= instances, { limitMs: 30 * 60_000 });
    const setupWallMs = performance.now() - setup0;
    const calls0 = cloud.log.mark();
    const rssBeforeHourMb = round(process.memoryUsage().rss / 1024 / 1024, 1);
    peak.sample();

    const t0 = performance.now();
    const { top } = await profiled(async () => {
      // Five-minute slices: memory is sampled between them.
      for (let s = 0; s < simulatedSeconds; s += 300) {
        await cloud.clock.advance(300_000);
        peak.sample();
      }
    });
    const wallMs = performance.now() - t0;
    return {
      instances,
      simulatedSeconds,
      wallMs: round(wallMs, 0),
      simulatedSecondsPerWallSecond: round(simulatedSeconds / (wallMs / 1000), 0),
      setupWallMs: round(setupWallMs, 0),
      rssBeforeHourMb,
      peakRssMb: peak.rssMb,
      peakHeapMb: peak.heapMb,
      healthyAtEnd: cloud.elb.healthyCount(tg),
      apiCallsDuringHour: cloud.log.mark() - calls0,
      dominatedBy: top,
    };
  } finally {
    cloud.dispose();
  }
}

export function formatCloudBench(r: CloudBench): string {
  return [
    table([
      ['embedded cloud, 100-instance cluster', 'value'],
      ['simulated time', `${r.simulatedSeconds} s`],
      ['wall time (the hour)', `${r.wallMs} ms`],
      ['simulated s per wall s', r.simulatedSecondsPerWallSecond],
      ['setup + first boot (wall)', `${r.setupWallMs} ms`],
      ['RSS before the hour', `${r.rssBeforeHourMb} MB`],
      ['peak RSS', `${r.peakRssMb} MB`],
      ['peak heap', `${r.peakHeapMb} MB`],
      ['healthy targets at the end', r.healthyAtEnd],
    ]),
    '',
    `wall time goes to: ${r.dominatedBy.map((d) => `${d.where} ${d.percent}%`).join(', ')}`,
  ].join('\n');
}

if (isMain(import.meta.url)) {
  quiet();
  const m = machine();
  const r = await runCloudBench();
  // `--json`: one line for bench/run.ts, which runs this in a fresh process for clean memory figures.
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(r)}\n`);
  else process.stdout.write(`${formatCloudBench(r)}\nmachine: ${m.cpu}, ${m.cores} cores, node ${m.node}\n`);
}
