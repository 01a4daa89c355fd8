/**
 * The opt-in account rate limits: token buckets that answer each service's own throttling error,
 * per AWS's published numbers, and that the SDK's retry strategy rides out on the virtual clock.
 */
import { DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { EmbeddedCloud } from '../../sim/cloud.js';
import { AWS_RATE_LIMITS, type BucketSpec, RateLimits } from '../../sim/rate-limits.js';
import { createCloud } from '../../local/cloud.js';

describe('RateLimits (token buckets)', () => {
  const at = { t: 0, now: () => at.t };
  const elb = AWS_RATE_LIMITS.find((b) => b.name === 'elbv2:describe') as BucketSpec;

  it("empties the ELB Describe* bucket after 40 calls in one instant and answers ELB's Throttling", () => {
    // Prepare
    at.t = 0;
    const limits = new RateLimits(at, [elb]);
    // Act
    const outcomes = Array.from({ length: 41 }, (_, i) => limits.take('elasticloadbalancing', i % 2 ? 'DescribeListeners' : 'DescribeTargetHealth', {}));
    // Assess
    expect(outcomes.slice(0, 40).every((o) => o === undefined)).toBe(true);
    expect(outcomes[40]).toMatchObject({ code: 'Throttling', status: 400, message: 'Rate exceeded' });
    expect(limits.throttled).toBe(1);
  });

  it('refills at its rate: 10 more calls a second later, not 11', () => {
    // Prepare
    at.t = 0;
    const limits = new RateLimits(at, [elb]);
    for (let i = 0; i < 40; i++) limits.take('elasticloadbalancing', 'DescribeListeners', {});
    // Act
    at.t = 1000;
    const outcomes = Array.from({ length: 11 }, () => limits.take('elasticloadbalancing', 'DescribeListeners', {}));
    // Assess
    expect(outcomes.filter((o) => o === undefined)).toHaveLength(10);
  });

  it('keeps one bucket per EC2 action, and counts instances against the RunInstances resource bucket', () => {
    // Prepare
    at.t = 0;
    const limits = new RateLimits(at);
    for (let i = 0; i < 100; i++) limits.take('ec2', 'DescribeInstances', {});
    // Act
    const otherAction = limits.take('ec2', 'DescribeImages', {});
    const sameAction = limits.take('ec2', 'DescribeInstances', {});
    const big = limits.take('ec2', 'RunInstances', { MaxCount: 1000 });
    const oneMore = limits.take('ec2', 'RunInstances', { MaxCount: 1 });
    // Assess
    expect(otherAction).toBeUndefined();
    expect(sameAction).toMatchObject({ code: 'RequestLimitExceeded', status: 503 });
    expect(big).toBeUndefined();
    expect(oneMore).toMatchObject({ code: 'RequestLimitExceeded' });
  });

  it('takes nothing from any bucket when one of them refuses the call', () => {
    // Prepare: the resource bucket refuses, so the per-action bucket must keep its token
    at.t = 0;
    const limits = new RateLimits(at);
    limits.take('ec2', 'RunInstances', { MaxCount: 1000 });
    // Act
    for (let i = 0; i < 5; i++) limits.take('ec2', 'RunInstances', { MaxCount: 1 });
    // Assess: the 5 refused calls took no token from the per-action bucket (capacity 200)
    expect(limits.stats().find((s) => s.name === 'ec2:run-instances')).toMatchObject({ calls: 6, throttled: 5 });
    expect(limits.stats().find((s) => s.name === 'ec2:mutating:RunInstances')).toMatchObject({ throttled: 0, tokens: 199 });
  });
});

describe('rate limits in the embedded cloud', () => {
  let cloud: EmbeddedCloud | undefined;
  afterEach(() => cloud?.dispose());

  it('are off by default and, once on, throttle a burst that the SDK then retries on the virtual clock', async () => {
    // Prepare
    cloud = await createCloud({ seed: 5 });
    const elbClient = client(ElasticLoadBalancingV2Client);
    for (let i = 0; i < 60; i++) await elbClient.send(new DescribeTargetGroupsCommand({}));
    expect(cloud.log.filter({ outcome: 'Throttling' })).toHaveLength(0);
    cloud.rateLimits = new RateLimits(cloud.clock);
    // Act: 45 at the same instant
    let done = 0;
    for (let i = 0; i < 45; i++) void elbClient.send(new DescribeTargetGroupsCommand({})).then(() => done++);
    await cloud.clock.runUntil(() => done === 45, { limitMs: 60_000 });
    // Assess
    expect(done).toBe(45);
    expect(cloud.log.filter({ operation: 'DescribeTargetGroups', outcome: 'Throttling' }).length).toBeGreaterThanOrEqual(5);
    expect(cloud.rateLimits.throttled).toBeGreaterThanOrEqual(5);
  });
});
