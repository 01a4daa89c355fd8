/**
 * EC2 Auto Scaling simulator: groups launch and terminate instances through the EC2 simulator,
 * register them with ELBv2 target groups, replace unhealthy ones and honour lifecycle hooks, all
 * on the virtual clock. The operations delegate to the parts under `./autoscaling/`.
 */
import type * as asg from '@aws-sdk/client-auto-scaling';
import type { SimContext } from '../context.js';
import { Engine } from './autoscaling/engine.js';
import * as groups from './autoscaling/groups.js';
import * as hp from './autoscaling/hooks-policies.js';
import type { AsgState } from './autoscaling/model.js';
import * as ops from './autoscaling/ops.js';
import * as settings from './autoscaling/settings.js';
import * as traffic from './autoscaling/traffic.js';

type Out<T> = Omit<T, '$metadata'>;
type Empty = Record<string, never>;

export class AutoScalingSim {
  private readonly state: AsgState;
  private readonly engine: Engine;

  constructor(readonly ctx: SimContext) {
    this.state = { ctx, groups: new Map(), byInstance: new Map(), deletedActivities: [] };
    this.engine = new Engine(this.state);
  }

  /** Names of the existing groups (including those being deleted). */
  groupNames(): string[] {
    return [...this.state.groups.keys()].sort();
  }

  /** The account's quota of groups in the Region: 200 by default (https://docs.aws.amazon.com/autoscaling/ec2/APIReference/API_DescribeAccountLimits.html). */
  groupLimit = 200;

  DescribeAccountLimits(_input: asg.DescribeAccountLimitsCommandInput): Out<asg.DescribeAccountLimitsCommandOutput> {
    return { MaxNumberOfAutoScalingGroups: this.groupLimit, MaxNumberOfLaunchConfigurations: 200, NumberOfAutoScalingGroups: this.state.groups.size, NumberOfLaunchConfigurations: 0 };
  }

  // ── Groups ──────────────────────────────────────────────────────────────────────────────

  async CreateAutoScalingGroup(input: asg.CreateAutoScalingGroupCommandInput): Promise<Empty> {
    await groups.createGroup(this.state, this.engine, input);
    return {};
  }

  DescribeAutoScalingGroups(input: asg.DescribeAutoScalingGroupsCommandInput): Out<asg.DescribeAutoScalingGroupsCommandOutput> {
    return groups.describeGroups(this.state, input);
  }

  async UpdateAutoScalingGroup(input: asg.UpdateAutoScalingGroupCommandInput): Promise<Empty> {
    await groups.updateGroup(this.state, this.engine, input);
    return {};
  }

  SetDesiredCapacity(input: asg.SetDesiredCapacityCommandInput): Empty {
    groups.setDesiredCapacity(this.state, this.engine, input);
    return {};
  }

  DeleteAutoScalingGroup(input: asg.DeleteAutoScalingGroupCommandInput): Empty {
    groups.deleteGroup(this.state, this.engine, input);
    return {};
  }

  // ── Traffic sources / target groups ─────────────────────────────────────────────────────

  AttachTrafficSources(input: asg.AttachTrafficSourcesCommandInput): Empty {
    traffic.attachTrafficSources(this.state, this.engine, input);
    return {};
  }

  DetachTrafficSources(input: asg.DetachTrafficSourcesCommandInput): Empty {
    traffic.detachTrafficSources(this.state, this.engine, input);
    return {};
  }

  DescribeTrafficSources(input: asg.DescribeTrafficSourcesCommandInput): Out<asg.DescribeTrafficSourcesCommandOutput> {
    return traffic.describeTrafficSources(this.state, input);
  }

  AttachLoadBalancerTargetGroups(input: asg.AttachLoadBalancerTargetGroupsCommandInput): Empty {
    traffic.attachTargetGroups(this.state, this.engine, input);
    return {};
  }

  DetachLoadBalancerTargetGroups(input: asg.DetachLoadBalancerTargetGroupsCommandInput): Empty {
    traffic.detachTargetGroups(this.state, this.engine, input);
    return {};
  }

  DescribeLoadBalancerTargetGroups(input: asg.DescribeLoadBalancerTargetGroupsCommandInput): Out<asg.DescribeLoadBalancerTargetGroupsCommandOutput> {
    return traffic.describeTargetGroups(this.state, input);
  }

  // ── Processes ───────────────────────────────────────────────────────────────────────────

  SuspendProcesses(input: asg.SuspendProcessesCommandInput): Empty {
    ops.suspendProcesses(this.state, input);
    return {};
  }

  ResumeProcesses(input: asg.ResumeProcessesCommandInput): Empty {
    ops.resumeProcesses(this.state, this.engine, input);
    return {};
  }

  // ── Settings kept with a group: warm pool, scheduled actions, notifications, metrics ─────

  PutWarmPool(input: asg.PutWarmPoolCommandInput): Empty {
    settings.putWarmPool(this.state, input);
    return {};
  }

  DescribeWarmPool(input: asg.DescribeWarmPoolCommandInput): Out<asg.DescribeWarmPoolCommandOutput> {
    return settings.describeWarmPool(this.state, input);
  }

  DeleteWarmPool(input: asg.DeleteWarmPoolCommandInput): Empty {
    settings.deleteWarmPool(this.state, input);
    return {};
  }

  PutScheduledUpdateGroupAction(input: asg.PutScheduledUpdateGroupActionCommandInput): Empty {
    settings.putScheduledAction(this.state, input);
    return {};
  }

  DescribeScheduledActions(input: asg.DescribeScheduledActionsCommandInput): Out<asg.DescribeScheduledActionsCommandOutput> {
    return settings.describeScheduledActions(this.state, input);
  }

  DeleteScheduledAction(input: asg.DeleteScheduledActionCommandInput): Empty {
    settings.deleteScheduledAction(this.state, input);
    return {};
  }

  PutNotificationConfiguration(input: asg.PutNotificationConfigurationCommandInput): Empty {
    settings.putNotificationConfiguration(this.state, input);
    return {};
  }

  DescribeNotificationConfigurations(input: asg.DescribeNotificationConfigurationsCommandInput): Out<asg.DescribeNotificationConfigurationsCommandOutput> {
    return settings.describeNotificationConfigurations(this.state, input);
  }

  DeleteNotificationConfiguration(input: asg.DeleteNotificationConfigurationCommandInput): Empty {
    settings.deleteNotificationConfiguration(this.state, input);
    return {};
  }

  EnableMetricsCollection(input: asg.EnableMetricsCollectionCommandInput): Empty {
    settings.enableMetricsCollection(this.state, input);
    return {};
  }

  DisableMetricsCollection(input: asg.DisableMetricsCollectionCommandInput): Empty {
    settings.disableMetricsCollection(this.state, input);
    return {};
  }

  // ── Policies and lifecycle hooks ────────────────────────────────────────────────────────

  PutScalingPolicy(input: asg.PutScalingPolicyCommandInput): Out<asg.PutScalingPolicyCommandOutput> {
    return hp.putScalingPolicy(this.state, input);
  }

  DescribePolicies(input: asg.DescribePoliciesCommandInput): Out<asg.DescribePoliciesCommandOutput> {
    return hp.describePolicies(this.state, input);
  }

  DeletePolicy(input: asg.DeletePolicyCommandInput): Empty {
    hp.deletePolicy(this.state, input);
    return {};
  }

  PutLifecycleHook(input: asg.PutLifecycleHookCommandInput): Empty {
    hp.putLifecycleHook(this.state, input);
    return {};
  }

  DescribeLifecycleHooks(input: asg.DescribeLifecycleHooksCommandInput): Out<asg.DescribeLifecycleHooksCommandOutput> {
    return hp.describeLifecycleHooks(this.state, input);
  }

  DeleteLifecycleHook(input: asg.DeleteLifecycleHookCommandInput): Empty {
    hp.deleteLifecycleHook(this.state, this.engine, input);
    return {};
  }

  CompleteLifecycleAction(input: asg.CompleteLifecycleActionCommandInput): Empty {
    hp.completeLifecycleAction(this.state, this.engine, input);
    return {};
  }

  RecordLifecycleActionHeartbeat(input: asg.RecordLifecycleActionHeartbeatCommandInput): Empty {
    hp.recordHeartbeat(this.state, this.engine, input);
    return {};
  }

  // ── Activities, tags, instances ─────────────────────────────────────────────────────────

  DescribeScalingActivities(input: asg.DescribeScalingActivitiesCommandInput): Out<asg.DescribeScalingActivitiesCommandOutput> {
    return ops.describeActivities(this.state, input);
  }

  CreateOrUpdateTags(input: asg.CreateOrUpdateTagsCommandInput): Empty {
    ops.createOrUpdateTags(this.state, input);
    return {};
  }

  DeleteTags(input: asg.DeleteTagsCommandInput): Empty {
    ops.deleteTags(this.state, input);
    return {};
  }

  DescribeTags(input: asg.DescribeTagsCommandInput): Out<asg.DescribeTagsCommandOutput> {
    return ops.describeTags(this.state, input);
  }

  DescribeAutoScalingInstances(input: asg.DescribeAutoScalingInstancesCommandInput): Out<asg.DescribeAutoScalingInstancesCommandOutput> {
    return ops.describeInstances(this.state, input);
  }

  TerminateInstanceInAutoScalingGroup(input: asg.TerminateInstanceInAutoScalingGroupCommandInput): Out<asg.TerminateInstanceInAutoScalingGroupCommandOutput> {
    return ops.terminateInstance(this.state, this.engine, input);
  }
}
