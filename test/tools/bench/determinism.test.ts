/**
 * One seed, one run: everything random on the simulated path (the simulators' draws, the SDK's
 * retry jitter and idempotency tokens, Step Functions' Retry jitter) comes from the seed, so the
 * same seed gives the same call log byte for byte — here with throttling forcing SDK retries.
 */
import { describe, expect, it } from 'vitest';
import { AWS_RATE_LIMITS, RateLimits } from '../../../sim/rate-limits.js';
import { BenchWorld } from '../../../tools/bench/lib/world.js';

/** The published buckets, ELBv2's made tight enough that four clusters at once get throttled. */
const TIGHT = AWS_RATE_LIMITS.map((b) => (b.service === 'elasticloadbalancing' ? { ...b, capacity: 4, refillPerSecond: 1 } : b));

async function run(seed: number): Promise<{ log: string; throttled: number; statuses: string[] }> {
  const clusters = ['a0-prod', 'a1-prod', 'a2-prod', 'a3-prod'];
  const w = await BenchWorld.create({ seed, clusters: clusters.map((cluster) => ({ cluster })) });
  try {
    w.cloud.log.keepInputs = true;
    const limits = new RateLimits(w.cloud.clock, TIGHT);
    w.cloud.rateLimits = limits;
    const mark = w.cloud.log.mark();
    await Promise.all(clusters.map((c) => w.upload('1.1.0', c)));
    const ended = await w.awaitEnded(clusters.length, 4 * 3600_000);
    const calls = w.cloud.log.calls.slice(mark).map(({ at, service, operation, outcome, caller, input }) => ({ at, service, operation, outcome, caller, input }));
    return { log: JSON.stringify(calls), throttled: limits.throttled, statuses: ended.map((e) => `${e.name}:${e.status}`).sort() };
  } finally {
    w.dispose();
  }
}

describe('determinism for a seed', () => {
  it('gives the same call log twice for one seed, SDK retries included, and another for another seed', async () => {
    // Act
    const first = await run(11);
    const second = await run(11);
    const other = await run(12);
    // Assess
    expect(first.throttled).toBeGreaterThan(0);
    expect(second.log).toBe(first.log);
    expect(second.statuses).toEqual(first.statuses);
    expect(other.log).not.toBe(first.log);
  }, 120_000);

  it('gives Math.random and crypto.randomUUID back when the cloud is disposed', async () => {
    // Prepare
    const random = Math.random;
    const uuid = globalThis.crypto.randomUUID;
    // Act
    const w = await BenchWorld.create({ seed: 3 });
    const during = [Math.random === random, globalThis.crypto.randomUUID === uuid];
    w.dispose();
    // Assess
    expect(during).toEqual([false, false]);
    expect(Math.random).toBe(random);
    expect(globalThis.crypto.randomUUID).toBe(uuid);
  }, 60_000);
});
