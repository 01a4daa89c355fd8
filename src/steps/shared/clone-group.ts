/**
 * Pure translation of a live group (as DescribeAutoScalingGroups shows it) into the
 * CreateAutoScalingGroup input of its successor: same subnets, capacity, health check, tags,
 * termination policies, lifecycle hooks and mixed instances policy; a new launch template
 * version and target group; redblack's own tags replaced.
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
    TargetGroupARNs: [spec.targetGroupArn],
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
