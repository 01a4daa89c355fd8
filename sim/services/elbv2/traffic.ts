/**
 * Simulated traffic and the AWS/ApplicationELB metrics it produces, one datapoint per minute
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html). Each load balancer takes `requestsPerSecond`, spread evenly over its
 * listeners; a listener's default action splits it over target groups by weight, a group over its
 * routed targets (healthy ones, or all when too few are healthy: fail open). A request to a
 * target whose app does not answer is a target 5XX. Count metrics are only published when
 * non-zero, as ALB does; host counts are published every minute for groups in use.
 */
import type { Cancel } from '../../clock.js';
import type { ElbSim } from '../elbv2.js';
import { dimensionOf, forwardTuples, type LoadBalancerRec, type TargetGroupRec } from './model.js';

const MINUTE = 60_000;
const NAMESPACE = 'AWS/ApplicationELB';
/** Seconds a target takes to answer, and to fail, a request. */
const RESPONSE_SECONDS = 0.05;
const FAILED_RESPONSE_SECONDS = 0.005;

interface Tally {
  requests: number;
  target2xx: number;
  target5xx: number;
  elb5xx: number;
}

const empty = (): Tally => ({ requests: 0, target2xx: 0, target5xx: 0, elb5xx: 0 });

export class Traffic {
  /** Requests per second per load balancer ARN; `defaultRequestsPerSecond` when absent. */
  readonly requestsPerSecond: Record<string, number> = {};
  defaultRequestsPerSecond = 50;
  private timer?: Cancel;
  /** Start of the next minute to publish. */
  private nextMinute = 0;

  constructor(private readonly sim: ElbSim) {}

  private hasListeners(): boolean {
    for (const lb of this.sim.state.loadBalancers.values()) if (lb.listeners.length > 0) return true;
    return false;
  }

  /** Start the per-minute publisher when some load balancer has a listener. */
  ensure(): void {
    if (this.timer || !this.hasListeners()) return;
    const now = this.sim.ctx.clock.now();
    this.nextMinute = Math.floor(now / MINUTE) * MINUTE;
    this.arm();
  }

  private arm(): void {
    this.timer = this.sim.ctx.clock.at(this.nextMinute + MINUTE, () => {
      this.timer = undefined;
      this.flush();
      if (this.hasListeners()) this.arm();
    });
  }

  /** Publish every complete minute not yet published (CloudWatch calls this before it reads). */
  flush(): void {
    const now = this.sim.ctx.clock.now();
    if (this.nextMinute === 0) return;
    while (this.nextMinute + MINUTE <= now) {
      this.publish(this.nextMinute);
      this.nextMinute += MINUTE;
    }
  }

  private publish(minute: number): void {
    for (const lb of this.sim.state.loadBalancers.values()) {
      if (lb.listeners.length === 0 || lb.state !== 'active') continue;
      this.publishLoadBalancer(lb, minute);
    }
  }

  private publishLoadBalancer(lb: LoadBalancerRec, minute: number): void {
    const rps = this.requestsPerSecond[lb.arn] ?? this.defaultRequestsPerSecond;
    const perListener = (rps * 60) / lb.listeners.length;
    const lbTally = empty();
    const byGroup = new Map<string, number>();
    for (const la of lb.listeners) {
      const l = this.sim.state.listeners.get(la);
      if (!l) continue;
      lbTally.requests += perListener;
      const tuples = forwardTuples(l.defaultActions);
      const total = tuples.reduce((n, t) => n + t.weight, 0);
      // A forward action whose weights are all 0 has nowhere to send requests: the ALB answers 503.
      if (tuples.length > 0 && total === 0) lbTally.elb5xx += perListener;
      for (const t of tuples) if (total > 0) byGroup.set(t.targetGroupArn, (byGroup.get(t.targetGroupArn) ?? 0) + (perListener * t.weight) / total);
    }
    const lbDim = { Name: 'LoadBalancer', Value: dimensionOf(lb.arn) };
    let responseSum = 0;
    for (const tg of this.sim.state.targetGroups.values()) {
      if (!tg.inUse || !this.sim.loadBalancersOf(tg.arn).includes(lb.arn)) continue;
      const tally = this.route(tg, byGroup.get(tg.arn) ?? 0);
      lbTally.target2xx += tally.target2xx;
      lbTally.target5xx += tally.target5xx;
      lbTally.elb5xx += tally.elb5xx;
      responseSum += tally.target2xx * RESPONSE_SECONDS + tally.target5xx * FAILED_RESPONSE_SECONDS;
      const dims = [{ Name: 'TargetGroup', Value: dimensionOf(tg.arn) }, lbDim];
      let healthy = 0;
      let unhealthy = 0;
      for (const t of tg.targets.values()) {
        if (t.state === 'healthy') healthy++;
        else if (t.state === 'unhealthy') unhealthy++;
      }
      this.gauge('HealthyHostCount', dims, minute, healthy);
      this.gauge('UnHealthyHostCount', dims, minute, unhealthy);
      // ELB-generated errors are load balancer metrics only (no TargetGroup dimension).
      this.counts(dims, minute, { ...tally, elb5xx: 0 });
    }
    this.counts([lbDim], minute, { ...lbTally, requests: Math.round(lbTally.requests), elb5xx: Math.round(lbTally.elb5xx) }, responseSum);
  }

  /** Requests of one minute to one target group, over its routed targets. */
  private route(tg: TargetGroupRec, requests: number): Tally {
    const n = Math.round(requests);
    const tally = { ...empty(), requests: n };
    if (n === 0) return tally;
    const routed = this.sim.health.routed(tg);
    if (routed.length === 0) {
      tally.elb5xx = n;
      return tally;
    }
    // A target that doesn't answer fails all its requests; one that does fails its app's error rate.
    let failing = 0;
    for (const t of routed) failing += this.sim.health.answering(tg, t) ? (tg.targetType === 'instance' ? this.sim.ctx.ec2.requestErrorRate(t.id) : 0) : 1;
    tally.target5xx = Math.round((n * failing) / routed.length);
    tally.target2xx = n - tally.target5xx;
    return tally;
  }

  private counts(dims: { Name: string; Value: string }[], minute: number, t: Tally, responseSum?: number): void {
    this.count('RequestCount', dims, minute, t.requests);
    this.count('HTTPCode_Target_2XX_Count', dims, minute, t.target2xx);
    this.count('HTTPCode_Target_5XX_Count', dims, minute, t.target5xx);
    this.count('HTTPCode_ELB_5XX_Count', dims, minute, t.elb5xx);
    const answered = t.target2xx + t.target5xx;
    if (answered > 0) {
      const sum = responseSum ?? t.target2xx * RESPONSE_SECONDS + t.target5xx * FAILED_RESPONSE_SECONDS;
      this.sim.ctx.cloudwatch.record({
        namespace: NAMESPACE,
        metricName: 'TargetResponseTime',
        dimensions: dims,
        timestamp: minute,
        sum,
        count: answered,
        min: t.target5xx > 0 ? FAILED_RESPONSE_SECONDS : RESPONSE_SECONDS,
        max: t.target2xx > 0 ? RESPONSE_SECONDS : FAILED_RESPONSE_SECONDS,
        unit: 'Seconds',
      });
    }
  }

  /** A count: not published when zero; Minimum/Maximum/Average are 1 as ALB reports them. */
  private count(metricName: string, dimensions: { Name: string; Value: string }[], timestamp: number, n: number): void {
    if (n <= 0) return;
    this.sim.ctx.cloudwatch.record({ namespace: NAMESPACE, metricName, dimensions, timestamp, sum: n, count: n, min: 1, max: 1, unit: 'Count' });
  }

  private gauge(metricName: string, dimensions: { Name: string; Value: string }[], timestamp: number, v: number): void {
    this.sim.ctx.cloudwatch.record({ namespace: NAMESPACE, metricName, dimensions, timestamp, sum: v, count: 1, min: v, max: v, unit: 'Count' });
  }
}
