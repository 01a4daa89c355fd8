import {
  AddTagsCommand,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  paginateDescribeTargetGroups,
  RemoveTagsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { elb, expectCode, listener, loadBalancer, type Net, network, targetGroup } from './elbv2-helpers.js';

describe('ELBv2 target groups', () => {
  const cloud = cloudPerTest({ seed: 3 });
  let net: Net;
  beforeEach(async () => {
    net = await network();
  });

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    elb().send(new CreateTargetGroupCommand({ Name: name, Protocol: 'HTTP', Port: 80, VpcId: net.vpcId, ...extra }));

  it('creates an HTTP instance target group with the documented defaults', async () => {
    // Act
    const out = await create('web-v001');
    // Assess
    const tg = out.TargetGroups?.[0];
    expect(tg?.TargetGroupArn).toMatch(/^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/web-v001\/[0-9a-f]{16}$/);
    expect(tg).toMatchObject({
      TargetGroupName: 'web-v001',
      Protocol: 'HTTP',
      Port: 80,
      VpcId: net.vpcId,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckEnabled: true,
      HealthCheckIntervalSeconds: 30,
      HealthCheckTimeoutSeconds: 5,
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckPath: '/',
      Matcher: { HttpCode: '200' },
      LoadBalancerArns: [],
      TargetType: 'instance',
      ProtocolVersion: 'HTTP1',
      IpAddressType: 'ipv4',
    });
    expect(cloud.elb.hasTargetGroup(tg?.TargetGroupArn as string)).toBe(true);
  });

  it('returns the same group for the same settings and refuses a different one under the same name', async () => {
    // Prepare
    const first = await create('web-v001', { HealthCheckPath: '/health' });
    // Act
    const again = await create('web-v001', { HealthCheckPath: '/health' });
    // Assess
    expect(again.TargetGroups?.[0]?.TargetGroupArn).toBe(first.TargetGroups?.[0]?.TargetGroupArn);
    await expectCode(create('web-v001', { HealthCheckPath: '/other' }), 'DuplicateTargetGroupNameException');
  });

  it('validates names, required settings and health check ranges', async () => {
    // Act + Assess
    await expect(create('a'.repeat(33))).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringContaining("cannot be longer than '32'") });
    await expectCode(create('web_v001'), 'ValidationError');
    await expectCode(create('-web'), 'ValidationError');
    await expectCode(create('web-'), 'ValidationError');
    await expectCode(elb().send(new CreateTargetGroupCommand({ Name: 'x', Protocol: 'HTTP', Port: 80 })), 'ValidationError');
    await expectCode(create('x', { HealthCheckIntervalSeconds: 4 }), 'ValidationError');
    await expectCode(create('x', { HealthCheckTimeoutSeconds: 30 }), 'ValidationError');
    await expectCode(create('x', { HealthyThresholdCount: 11 }), 'ValidationError');
    await expectCode(create('x', { Matcher: { HttpCode: '200-' } }), 'InvalidParameterValue');
    await expectCode(create('x', { Matcher: { HttpCode: '600' } }), 'ValidationError');
    await expectCode(create('x', { HealthCheckEnabled: false }), 'ValidationError');
    expect((await create('a'.repeat(32))).TargetGroups).toHaveLength(1);
  });

  it('describes by names, ARNs, load balancer and pages', async () => {
    // Prepare
    const arns: string[] = [];
    for (let i = 0; i < 5; i++) arns.push(await targetGroup(net, `web-v00${i}`));
    const lb = await loadBalancer(net);
    await listener(lb, arns[2] as string);
    // Act
    const byName = await elb().send(new DescribeTargetGroupsCommand({ Names: ['web-v003', 'web-v001'] }));
    const byLb = await elb().send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb }));
    const pages: string[][] = [];
    for await (const p of paginateDescribeTargetGroups({ client: elb() }, { PageSize: 2 })) pages.push((p.TargetGroups ?? []).map((t) => t.TargetGroupName as string));
    // Assess
    expect(byName.TargetGroups?.map((t) => t.TargetGroupName)).toEqual(['web-v003', 'web-v001']);
    expect(byLb.TargetGroups?.map((t) => t.TargetGroupArn)).toEqual([arns[2]]);
    expect(byLb.TargetGroups?.[0]?.LoadBalancerArns).toEqual([lb]);
    expect(pages).toEqual([['web-v000', 'web-v001'], ['web-v002', 'web-v003'], ['web-v004']]);
    await expectCode(elb().send(new DescribeTargetGroupsCommand({ Names: ['nope'] })), 'TargetGroupNotFoundException');
    await expectCode(elb().send(new DescribeTargetGroupsCommand({ TargetGroupArns: [`${arns[0]}x`] })), 'TargetGroupNotFoundException');
    await expectCode(elb().send(new DescribeTargetGroupsCommand({ Names: Array.from({ length: 21 }, (_, i) => `n${i}`) })), 'ValidationError');
    await expectCode(elb().send(new DescribeTargetGroupsCommand({ LoadBalancerArn: `${lb}0` })), 'LoadBalancerNotFoundException');
  });

  it('modifies health check settings within the documented ranges', async () => {
    // Prepare
    const arn = await targetGroup(net, 'web-v001');
    // Act
    const out = await elb().send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2 }));
    // Assess
    expect(out.TargetGroups?.[0]).toMatchObject({ HealthCheckPath: '/health', HealthCheckIntervalSeconds: 10, HealthyThresholdCount: 2, HealthCheckTimeoutSeconds: 5 });
    await expectCode(elb().send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckIntervalSeconds: 5 })), 'ValidationError');
    await expectCode(elb().send(new ModifyTargetGroupCommand({ TargetGroupArn: `${arn}0`, HealthCheckPath: '/' })), 'TargetGroupNotFoundException');
  });

  it('keeps attributes with defaults and validates changes', async () => {
    // Prepare
    const arn = await targetGroup(net, 'web-v001');
    // Act
    const modified = await elb().send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: [
          { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
          { Key: 'stickiness.enabled', Value: 'true' },
          { Key: 'slow_start.duration_seconds', Value: '60' },
        ],
      }),
    );
    const described = await elb().send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
    // Assess
    const attrs = Object.fromEntries((described.Attributes ?? []).map((a) => [a.Key, a.Value]));
    expect(modified.Attributes).toEqual(described.Attributes);
    expect(attrs).toMatchObject({
      'deregistration_delay.timeout_seconds': '30',
      'stickiness.enabled': 'true',
      'stickiness.type': 'lb_cookie',
      'stickiness.lb_cookie.duration_seconds': '86400',
      'load_balancing.algorithm.type': 'round_robin',
      'slow_start.duration_seconds': '60',
    });
    const bad = (Key: string, Value: string) => elb().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: [{ Key, Value }] }));
    await expect(bad('deregistration_delay.timeout_seconds', '3601')).rejects.toMatchObject({
      name: 'ValidationError',
      message: "'deregistration_delay.timeout_seconds' value '3601' must be between '0-3600' inclusive",
    });
    await expectCode(bad('slow_start.duration_seconds', '10'), 'ValidationError');
    await expectCode(bad('load_balancing.algorithm.type', 'random'), 'ValidationError');
    await expectCode(bad('no.such.key', '1'), 'ValidationError');
    await expectCode(bad('load_balancing.algorithm.anomaly_mitigation', 'on'), 'InvalidConfigurationRequestException');
  });

  it('refuses to delete a group a listener forwards to, and deletes it once free', async () => {
    // Prepare
    const arn = await targetGroup(net, 'web-v001');
    const lb = await loadBalancer(net);
    const l = await listener(lb, arn);
    // Act + Assess
    await expect(elb().send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }))).rejects.toMatchObject({
      name: 'ResourceInUseException',
      message: `Target group '${arn}' is currently in use by a listener or a rule`,
    });
    await elb().send(new (await import('@aws-sdk/client-elastic-load-balancing-v2')).DeleteListenerCommand({ ListenerArn: l }));
    await elb().send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }));
    expect(cloud.elb.hasTargetGroup(arn)).toBe(false);
    await expect(elb().send(new DeleteTargetGroupCommand({ TargetGroupArn: arn }))).resolves.toBeDefined();
  });

  it('tags target groups and load balancers', async () => {
    // Prepare
    const arn = await targetGroup(net, 'web-v001', { Tags: [{ Key: 'redblack:cluster', Value: 'web' }] });
    const lb = await loadBalancer(net);
    // Act
    await elb().send(new AddTagsCommand({ ResourceArns: [arn, lb], Tags: [{ Key: 'team', Value: 'a' }] }));
    await elb().send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: ['redblack:cluster'] }));
    const out = await elb().send(new DescribeTagsCommand({ ResourceArns: [arn, lb] }));
    // Assess
    expect(out.TagDescriptions).toEqual([
      { ResourceArn: arn, Tags: [{ Key: 'team', Value: 'a' }] },
      { ResourceArn: lb, Tags: [{ Key: 'team', Value: 'a' }] },
    ]);
    await expectCode(elb().send(new AddTagsCommand({ ResourceArns: [arn], Tags: [{ Key: 'k', Value: '1' }, { Key: 'k', Value: '2' }] })), 'DuplicateTagKeysException');
    const many = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expectCode(elb().send(new AddTagsCommand({ ResourceArns: [arn], Tags: many })), 'TooManyTagsException');
    await expectCode(elb().send(new DescribeTagsCommand({ ResourceArns: [`${arn}0`] })), 'TargetGroupNotFoundException');
    await expectCode(elb().send(new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, () => arn) })), 'ValidationError');
  });
});
