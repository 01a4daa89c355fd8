/**
 * Faults on demand for any operation: an AWS error (before the call takes effect, or after it,
 * as a lost response), throttling with the code each service really sends, or added latency.
 */
import type { Rng } from './rng.js';

export interface FaultRule {
  /** IAM service prefix (ec2, autoscaling, elasticloadbalancing, …); any when omitted. */
  service?: string;
  /** Operation name without `Command`; a RegExp matches several. Any when omitted. */
  operation?: string | RegExp;
  match?: (input: any) => boolean;
  /** AWS wire code to fail with. */
  error?: string;
  status?: number;
  message?: string;
  /** Simulated latency added to the call. */
  latencyMs?: number;
  /** How many matching calls it hits (default 1). */
  times?: number;
  /** Let this many matching calls through first. */
  skip?: number;
  /** Chance per matching call, drawn from the seeded RNG. */
  probability?: number;
  /** `before` (default): nothing changes. `after`: the call takes effect and its response is lost. */
  phase?: 'before' | 'after';
}

/**
 * The throttling code, HTTP status and message each service really returns: its Common Errors
 * page, and https://docs.aws.amazon.com/ec2/latest/devguide/ec2-api-throttling.html and
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html.
 */
export const THROTTLE: Record<string, { code: string; status: number; message: string }> = {
  ec2: { code: 'RequestLimitExceeded', status: 503, message: 'Request limit exceeded.' },
  autoscaling: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  elasticloadbalancing: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  cloudwatch: { code: 'Throttling', status: 400, message: 'Rate exceeded' },
  scheduler: { code: 'ThrottlingException', status: 429, message: 'Rate exceeded' },
  states: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  ssm: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  dynamodb: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  events: { code: 'ThrottlingException', status: 400, message: 'Rate exceeded' },
  s3: { code: 'SlowDown', status: 503, message: 'Please reduce your request rate.' },
};

export interface FaultHit {
  rule: FaultRule;
}

interface ActiveRule {
  rule: FaultRule;
  seen: number;
  hits: number;
}

export class Faults {
  private rules: ActiveRule[] = [];
  injected = 0;

  constructor(private readonly rng: Rng) {}

  add(rule: FaultRule): this {
    this.rules.push({ rule, seen: 0, hits: 0 });
    return this;
  }

  /** Throttle `times` calls of an operation with that service's own throttling error. */
  throttle(service: string, operation?: string | RegExp, times = 1): this {
    const t = THROTTLE[service];
    if (!t) throw new Error(`no throttling code known for service ${service}`);
    return this.add({ service, operation, error: t.code, status: t.status, message: t.message, times });
  }

  clear(): void {
    this.rules = [];
  }

  /** The rules that hit this call; each hit is counted against its `times`. */
  match(service: string, operation: string, input: unknown): FaultRule[] {
    const hits: FaultRule[] = [];
    for (const a of this.rules) {
      const r = a.rule;
      if (r.service !== undefined && r.service !== service) continue;
      if (r.operation !== undefined && (typeof r.operation === 'string' ? r.operation !== operation : !r.operation.test(operation))) continue;
      if (r.match && !r.match(input)) continue;
      if (a.hits >= (r.times ?? 1)) continue;
      a.seen++;
      if (a.seen <= (r.skip ?? 0)) continue;
      if (r.probability !== undefined && this.rng.next() >= r.probability) continue;
      a.hits++;
      this.injected++;
      hits.push(r);
    }
    return hits;
  }
}
