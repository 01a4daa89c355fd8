import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clusterConfigSchema, parseClusterConfig, type ClusterConfig } from '../../src/domain/config.js';
import { InvalidClusterConfig } from '../../src/domain/errors.js';
import { anyJson, LISTENER_ARN, RULE_ARN } from './arbitraries.js';

const LAUNCH = {
  launchTemplateName: 'web-prod',
  subnets: ['subnet-0123456789abcdef0'],
  targetGroup: { vpcId: 'vpc-0123abcd' },
};
const BAKE = { baseImageId: 'ami-0123456789abcdef0', subnetId: 'subnet-0123abcd' };

/** The InvalidClusterConfig a document raises (fails the test if it parses). */
function rejection(doc: unknown): InvalidClusterConfig {
  try {
    parseClusterConfig(doc, 'web-prod');
  } catch (e) {
    if (e instanceof InvalidClusterConfig) return e;
    throw e;
  }
  throw new Error('expected InvalidClusterConfig');
}

describe('parseClusterConfig', () => {
  it('fills every documented default', () => {
    // Act
    const config = parseClusterConfig({ listenerArn: LISTENER_ARN }, 'web-prod');
    // Assess
    expect(config).toEqual<ClusterConfig>({
      listenerArn: LISTENER_ARN,
      healthGate: { timeoutMinutes: 20, minHealthyPercent: 100, alarmNames: [] },
      traffic: { steps: [100], waitSeconds: 300, alarmNames: [] },
      teardown: { retainMinutes: 120, maxRemainingGroups: 2, scaleDownOld: false, imageRetentionDays: 30 },
      rollbackOnFailure: true,
    });
  });

  it('fills bake and launch defaults when those sections are given', () => {
    // Act
    const config = parseClusterConfig({ ruleArn: RULE_ARN, bake: BAKE, launch: LAUNCH }, 'web-prod');
    // Assess
    expect(config.bake).toEqual({
      ...BAKE,
      instanceType: 't3.small',
      securityGroupIds: [],
      installCommand: '/opt/redblack/install.sh',
      timeoutMinutes: 30,
    });
    expect(config.launch).toEqual({
      ...LAUNCH,
      minSize: 1,
      maxSize: 4,
      desiredCapacity: 2,
      healthCheckType: 'ELB',
      healthCheckGracePeriodSeconds: 300,
      targetGroup: {
        vpcId: 'vpc-0123abcd',
        port: 80,
        protocol: 'HTTP',
        healthCheckPath: '/',
        healthCheckIntervalSeconds: 10,
        healthyThresholdCount: 3,
        unhealthyThresholdCount: 2,
        deregistrationDelaySeconds: 60,
      },
    });
  });

  it('accepts the raw SSM string', () => {
    // Act
    const config = parseClusterConfig(JSON.stringify({ listenerArn: LISTENER_ARN, traffic: { steps: [10, 50, 100] } }), 'web-prod');
    // Assess
    expect(config.traffic.steps).toEqual([10, 50, 100]);
  });

  it.each<[string, unknown, string, string]>([
    ['not JSON', '{nope', '', 'not valid JSON'],
    ['an array', [], '', 'JSON object'],
    ['neither ARN', {}, 'listenerArn', 'one of listenerArn or ruleArn is required'],
    ['both ARNs', { listenerArn: LISTENER_ARN, ruleArn: RULE_ARN }, 'ruleArn', 'not both'],
    ['a rule ARN as listenerArn', { listenerArn: RULE_ARN }, 'listenerArn', 'got a listener-rule ARN'],
    ['a listener ARN as ruleArn', { ruleArn: LISTENER_ARN }, 'ruleArn', 'got a listener ARN'],
    ['a target group ARN', { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/50dc6c495c0c9188' }, 'listenerArn', 'got a targetgroup ARN'],
    ['an NLB listener', { listenerArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/web/50dc6c495c0c9188/f2f7dc8efc522ab2' }, 'listenerArn', 'non-ALB'],
    ['not an ARN', { listenerArn: 'web' }, 'listenerArn', 'not an Elastic Load Balancing ARN'],
    ['an unknown top-level key', { listenerArn: LISTENER_ARN, rollback: true }, 'rollback', 'unknown field'],
    ['an unknown nested key', { listenerArn: LISTENER_ARN, teardown: { retainMins: 5 } }, 'teardown.retainMins', 'unknown field'],
    ['decreasing steps', { listenerArn: LISTENER_ARN, traffic: { steps: [10, 50, 40, 100] } }, 'traffic.steps[2]', 'greater than the step before it (50)'],
    ['steps not ending at 100', { listenerArn: LISTENER_ARN, traffic: { steps: [10, 50] } }, 'traffic.steps[1]', 'last step must be 100'],
    ['a fractional step', { listenerArn: LISTENER_ARN, traffic: { steps: [12.5, 100] } }, 'traffic.steps[0]', 'integer percentage'],
    ['too many steps', { listenerArn: LISTENER_ARN, traffic: { steps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 100] } }, 'traffic.steps', 'at most 10'],
    ['no steps', { listenerArn: LISTENER_ARN, traffic: { steps: [] } }, 'traffic.steps', 'at least one'],
    ['a wait out of range', { listenerArn: LISTENER_ARN, traffic: { waitSeconds: 3601 } }, 'traffic.waitSeconds', 'from 0 to 3600 (got 3601)'],
    ['a percent of 0', { listenerArn: LISTENER_ARN, healthGate: { minHealthyPercent: 0 } }, 'healthGate.minHealthyPercent', 'from 1 to 100'],
    ['a string for a number', { listenerArn: LISTENER_ARN, teardown: { retainMinutes: '5' } }, 'teardown.retainMinutes', 'must be a number, got a string "5"'],
    ['no base image', { listenerArn: LISTENER_ARN, bake: { subnetId: 'subnet-0123abcd' } }, 'bake.baseImageId', 'one of baseImageId or baseImageParameter'],
    ['two base images', { listenerArn: LISTENER_ARN, bake: { ...BAKE, baseImageParameter: '/aws/service/x' } }, 'bake.baseImageParameter', 'not both'],
    ['a bad AMI id', { listenerArn: LISTENER_ARN, bake: { ...BAKE, baseImageId: 'ami-123' } }, 'bake.baseImageId', 'AMI id'],
    ['a bake timeout too short', { listenerArn: LISTENER_ARN, bake: { ...BAKE, timeoutMinutes: 4 } }, 'bake.timeoutMinutes', 'from 5 to 240'],
    ['a bad security group', { listenerArn: LISTENER_ARN, bake: { ...BAKE, securityGroupIds: ['sg-1', 'sg-0123abcd'] } }, 'bake.securityGroupIds[0]', 'security group id'],
    ['no subnets', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, subnets: [] } }, 'launch.subnets', 'at least one subnet'],
    ['desired above max', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, desiredCapacity: 5 } }, 'launch.desiredCapacity', 'between minSize (1) and maxSize (4), got 5'],
    ['min above max', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, minSize: 5 } }, 'launch.maxSize', 'at least minSize (5)'],
    ['no VPC', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, targetGroup: {} } }, 'launch.targetGroup.vpcId', 'is required'],
    ['a bad protocol', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, targetGroup: { vpcId: 'vpc-0123abcd', protocol: 'TCP' } } }, 'launch.targetGroup.protocol', 'HTTP or HTTPS'],
    ['a threshold out of range', { listenerArn: LISTENER_ARN, launch: { ...LAUNCH, targetGroup: { vpcId: 'vpc-0123abcd', healthyThresholdCount: 11 } } }, 'launch.targetGroup.healthyThresholdCount', 'from 2 to 10'],
  ])('rejects %s, naming the field', (_what, doc, field, message) => {
    // Act
    const e = rejection(doc);
    // Assess
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
    expect(e.message).toContain('cluster web-prod');
  });

  it('counts further problems after the first', () => {
    // Act
    const e = rejection({ listenerArn: LISTENER_ARN, teardown: { retainMinutes: -1, x: 1 } });
    // Assess
    expect(e.message).toContain('1 more: teardown.x: unknown field');
  });

  it('property: parsing is idempotent on any valid document (defaults round-trip)', () => {
    // Prepare: valid documents built from optional sections with in-range values.
    const doc = fc.record(
      {
        listenerArn: fc.constant(LISTENER_ARN),
        healthGate: fc.record({ timeoutMinutes: fc.integer({ min: 1, max: 120 }), minHealthyPercent: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] }),
        traffic: fc.record(
          {
            steps: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 9 }).map((s) => [...s.sort((a, b) => a - b), 100]),
            waitSeconds: fc.integer({ min: 0, max: 3600 }),
          },
          { requiredKeys: [] },
        ),
        teardown: fc.record({ maxRemainingGroups: fc.integer({ min: 1, max: 10 }), scaleDownOld: fc.boolean() }, { requiredKeys: [] }),
        rollbackOnFailure: fc.boolean(),
      },
      { requiredKeys: ['listenerArn'] },
    );
    fc.assert(
      fc.property(doc, (d) => {
        // Act
        const once = parseClusterConfig(d, 'web-prod');
        const twice = parseClusterConfig(JSON.parse(JSON.stringify(once)), 'web-prod');
        // Assess
        expect(twice).toEqual(once);
        expect(once.traffic.steps.at(-1)).toBe(100);
      }),
    );
  });

  it('property: arbitrary input only ever throws InvalidClusterConfig', () => {
    fc.assert(
      fc.property(anyJson, (doc) => {
        // Act
        try {
          parseClusterConfig(doc, 'web-prod');
        } catch (e) {
          // Assess
          expect(e).toBeInstanceOf(InvalidClusterConfig);
        }
      }),
    );
  });

  it('property: arbitrary values in known fields only ever throw InvalidClusterConfig with a path', () => {
    // Prepare
    const doc = fc.record({
      listenerArn: fc.oneof(fc.constant(LISTENER_ARN), anyJson),
      traffic: fc.oneof(fc.record({ steps: anyJson, waitSeconds: anyJson }), anyJson),
      launch: fc.oneof(fc.record({ subnets: anyJson, minSize: anyJson, targetGroup: anyJson }), anyJson),
    });
    fc.assert(
      fc.property(doc, (d) => {
        // Act
        try {
          parseClusterConfig(d, 'web-prod');
        } catch (e) {
          // Assess
          expect(e).toBeInstanceOf(InvalidClusterConfig);
          expect((e as InvalidClusterConfig).field).not.toBe('');
        }
      }),
    );
  });

  it('exports the schema for documentation and tooling', () => {
    // Assess
    expect(clusterConfigSchema.safeParse({ listenerArn: LISTENER_ARN }).success).toBe(true);
  });
});
