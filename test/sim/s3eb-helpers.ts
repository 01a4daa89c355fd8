/**
 * Test helpers for the S3 / EventBridge / Scheduler simulator tests.
 * `advance` moves the virtual clock by exactly `ms`, running everything due on the way, with a
 * sentinel event and `runUntil`. (`clock.advance` currently runs nothing: its `peekTimer` reads
 * fake-timers' `timers` as an object, but fake-timers 15 keeps a Map — reported to the lead.)
 */
import type { EmbeddedCloud } from '../../sim/cloud.js';

export async function advance(cloud: EmbeddedCloud, ms: number): Promise<void> {
  const target = cloud.clock.now() + ms;
  // Hops of at most 20 days: a fake timer further out than 2^31-1 ms would fire after 1 ms.
  while (cloud.clock.now() < target) {
    let reached = false;
    cloud.clock.at(Math.min(target, cloud.clock.now() + 20 * 86_400_000), () => {
      reached = true;
    });
    await cloud.clock.runUntil(() => reached);
  }
}

export { failure } from './common.js';
