import { describe, expect, it } from 'vitest';
import { metricRules } from '../../../src/domain/canary/rules.js';
import { loadBalancerDimension, planQueries, targetGroupDimension, window } from '../../../src/domain/canary/metrics.js';
import { LISTENER_ARN } from '../arbitraries.js';

const TG = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const GROUPS = { canary: { serverGroup: 'web-v002', targetGroupArn: TG('web-v002') }, baseline: { serverGroup: 'web-v001', targetGroupArn: TG('web-v001') } };
const T0 = Date.UTC(2026, 0, 1, 10, 0);
const MIN = 60_000;

describe('dimensions', () => {
  it('are the ARN suffixes CloudWatch uses', () => {
    // Assess
    expect(targetGroupDimension(TG('web-v002'))).toBe('targetgroup/web-v002/0123456789abcdef');
    expect(loadBalancerDimension(LISTENER_ARN)).toBe('app/web/50dc6c495c0c9188');
    expect(() => loadBalancerDimension('arn:aws:sns:us-east-1:1:topic')).toThrow(RangeError);
  });
});

describe('window', () => {
  it('reads whole minutes only: from the first after the step began to the last complete one', () => {
    // Act
    const w = window(T0 + 20_000, T0 + 4 * MIN + 30_000);
    // Assess
    expect(w.minutes).toEqual([T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
    expect(w).toMatchObject({ start: T0 + MIN, end: T0 + 4 * MIN });
  });
});

describe('planQueries', () => {
  it('asks for the ALB metrics of both groups with TargetGroup and LoadBalancer dimensions', () => {
    // Act
    const plan = planQueries(metricRules({}), {}, GROUPS, LISTENER_ARN, []);
    // Assess
    expect(plan.queries.map((q) => `${q.id} ${q.metricName} ${q.stat}`)).toEqual([
      'canary_requests RequestCount Sum',
      'canary_errors HTTPCode_Target_5XX_Count Sum',
      'canary_p50 TargetResponseTime p50',
      'canary_p99 TargetResponseTime p99',
      'baseline_requests RequestCount Sum',
      'baseline_errors HTTPCode_Target_5XX_Count Sum',
      'baseline_p50 TargetResponseTime p50',
      'baseline_p99 TargetResponseTime p99',
    ]);
    expect(plan.queries[0]?.dimensions).toEqual([
      { Name: 'TargetGroup', Value: 'targetgroup/web-v002/0123456789abcdef' },
      { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
    ]);
  });

  it('no 5XX datapoint in a minute with requests is zero errors; a minute without requests is no sample', () => {
    // Prepare
    const minutes = [T0, T0 + MIN, T0 + 2 * MIN];
    const plan = planQueries(metricRules({ latencyP50: false, latencyP99: false }), {}, GROUPS, LISTENER_ARN, minutes);
    // Act
    const series = plan.assemble(
      new Map([
        ['canary_requests', new Map([[T0, 300], [T0 + MIN, 200]])],
        ['canary_errors', new Map([[T0 + MIN, 4]])],
        ['baseline_requests', new Map([[T0, 2700], [T0 + MIN, 2700], [T0 + 2 * MIN, 2700]])],
      ]),
    );
    // Assess
    expect(series.get('errorRate')).toEqual({ canary: [0, 0.02], baseline: [0, 0, 0], canaryWeights: [300, 200], baselineWeights: [2700, 2700, 2700] });
  });

  it('fills user-metric placeholders per group and applies `missing: zero`', () => {
    // Prepare
    const config = {
      latencyP50: false as const,
      latencyP99: false as const,
      errorRate: false as const,
      metrics: [{ name: 'checkout', namespace: 'Shop', metricName: 'Failed', dimensions: [{ name: 'AutoScalingGroupName', value: '{serverGroup}' }], stat: 'Sum', missing: 'zero' as const }],
    };
    const plan = planQueries(metricRules(config), config, GROUPS, LISTENER_ARN, [T0, T0 + MIN]);
    // Act
    const series = plan.assemble(new Map([['canary_u0', new Map([[T0 + MIN, 3]])]]));
    // Assess
    expect(plan.queries.map((q) => q.dimensions[0]?.Value)).toEqual(['web-v002', 'web-v001']);
    expect(series.get('checkout')).toEqual({ canary: [0, 3], baseline: [0, 0] });
  });
});
