/**
 * Account-level API rate limits as token buckets: an opt-in fault source for the embedded cloud
 * (`cloud.rateLimits = new RateLimits(cloud.clock, AWS_RATE_LIMITS)`). A call takes tokens from
 * every bucket it belongs to; when one is short, the call fails with the service's own throttling
 * error (faults.ts THROTTLE) before it takes effect, and the SDK's retry strategy takes over —
 * exactly what a busy account sees. Buckets refill continuously at their rate, up to capacity.
 */
import { AwsFault } from './aws-fault.js';
import { THROTTLE } from './faults.js';

export interface BucketSpec {
  /** Unique name, e.g. `elbv2:describe`. */
  name: string;
  service: string;
  /** Operations drawing on the bucket; a RegExp matches several. */
  operation: string | RegExp;
  capacity: number;
  refillPerSecond: number;
  /** Tokens one call takes (default 1): resource buckets count instances. */
  cost?: (input: any) => number;
  /** Where the numbers come from. */
  source: string;
  /**
   * `action`: one bucket per matching operation (EC2 limits each API separately);
   * `shared` (default): one bucket for all of them (ELB's Describe* bucket).
   */
  scope?: 'action' | 'shared';
}

const DESCRIBE = /^(Describe|Get|List)/;

/**
 * AWS's published numbers for the services redblack calls most. EC2 per-API buckets and resource
 * buckets from "Request throttling for the Amazon EC2 API"
 * (https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html; the mutating category's size
 * is the least certain, ⚠); ELBv2's Describe* bucket from "Request throttling for the ELB API"
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html: 40, refill 10/s);
 * SSM GetParameter's default 40 TPS (https://docs.aws.amazon.com/general/latest/gr/ssm.html). ELBv2's mutating
 * bucket is not published: 20 refilling 4/s is an assumption, deliberately tight.
 */
export const AWS_RATE_LIMITS: readonly BucketSpec[] = [
  { name: 'ec2:non-mutating', service: 'ec2', operation: DESCRIBE, capacity: 100, refillPerSecond: 20, scope: 'action', source: 'EC2 API throttling docs (non-mutating, per action)' },
  {
    name: 'ec2:mutating',
    service: 'ec2',
    operation: /^(?!Describe|Get|List)/,
    capacity: 200,
    refillPerSecond: 5,
    scope: 'action',
    source: 'EC2 API throttling docs (mutating, per action) ⚠',
  },
  { name: 'ec2:run-instances', service: 'ec2', operation: 'RunInstances', capacity: 1000, refillPerSecond: 2, cost: (i) => Number(i?.MaxCount ?? 1), source: 'EC2 API throttling docs (RunInstances resource bucket)' },
  {
    name: 'ec2:terminate-instances',
    service: 'ec2',
    operation: 'TerminateInstances',
    capacity: 1000,
    refillPerSecond: 20,
    cost: (i) => (Array.isArray(i?.InstanceIds) ? i.InstanceIds.length : 1),
    source: 'EC2 API throttling docs (TerminateInstances resource bucket)',
  },
  { name: 'elbv2:describe', service: 'elasticloadbalancing', operation: DESCRIBE, capacity: 40, refillPerSecond: 10, source: 'ELB API throttling docs (Describe*, one bucket)' },
  { name: 'elbv2:mutating', service: 'elasticloadbalancing', operation: /^(?!Describe|Get|List)/, capacity: 20, refillPerSecond: 4, source: 'assumed (not published by AWS)' },
  { name: 'ssm:get-parameter', service: 'ssm', operation: /^GetParameters?$|^GetParametersByPath$/, capacity: 40, refillPerSecond: 40, source: 'Systems Manager quotas (40 TPS shared)' },
];

interface Bucket {
  spec: BucketSpec;
  tokens: number;
  at: number;
  calls: number;
  throttled: number;
}

export interface BucketStats {
  name: string;
  calls: number;
  throttled: number;
  /** Tokens left when last touched. */
  tokens: number;
}

export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  throttled = 0;

  constructor(
    private readonly clock: { now(): number },
    private readonly specs: readonly BucketSpec[] = AWS_RATE_LIMITS,
  ) {}

  /**
   * Takes the call's tokens from every bucket it draws on, or none at all: the fault of the first
   * bucket that is short (the caller throws it), else undefined.
   */
  take(service: string, operation: string, input: unknown): AwsFault | undefined {
    const now = this.clock.now();
    const hit: { bucket: Bucket; cost: number }[] = [];
    for (const spec of this.specs) {
      if (spec.service !== service) continue;
      if (typeof spec.operation === 'string' ? spec.operation !== operation : !spec.operation.test(operation)) continue;
      const bucket = this.bucket(spec, spec.scope === 'action' ? `${spec.name}:${operation}` : spec.name, now);
      bucket.calls++;
      const cost = spec.cost ? Math.max(1, spec.cost(input)) : 1;
      if (bucket.tokens < cost) {
        bucket.throttled++;
        this.throttled++;
        return throttle(service);
      }
      hit.push({ bucket, cost });
    }
    for (const h of hit) h.bucket.tokens -= h.cost;
    return undefined;
  }

  stats(): BucketStats[] {
    return [...this.buckets.entries()].map(([name, b]) => ({ name, calls: b.calls, throttled: b.throttled, tokens: b.tokens }));
  }

  private bucket(spec: BucketSpec, key: string, now: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { spec, tokens: spec.capacity, at: now, calls: 0, throttled: 0 };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(spec.capacity, b.tokens + ((now - b.at) / 1000) * spec.refillPerSecond);
    b.at = now;
    return b;
  }
}

/** The service's own throttling error, as a fault the call router turns into the SDK's exception. */
function throttle(service: string): AwsFault {
  const t = THROTTLE[service] ?? { code: 'Throttling', status: 400, message: 'Rate exceeded' };
  return new AwsFault(t.code, t.message, t.status);
}
