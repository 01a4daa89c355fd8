import {
  CreateAutoScalingGroupCommand,
  CreateOrUpdateTagsCommand,
  DeleteAutoScalingGroupCommand,
  DeleteLifecycleHookCommand,
  DeletePolicyCommand,
  DeleteTagsCommand,
  DescribeAutoScalingGroupsCommand,
  DescribeLifecycleHooksCommand,
  DescribePoliciesCommand,
  DescribeTagsCommand,
  paginateDescribeAutoScalingGroups,
  PutLifecycleHookCommand,
  PutScalingPolicyCommand,
  ResumeProcessesCommand,
  SetDesiredCapacityCommand,
  SuspendProcessesCommand,
  UpdateAutoScalingGroupCommand,
} from '@aws-sdk/client-auto-scaling';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { asg, type AsgWorld, asgWorld, createGroup, describeGroup, groupInput } from './autoscaling-helpers.js';

describe('Auto Scaling groups: API', () => {
  const cloud = cloudPerTest({ seed: 3 });
  let w: AsgWorld;
  beforeEach(async () => {
    w = await asgWorld();
  });

  it('creates a group with AWS defaults and resolved launch template', async () => {
    // Act
    await createGroup(w, 'web-v001', { LaunchTemplate: { LaunchTemplateName: 'web' }, Tags: [{ Key: 'team', Value: 'a', PropagateAtLaunch: true }] });
    // Assess
    const g = await describeGroup('web-v001');
    expect(g).toMatchObject({
      AutoScalingGroupName: 'web-v001',
      LaunchTemplate: { LaunchTemplateId: w.templateId, LaunchTemplateName: 'web', Version: '$Default' },
      MinSize: 0,
      MaxSize: 10,
      DesiredCapacity: 0,
      DefaultCooldown: 300,
      HealthCheckType: 'EC2',
      HealthCheckGracePeriod: 0,
      AvailabilityZones: ['us-east-1a', 'us-east-1b'],
      VPCZoneIdentifier: w.subnets.join(','),
      TerminationPolicies: ['Default'],
      NewInstancesProtectedFromScaleIn: false,
      Instances: [],
      SuspendedProcesses: [],
      TargetGroupARNs: [],
      Tags: [{ ResourceId: 'web-v001', ResourceType: 'auto-scaling-group', Key: 'team', Value: 'a', PropagateAtLaunch: true }],
    });
    expect(g?.AutoScalingGroupARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:[0-9a-f-]{36}:autoScalingGroupName\/web-v001$/);
    expect(g?.CreatedTime).toBeInstanceOf(Date);
    expect(cloud.autoscaling.groupNames()).toEqual(['web-v001']);
  });

  it('rejects invalid create requests with ValidationError before changing anything', async () => {
    // Prepare
    const bad = [
      groupInput(w, 'a', { MinSize: 3, MaxSize: 2 }),
      groupInput(w, 'a', { MinSize: 1, MaxSize: 2, DesiredCapacity: 3 }),
      groupInput(w, 'a', { LaunchTemplate: undefined }),
      groupInput(w, 'a', { LaunchTemplate: { LaunchTemplateId: w.templateId, LaunchTemplateName: 'web' } }),
      groupInput(w, 'a', { LaunchTemplate: { LaunchTemplateId: 'lt-0123456789abcdef0' } }),
      groupInput(w, 'a', { LaunchTemplate: { LaunchTemplateId: w.templateId, Version: '7' } }),
      groupInput(w, 'a', { VPCZoneIdentifier: undefined }),
      groupInput(w, 'a', { VPCZoneIdentifier: 'subnet-0000000000000000f' }),
      groupInput(w, 'a:b'),
      groupInput(w, 'x'.repeat(256)),
      groupInput(w, 'a', { HealthCheckType: 'PING' }),
      groupInput(w, 'a', { TerminationPolicies: ['Oldest'] }),
      groupInput(w, 'a', { TargetGroupARNs: ['arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1'] }),
      groupInput(w, 'a', { Tags: [{ Key: 'aws:reserved', Value: 'x' }] }),
      groupInput(w, 'a', { LifecycleHookSpecificationList: [{ LifecycleHookName: 'h', LifecycleTransition: 'launch' }] }),
      { ...groupInput(w, 'a'), MinSize: undefined },
    ];
    // Act
    const names: string[] = [];
    for (const input of bad) names.push(await asg().send(new CreateAutoScalingGroupCommand(input)).then(() => 'ok', (e: Error) => e.name));
    // Assess
    expect(names).toEqual(bad.map(() => 'ValidationError'));
    expect(cloud.autoscaling.groupNames()).toEqual([]);
  });

  it('answers AlreadyExists for a second group of the same name', async () => {
    // Prepare
    await createGroup(w, 'web-v001');
    // Act
    const err = await asg().send(new CreateAutoScalingGroupCommand(groupInput(w, 'web-v001'))).catch((e: Error) => e);
    // Assess
    expect(err).toMatchObject({ name: 'AlreadyExistsFault', $fault: 'client', message: 'AutoScalingGroup by this name already exists - A group with the name web-v001 already exists' });
  });

  it('pages through 120 groups with MaxRecords and NextToken, and filters by tag', async () => {
    // Prepare
    for (let k = 0; k < 120; k++) {
      const tags = k % 3 === 0 ? [{ Key: 'redblack:cluster', Value: 'web' }] : [{ Key: 'other', Value: 'x' }];
      await createGroup(w, `g-${String(k).padStart(3, '0')}`, { Tags: tags });
    }
    // Act
    const first = await asg().send(new DescribeAutoScalingGroupsCommand({}));
    const names: string[] = [];
    for await (const page of paginateDescribeAutoScalingGroups({ client: asg(), pageSize: 100 }, {})) names.push(...(page.AutoScalingGroups ?? []).map((g) => g.AutoScalingGroupName as string));
    const tagged = await asg().send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag:redblack:cluster', Values: ['web'] }], MaxRecords: 100 }));
    const byKey = await asg().send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'tag-key', Values: ['other'] }], MaxRecords: 100 }));
    const bad = await asg().send(new DescribeAutoScalingGroupsCommand({ NextToken: 'not-a-token' })).catch((e: Error) => e.name);
    const tooMany = await asg().send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })).catch((e: Error) => e.name);
    const badFilter = await asg().send(new DescribeAutoScalingGroupsCommand({ Filters: [{ Name: 'name', Values: ['x'] }] })).catch((e: Error) => e.name);
    // Assess
    expect(first.AutoScalingGroups).toHaveLength(50);
    expect(first.NextToken).toBeDefined();
    expect(names).toHaveLength(120);
    expect(new Set(names).size).toBe(120);
    expect(names[0]).toBe('g-000');
    expect(tagged.AutoScalingGroups).toHaveLength(40);
    expect(tagged.NextToken).toBeUndefined();
    expect(byKey.AutoScalingGroups).toHaveLength(80);
    expect([bad, tooMany, badFilter]).toEqual(['InvalidNextToken', 'ValidationError', 'ValidationError']);
  });

  it('updates capacity following the MinSize/MaxSize rules and validates SetDesiredCapacity', async () => {
    // Prepare
    await createGroup(w, 'g', { MinSize: 0, MaxSize: 4, DesiredCapacity: 0 });
    await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launch'] }));
    // Act
    await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', MinSize: 2 }));
    const afterMin = await describeGroup('g');
    await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', MaxSize: 1, MinSize: 1 }));
    const afterMax = await describeGroup('g');
    const above = await asg().send(new SetDesiredCapacityCommand({ AutoScalingGroupName: 'g', DesiredCapacity: 5 })).catch((e: Error) => e);
    const badUpdate = await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'g', MinSize: 3 })).catch((e: Error) => e);
    const missing = await asg().send(new UpdateAutoScalingGroupCommand({ AutoScalingGroupName: 'nope', MinSize: 1 })).catch((e: Error) => e);
    // Assess
    expect(afterMin).toMatchObject({ MinSize: 2, MaxSize: 4, DesiredCapacity: 2 });
    expect(afterMax).toMatchObject({ MinSize: 1, MaxSize: 1, DesiredCapacity: 1 });
    expect(above).toMatchObject({ name: 'ValidationError', message: 'New SetDesiredCapacity value 5 is above max value 1 for the AutoScalingGroup.' });
    expect(badUpdate).toMatchObject({ name: 'ValidationError', message: 'Max bound, 1, must be greater than or equal to min bound, 3' });
    expect(missing).toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/not found/) });
  });

  it('suspends and resumes processes, rejecting unknown process names', async () => {
    // Prepare
    await createGroup(w, 'g');
    // Act
    await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launch', 'AZRebalance'] }));
    const suspended = (await describeGroup('g'))?.SuspendedProcesses?.map((p) => p.ProcessName);
    const bad = await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launching'] })).catch((e: Error) => e.name);
    await asg().send(new SuspendProcessesCommand({ AutoScalingGroupName: 'g' }));
    const all = (await describeGroup('g'))?.SuspendedProcesses;
    await asg().send(new ResumeProcessesCommand({ AutoScalingGroupName: 'g', ScalingProcesses: ['Launch'] }));
    const afterResume = (await describeGroup('g'))?.SuspendedProcesses?.map((p) => p.ProcessName);
    // Assess
    expect(suspended).toEqual(['Launch', 'AZRebalance']);
    expect(bad).toBe('ValidationError');
    expect(all).toHaveLength(9);
    expect(all?.[0]?.SuspensionReason).toMatch(/^User suspended at \d{4}-/);
    expect(afterResume).not.toContain('Launch');
    expect(afterResume).toHaveLength(8);
  });

  it('creates, updates, filters and deletes tags', async () => {
    // Prepare
    await createGroup(w, 'g1');
    await createGroup(w, 'g2');
    // Act
    await asg().send(
      new CreateOrUpdateTagsCommand({
        Tags: [
          { ResourceId: 'g1', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'prod', PropagateAtLaunch: true },
          { ResourceId: 'g2', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'test', PropagateAtLaunch: false },
        ],
      }),
    );
    await asg().send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'g1', Key: 'env', Value: 'staging' }] }));
    const prodOrStaging = await asg().send(new DescribeTagsCommand({ Filters: [{ Name: 'value', Values: ['staging', 'prod'] }] }));
    const missing = await asg().send(new CreateOrUpdateTagsCommand({ Tags: [{ ResourceId: 'nope', Key: 'k', Value: 'v' }] })).catch((e: Error) => e.name);
    await asg().send(new DeleteTagsCommand({ Tags: [{ ResourceId: 'g2', Key: 'env' }] }));
    const all = await asg().send(new DescribeTagsCommand({}));
    // Assess
    expect(prodOrStaging.Tags).toEqual([{ ResourceId: 'g1', ResourceType: 'auto-scaling-group', Key: 'env', Value: 'staging', PropagateAtLaunch: false }]);
    expect(missing).toBe('ValidationError');
    expect(all.Tags?.map((t) => `${t.ResourceId}:${t.Key}`)).toEqual(['g1:env']);
  });

  it('stores scaling policies and lifecycle hooks with their defaults and limits', async () => {
    // Prepare
    await createGroup(w, 'g');
    // Act
    const simple = await asg().send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'g', PolicyName: 'up', AdjustmentType: 'ChangeInCapacity', ScalingAdjustment: 1 }));
    await asg().send(
      new PutScalingPolicyCommand({
        AutoScalingGroupName: 'g',
        PolicyName: 'cpu',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' } },
      }),
    );
    const badPolicy = await asg().send(new PutScalingPolicyCommand({ AutoScalingGroupName: 'g', PolicyName: 'x', PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity' })).catch((e: Error) => e.name);
    const policies = await asg().send(new DescribePoliciesCommand({ AutoScalingGroupName: 'g' }));
    await asg().send(new DeletePolicyCommand({ AutoScalingGroupName: 'g', PolicyName: 'up' }));
    const afterDelete = await asg().send(new DescribePoliciesCommand({ AutoScalingGroupName: 'g' }));
    await asg().send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING' }));
    const badHook = await asg().send(new PutLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'h2', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 10 })).catch((e: Error) => e.name);
    const hooks = await asg().send(new DescribeLifecycleHooksCommand({ AutoScalingGroupName: 'g' }));
    await asg().send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm' }));
    const noHook = await asg().send(new DeleteLifecycleHookCommand({ AutoScalingGroupName: 'g', LifecycleHookName: 'warm' })).catch((e: Error) => e.name);
    // Assess
    expect(simple.PolicyARN).toMatch(/^arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:[0-9a-f-]{36}:autoScalingGroupName\/g:policyName\/up$/);
    expect(badPolicy).toBe('ValidationError');
    expect(policies.ScalingPolicies?.map((p) => [p.PolicyName, p.PolicyType, p.Enabled])).toEqual(
      expect.arrayContaining([
        ['up', 'SimpleScaling', true],
        ['cpu', 'TargetTrackingScaling', true],
      ]),
    );
    expect(afterDelete.ScalingPolicies?.map((p) => p.PolicyName)).toEqual(['cpu']);
    expect(badHook).toBe('ValidationError');
    expect(hooks.LifecycleHooks).toEqual([
      { LifecycleHookName: 'warm', AutoScalingGroupName: 'g', LifecycleTransition: 'autoscaling:EC2_INSTANCE_LAUNCHING', HeartbeatTimeout: 3600, GlobalTimeout: 172800, DefaultResult: 'ABANDON' },
    ]);
    expect(noHook).toBe('ValidationError');
  });

  it('deletes an empty group at once and reports unknown groups as ValidationError', async () => {
    // Prepare
    await createGroup(w, 'g');
    // Act
    await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'g' }));
    const again = await asg().send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: 'g' })).catch((e: Error) => e);
    // Assess
    expect(await describeGroup('g')).toBeUndefined();
    expect(again).toMatchObject({ name: 'ValidationError', message: "AutoScalingGroup name not found - AutoScalingGroup 'g' not found" });
  });
});
