import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteRuleCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { elapse, elb, expectCode, listener, loadBalancer, type Net, network, targetGroup } from './elbv2-helpers.js';

describe('ELBv2 load balancers, listeners and rules', () => {
  const cloud = cloudPerTest({ seed: 9 });
  let net: Net;
  beforeEach(async () => {
    net = await network();
  });

  const weighted = (groups: { arn: string; weight?: number }[]) => [
    { Type: 'forward' as const, ForwardConfig: { TargetGroups: groups.map((g) => ({ TargetGroupArn: g.arn, Weight: g.weight })) } },
  ];

  it('creates an application load balancer across two zones that becomes active', async () => {
    // Act
    const out = await elb().send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: net.subnets, SecurityGroups: ['sg-1'] }));
    // Assess
    const lb = out.LoadBalancers?.[0];
    expect(lb?.LoadBalancerArn).toMatch(/:loadbalancer\/app\/web\/[0-9a-f]{16}$/);
    expect(lb).toMatchObject({
      LoadBalancerName: 'web',
      Scheme: 'internet-facing',
      Type: 'application',
      VpcId: net.vpcId,
      State: { Code: 'provisioning' },
      AvailabilityZones: [
        { ZoneName: 'us-east-1a', SubnetId: net.subnets[0] },
        { ZoneName: 'us-east-1b', SubnetId: net.subnets[1] },
      ],
    });
    expect(lb?.DNSName).toMatch(/^web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    await elapse(cloud, 60_000);
    const described = await elb().send(new DescribeLoadBalancersCommand({ Names: ['web'] }));
    expect(described.LoadBalancers?.[0]?.State).toEqual({ Code: 'active' });
  });

  it('validates load balancer subnets and names', async () => {
    // Act + Assess
    await expectCode(elb().send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: [net.subnets[0] as string] })), 'ValidationError');
    await expectCode(elb().send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: [net.subnets[0] as string, 'subnet-0000000000000000f'] })), 'SubnetNotFoundException');
    await expectCode(elb().send(new CreateLoadBalancerCommand({ Name: 'internal-web', Subnets: net.subnets })), 'ValidationError');
    await expectCode(elb().send(new DescribeLoadBalancersCommand({ Names: ['nope'] })), 'LoadBalancerNotFoundException');
  });

  it('creates, describes, modifies and deletes listeners, echoing forward actions as AWS does', async () => {
    // Prepare
    const lb = await loadBalancer(net);
    const blue = await targetGroup(net, 'web-v001');
    const green = await targetGroup(net, 'web-v002');
    const changed: string[] = [];
    cloud.hooks.on('listenerChanged', (e) => changed.push(e.arn));
    // Act
    const arn = await listener(lb, blue);
    const described = await elb().send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
    const modified = await elb().send(new ModifyListenerCommand({ ListenerArn: arn, DefaultActions: weighted([{ arn: blue, weight: 90 }, { arn: green, weight: 10 }]) }));
    // Assess
    expect(arn).toMatch(/:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(described.Listeners?.[0]).toMatchObject({
      ListenerArn: arn,
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [
        { Type: 'forward', TargetGroupArn: blue, ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }], TargetGroupStickinessConfig: { Enabled: false } } },
      ],
    });
    expect(modified.Listeners?.[0]?.DefaultActions?.[0]?.TargetGroupArn).toBeUndefined();
    expect(cloud.elb.forwardWeights(arn)).toEqual([
      { targetGroupArn: blue, weight: 90 },
      { targetGroupArn: green, weight: 10 },
    ]);
    expect(changed).toEqual([arn, arn]);
    await elb().send(new DeleteListenerCommand({ ListenerArn: arn }));
    expect(changed).toHaveLength(3);
    await expectCode(elb().send(new DescribeListenersCommand({ ListenerArns: [arn] })), 'ListenerNotFoundException');
    await expectCode(elb().send(new ModifyListenerCommand({ ListenerArn: arn, Port: 81 })), 'ListenerNotFoundException');
    await expectCode(elb().send(new DeleteListenerCommand({ ListenerArn: arn })), 'ListenerNotFoundException');
    await expectCode(elb().send(new DescribeListenersCommand({})), 'ValidationError');
  });

  it('validates forward actions: weights, group count, duplicates, missing groups', async () => {
    // Prepare
    const lb = await loadBalancer(net);
    const tgs: string[] = [];
    for (let i = 0; i < 6; i++) tgs.push(await targetGroup(net, `web-v00${i}`));
    const arn = await listener(lb, tgs[0] as string);
    const modify = (DefaultActions: any) => elb().send(new ModifyListenerCommand({ ListenerArn: arn, DefaultActions }));
    // Act + Assess
    await expect(modify(weighted([{ arn: tgs[0] as string, weight: 1000 }]))).rejects.toMatchObject({
      name: 'ValidationError',
      message: 'The weight for each target group must be between 0 and 999, inclusive',
    });
    await expectCode(modify(weighted(tgs.map((a) => ({ arn: a, weight: 1 })))), 'ValidationError');
    await expectCode(modify(weighted([{ arn: tgs[0] as string, weight: 1 }, { arn: tgs[0] as string, weight: 2 }])), 'ValidationError');
    await expectCode(modify(weighted([{ arn: tgs[0] as string, weight: 1 }, { arn: tgs[1] as string }])), 'ValidationError');
    await expectCode(modify(weighted([{ arn: `${tgs[0]}0`, weight: 1 }])), 'TargetGroupNotFoundException');
    await expectCode(
      modify([{ Type: 'forward', TargetGroupArn: tgs[0], ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgs[1], Weight: 1 }] } }]),
      'ValidationError',
    );
    await expectCode(modify([{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: tgs[0] }], TargetGroupStickinessConfig: { Enabled: true } } }]), 'ValidationError');
    await expectCode(modify([{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' }, Order: 1 }, { Type: 'forward', TargetGroupArn: tgs[0], Order: 2 }]), 'InvalidLoadBalancerActionException');
    // Five groups with weight 0 for some are fine, and nothing changed before.
    expect(cloud.elb.forwardWeights(arn)).toEqual([{ targetGroupArn: tgs[0], weight: 1 }]);
    await modify(weighted(tgs.slice(0, 5).map((a, i) => ({ arn: a, weight: i === 0 ? 999 : 0 }))));
    expect(cloud.elb.forwardWeights(arn).map((w) => w.weight)).toEqual([999, 0, 0, 0, 0]);
  });

  it('refuses a duplicate port, a group of another load balancer, or a TCP group', async () => {
    // Prepare
    const lb = await loadBalancer(net, 'web');
    const other = await loadBalancer(net, 'api');
    const tg = await targetGroup(net, 'web-v001');
    const tcp = await targetGroup(net, 'tcp', { Protocol: 'TCP' });
    await listener(lb, tg);
    // Act + Assess
    await expectCode(
      elb().send(new CreateListenerCommand({ LoadBalancerArn: lb, Protocol: 'HTTP', Port: 80, DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }] })),
      'DuplicateListenerException',
    );
    await expectCode(listener(other, tg), 'TargetGroupAssociationLimitException');
    await expectCode(listener(other, tcp), 'IncompatibleProtocolsException');
    await expectCode(listener(`${lb}0`, tg, 81), 'LoadBalancerNotFoundException');
    await expect(listener(lb, tg)).resolves.toMatch(/:listener\//);
  });

  it('manages rules: default rule, priorities, modify, delete', async () => {
    // Prepare
    const lb = await loadBalancer(net);
    const blue = await targetGroup(net, 'web-v001');
    const green = await targetGroup(net, 'web-v002');
    const arn = await listener(lb, blue);
    const path = (p: string) => [{ Field: 'path-pattern', PathPatternConfig: { Values: [p] } }];
    // Act
    const r1 = (await elb().send(new CreateRuleCommand({ ListenerArn: arn, Priority: 10, Conditions: path('/api/*'), Actions: [{ Type: 'forward', TargetGroupArn: green }] }))).Rules?.[0];
    const r2 = (await elb().send(new CreateRuleCommand({ ListenerArn: arn, Priority: 5, Conditions: path('/v2/*'), Actions: [{ Type: 'forward', TargetGroupArn: blue }] }))).Rules?.[0];
    const rules = (await elb().send(new DescribeRulesCommand({ ListenerArn: arn }))).Rules ?? [];
    // Assess
    expect(r1?.RuleArn).toMatch(/:listener-rule\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
    expect(rules.map((r) => [r.Priority, r.IsDefault])).toEqual([
      ['5', false],
      ['10', false],
      ['default', true],
    ]);
    expect(rules[2]?.Actions?.[0]?.TargetGroupArn).toBe(blue);
    expect(cloud.elb.forwardWeights(r1?.RuleArn as string)).toEqual([{ targetGroupArn: green, weight: 1 }]);
    await expectCode(elb().send(new CreateRuleCommand({ ListenerArn: arn, Priority: 10, Conditions: path('/x'), Actions: [{ Type: 'forward', TargetGroupArn: blue }] })), 'PriorityInUseException');
    await expectCode(elb().send(new CreateRuleCommand({ ListenerArn: `${arn}0`, Priority: 11, Conditions: path('/x'), Actions: [{ Type: 'forward', TargetGroupArn: blue }] })), 'ListenerNotFoundException');
    // Swap the two priorities in one call.
    const swapped = await elb().send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: r1?.RuleArn, Priority: 5 }, { RuleArn: r2?.RuleArn, Priority: 10 }] }));
    expect(swapped.Rules?.map((r) => r.Priority)).toEqual(['5', '10']);
    await elb().send(new ModifyRuleCommand({ RuleArn: r1?.RuleArn, Actions: weighted([{ arn: green, weight: 50 }, { arn: blue, weight: 50 }]) }));
    expect(cloud.elb.forwardWeights(r1?.RuleArn as string).map((w) => w.weight)).toEqual([50, 50]);
    await expectCode(elb().send(new DeleteRuleCommand({ RuleArn: rules[2]?.RuleArn })), 'OperationNotPermittedException');
    await elb().send(new DeleteRuleCommand({ RuleArn: r1?.RuleArn }));
    await expectCode(elb().send(new DescribeRulesCommand({ RuleArns: [r1?.RuleArn as string] })), 'RuleNotFoundException');
    await expectCode(elb().send(new ModifyRuleCommand({ RuleArn: r1?.RuleArn, Actions: [{ Type: 'forward', TargetGroupArn: blue }] })), 'RuleNotFoundException');
  });

  it('deletes a load balancer with its listeners, freeing its target groups', async () => {
    // Prepare
    const lb = await loadBalancer(net);
    const tg = await targetGroup(net, 'web-v001');
    const l = await listener(lb, tg);
    // Act
    await elb().send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }));
    // Assess
    expect(cloud.elb.forwardWeights(l)).toEqual([]);
    await expectCode(elb().send(new DescribeListenersCommand({ ListenerArns: [l] })), 'ListenerNotFoundException');
    await expect(elb().send(new DeleteLoadBalancerCommand({ LoadBalancerArn: lb }))).resolves.toBeDefined();
    await expect(elb().send(new (await import('@aws-sdk/client-elastic-load-balancing-v2')).DeleteTargetGroupCommand({ TargetGroupArn: tg }))).resolves.toBeDefined();
  });
});
