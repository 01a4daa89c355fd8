/**
 * Pure translation of a live group (as DescribeAutoScalingGroups shows it) into the
 * CreateAutoScalingGroup input of its successor: same subnets, capacity, health check, tags,
 * termination policies, lifecycle hooks, mixed instances policy, instance maintenance policy,
 * placement group and additional target groups / traffic sources; a new launch template version
 * and target group; redblack's own tags replaced. The rest (warm pool, scheduled actions,
 * notifications, metrics, suspended processes, policy alarms) is clone-settings.ts.
 */
import type {
  AutoScalingGroup,
  CreateAutoScalingGroupCommandInput,
  LifecycleHook,
  PutScalingPolicyCommandInput,
  ScalingPolicy,
  Tag,
  TargetTrackingConfiguration,
} from '@aws-sdk/client-auto-scaling';
import { TAG } from '../../aws/tags.js';

export interface CloneSpec {
  name: string;
  launchTemplate: { id: string; version: number };
  targetGroupArn: string;
  tags: { Key: string; Value: string }[];
  /** The live group's own target group (the listener's): every other one it serves is an additional one, kept. */
  liveTargetGroupArn?: string;
}

const OURS = new Set<string>(Object.values(TAG));

export function cloneGroupInput(live: AutoScalingGroup, hooks: LifecycleHook[], spec: CloneSpec): CreateAutoScalingGroupCommandInput {
  const lt = { LaunchTemplateId: spec.launchTemplate.id, Version: String(spec.launchTemplate.version) };
  const mixed = live.MixedInstancesPolicy;
  const tags: Tag[] = [
    ...(live.Tags ?? [])
      .filter((t) => t.Key && !OURS.has(t.Key) && !t.Key.startsWith('aws:'))
      .map((t) => ({ Key: t.Key, Value: t.Value ?? '', PropagateAtLaunch: t.PropagateAtLaunch ?? false })),
    ...spec.tags.map((t) => ({ ...t, PropagateAtLaunch: true })),
  ];
  return {
    AutoScalingGroupName: spec.name,
    ...(mixed
      ? {
          MixedInstancesPolicy: {
            ...mixed,
            LaunchTemplate: { ...mixed.LaunchTemplate, LaunchTemplateSpecification: lt },
          },
        }
      : { LaunchTemplate: lt }),
    MinSize: live.MinSize,
    MaxSize: live.MaxSize,
    DesiredCapacity: live.DesiredCapacity,
    DefaultCooldown: live.DefaultCooldown,
    VPCZoneIdentifier: live.VPCZoneIdentifier,
    HealthCheckType: live.HealthCheckType,
    HealthCheckGracePeriod: live.HealthCheckGracePeriod,
    TerminationPolicies: live.TerminationPolicies,
    NewInstancesProtectedFromScaleIn: live.NewInstancesProtectedFromScaleIn,
    CapacityRebalance: live.CapacityRebalance,
    DefaultInstanceWarmup: live.DefaultInstanceWarmup,
    MaxInstanceLifetime: live.MaxInstanceLifetime,
    // The new target group first (the one the listener shifts to); target groups of other
    // listeners the live group also serves are joined at launch, as the live group is.
    TargetGroupARNs: [spec.targetGroupArn, ...(live.TargetGroupARNs ?? []).filter((t) => t !== spec.liveTargetGroupArn && t !== spec.targetGroupArn)],
    ...additionalSources(live),
    ...(live.InstanceMaintenancePolicy ? { InstanceMaintenancePolicy: live.InstanceMaintenancePolicy } : {}),
    ...(live.PlacementGroup ? { PlacementGroup: live.PlacementGroup } : {}),
    LifecycleHookSpecificationList: hooks.map((h) => ({
      LifecycleHookName: h.LifecycleHookName as string,
      LifecycleTransition: h.LifecycleTransition as string,
      HeartbeatTimeout: h.HeartbeatTimeout,
      DefaultResult: h.DefaultResult,
      NotificationMetadata: h.NotificationMetadata,
      NotificationTargetARN: h.NotificationTargetARN,
      RoleARN: h.RoleARN,
    })),
    Tags: tags,
  };
}

/** Traffic sources other than ELBv2 target groups (e.g. VPC Lattice), which TargetGroupARNs covers. */
function additionalSources(live: AutoScalingGroup): Pick<CreateAutoScalingGroupCommandInput, 'TrafficSources'> {
  const tgs = new Set(live.TargetGroupARNs ?? []);
  const others = (live.TrafficSources ?? []).filter((t) => t.Identifier && !tgs.has(t.Identifier) && t.Type !== 'elbv2');
  return others.length > 0 ? { TrafficSources: others.map((t) => ({ Identifier: t.Identifier as string, ...(t.Type ? { Type: t.Type } : {}) })) } : {};
}

/**
 * The live group's scaling policies for the new group. A target-tracking policy on
 * ALBRequestCountPerTarget names its target group in ResourceLabel: point it at the new one.
 */
export function clonePolicies(policies: ScalingPolicy[], groupName: string, oldTg: string, newTg: string): PutScalingPolicyCommandInput[] {
  // ResourceLabel is `app/<lb>/<id>/targetgroup/<name>/<id>`: the target group part is the ARN's tail.
  const label = (arn: string) => arn.slice(arn.indexOf('targetgroup/'));
  return policies.map((p) => {
    const tt = p.TargetTrackingConfiguration;
    const spec = tt?.PredefinedMetricSpecification;
    const retarget: TargetTrackingConfiguration | undefined =
      tt && spec?.ResourceLabel?.includes(label(oldTg))
        ? { ...tt, PredefinedMetricSpecification: { ...spec, ResourceLabel: spec.ResourceLabel.replace(label(oldTg), label(newTg)) } }
        : tt;
    return {
      AutoScalingGroupName: groupName,
      PolicyName: p.PolicyName as string,
      PolicyType: p.PolicyType,
      AdjustmentType: p.AdjustmentType,
      MinAdjustmentMagnitude: p.MinAdjustmentMagnitude,
      ScalingAdjustment: p.ScalingAdjustment,
      Cooldown: p.Cooldown,
      MetricAggregationType: p.MetricAggregationType,
      StepAdjustments: p.StepAdjustments,
      EstimatedInstanceWarmup: p.EstimatedInstanceWarmup,
      TargetTrackingConfiguration: retarget,
      Enabled: p.Enabled,
      PredictiveScalingConfiguration: p.PredictiveScalingConfiguration,
    };
  });
}

/** The CreateAutoScalingGroup input for a cluster's first group, from its `launch` config. */
export function firstGroupInput(
  launch: { subnets: string[]; minSize: number; maxSize: number; desiredCapacity: number; healthCheckType: string; healthCheckGracePeriodSeconds: number },
  spec: CloneSpec,
): CreateAutoScalingGroupCommandInput {
  return {
    AutoScalingGroupName: spec.name,
    LaunchTemplate: { LaunchTemplateId: spec.launchTemplate.id, Version: String(spec.launchTemplate.version) },
    MinSize: launch.minSize,
    MaxSize: launch.maxSize,
    DesiredCapacity: launch.desiredCapacity,
    VPCZoneIdentifier: launch.subnets.join(','),
    HealthCheckType: launch.healthCheckType,
    HealthCheckGracePeriod: launch.healthCheckGracePeriodSeconds,
    TargetGroupARNs: [spec.targetGroupArn],
    Tags: spec.tags.map((t) => ({ ...t, PropagateAtLaunch: true })),
  };
}
