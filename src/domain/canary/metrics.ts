/**
 * What the judge asks CloudWatch for, and how the answers become per-minute series. Pure.
 *
 * Built-in metrics are the ALB's per-target-group metrics (namespace AWS/ApplicationELB,
 * dimensions TargetGroup + LoadBalancer), one datapoint per minute:
 * - errorRate = HTTPCode_Target_5XX_Count / RequestCount for every minute with requests. The
 *   no-data rule: the ALB publishes no 5XX datapoint for a minute without errors, so a minute with
 *   requests and no 5XX datapoint counts as 0 errors; a minute without requests is no sample.
 * - latencyP50 / latencyP99 = TargetResponseTime p50 / p99 (seconds); a minute without a datapoint
 *   had no answered request and is no sample.
 * User metrics name their dimensions with `{serverGroup}`, `{targetGroup}` or `{loadBalancer}`
 * placeholders filled per group; a missing minute is skipped, or zero with `missing: zero`.
 */
import type { CanaryConfig } from './config.js';
import type { MetricRule } from './rules.js';
import type { Series } from './judge.js';

export interface GroupRef {
  serverGroup: string;
  targetGroupArn: string;
}

export interface MetricQuery {
  id: string;
  namespace: string;
  metricName: string;
  dimensions: { Name: string; Value: string }[];
  stat: string;
}

/** Per query id: minute (epoch ms) → value. */
export type MetricResults = ReadonlyMap<string, ReadonlyMap<number, number>>;

const MINUTE = 60_000;
const ALB = 'AWS/ApplicationELB';

/** The TargetGroup dimension of a target group ARN: `targetgroup/<name>/<id>`. */
export function targetGroupDimension(arn: string): string {
  const at = arn.indexOf(':targetgroup/');
  if (at < 0) throw new RangeError(`not a target group ARN: ${arn}`);
  return arn.slice(at + 1);
}

/** The LoadBalancer dimension of a listener or rule ARN: `app/<name>/<id>`. */
export function loadBalancerDimension(arn: string): string {
  const m = /:listener(?:-rule)?\/(app\/[^/]+\/[^/]+)\//.exec(arn);
  if (!m) throw new RangeError(`not an Application Load Balancer listener or rule ARN: ${arn}`);
  return m[1] as string;
}

/** Whole minutes [from, to) the judge reads: from the first whole minute after `since` to the last complete one before `now`. */
export function window(since: number, now: number): { start: number; end: number; minutes: number[] } {
  const start = Math.ceil(since / MINUTE) * MINUTE;
  const end = Math.max(start, Math.floor(now / MINUTE) * MINUTE);
  const minutes: number[] = [];
  for (let t = start; t < end; t += MINUTE) minutes.push(t);
  return { start, end, minutes };
}

type Role = 'canary' | 'baseline';

export interface Plan {
  queries: MetricQuery[];
  /** Results → each judged metric's series. */
  assemble(results: MetricResults): Map<string, Series>;
}

/** The queries for every rule, for both groups, and how to read them back. */
export function planQueries(rules: readonly MetricRule[], config: CanaryConfig, groups: Record<Role, GroupRef>, listenerArn: string, minutes: readonly number[]): Plan {
  const lb = loadBalancerDimension(listenerArn);
  const queries: MetricQuery[] = [];
  const names = new Set(rules.map((r) => r.name));
  const albDims = (g: GroupRef) => [
    { Name: 'TargetGroup', Value: targetGroupDimension(g.targetGroupArn) },
    { Name: 'LoadBalancer', Value: lb },
  ];
  const alb = (role: Role, key: string, metricName: string, stat: string) =>
    queries.push({ id: `${role}_${key}`, namespace: ALB, metricName, dimensions: albDims(groups[role]), stat });
  const users = (config.metrics ?? []).filter((m) => names.has(m.name));
  for (const role of ['canary', 'baseline'] as const) {
    if (names.has('errorRate')) {
      alb(role, 'requests', 'RequestCount', 'Sum');
      alb(role, 'errors', 'HTTPCode_Target_5XX_Count', 'Sum');
    }
    if (names.has('latencyP50')) alb(role, 'p50', 'TargetResponseTime', 'p50');
    if (names.has('latencyP99')) alb(role, 'p99', 'TargetResponseTime', 'p99');
    const g = groups[role];
    const fillIn = (v: string) => v.replaceAll('{serverGroup}', g.serverGroup).replaceAll('{targetGroup}', targetGroupDimension(g.targetGroupArn)).replaceAll('{loadBalancer}', lb);
    users.forEach((m, i) =>
      queries.push({ id: `${role}_u${i}`, namespace: m.namespace, metricName: m.metricName, dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: fillIn(d.value) })), stat: m.stat ?? 'Average' }),
    );
  }

  const assemble = (results: MetricResults): Map<string, Series> => {
    const get = (id: string) => results.get(id) ?? new Map<number, number>();
    const out = new Map<string, Series>();
    const series = (f: (role: Role) => number[]): Series => ({ canary: f('canary'), baseline: f('baseline') });
    const inWindow = (m: ReadonlyMap<number, number>) => minutes.filter((t) => m.has(t)).map((t) => m.get(t) as number);
    if (names.has('errorRate')) {
      const rate = (role: Role) => {
        const requests = get(`${role}_requests`);
        const errors = get(`${role}_errors`);
        const served = minutes.filter((t) => (requests.get(t) ?? 0) > 0);
        return { values: served.map((t) => (errors.get(t) ?? 0) / (requests.get(t) as number)), weights: served.map((t) => requests.get(t) as number) };
      };
      const c = rate('canary');
      const b = rate('baseline');
      out.set('errorRate', { canary: c.values, baseline: b.values, canaryWeights: c.weights, baselineWeights: b.weights });
    }
    if (names.has('latencyP50')) out.set('latencyP50', series((role) => inWindow(get(`${role}_p50`))));
    if (names.has('latencyP99')) out.set('latencyP99', series((role) => inWindow(get(`${role}_p99`))));
    users.forEach((m, i) =>
      out.set(
        m.name,
        series((role) => {
          const v = get(`${role}_u${i}`);
          return m.missing === 'zero' ? minutes.map((t) => v.get(t) ?? 0) : inWindow(v);
        }),
      ),
    );
    return out;
  };
  return { queries, assemble };
}
