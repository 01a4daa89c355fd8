/** Lifecycle hooks and their actions; scaling policies (stored and described, not executed). */
import { alarmsInvoking } from './settings.js';
import type {
  CompleteLifecycleActionType,
  DeleteLifecycleHookType,
  DeletePolicyType,
  DescribeLifecycleHooksType,
  DescribePoliciesType,
  LifecycleHook,
  LifecycleHookSpecification,
  PoliciesType,
  PolicyARNType,
  PutLifecycleHookType,
  PutScalingPolicyType,
  RecordLifecycleActionHeartbeatType,
  ScalingPolicy,
} from '@aws-sdk/client-auto-scaling';
import { validationError } from '../../aws-fault.js';
import type { Engine } from './engine.js';
import { type AsgInstance, type AsgState, type Group, LAUNCHING, QUOTA, getGroup, getMutableGroup } from './model.js';
import { paginate } from './output.js';
import * as V from './validate.js';

export function hookFromSpec(g: Group, h: Partial<LifecycleHookSpecification>, previous?: LifecycleHook): LifecycleHook {
  const heartbeat = h.HeartbeatTimeout ?? previous?.HeartbeatTimeout ?? 3600;
  return {
    LifecycleHookName: h.LifecycleHookName,
    AutoScalingGroupName: g.name,
    LifecycleTransition: h.LifecycleTransition ?? previous?.LifecycleTransition,
    NotificationTargetARN: h.NotificationTargetARN ?? previous?.NotificationTargetARN,
    RoleARN: h.RoleARN ?? previous?.RoleARN,
    NotificationMetadata: h.NotificationMetadata ?? previous?.NotificationMetadata,
    HeartbeatTimeout: heartbeat,
    GlobalTimeout: Math.min(172_800, 100 * heartbeat),
    DefaultResult: h.DefaultResult ?? previous?.DefaultResult ?? 'ABANDON',
  };
}

export function putLifecycleHook(s: AsgState, input: PutLifecycleHookType): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const previous = input.LifecycleHookName ? g.hooks.get(input.LifecycleHookName) : undefined;
  V.hookSpec(input, !previous);
  if (!previous && g.hooks.size >= QUOTA.hooks) throw V.limitExceeded(`Maximum of ${QUOTA.hooks} lifecycle hooks per Auto Scaling group exceeded.`);
  g.hooks.set(input.LifecycleHookName as string, hookFromSpec(g, input, previous));
}

export function describeLifecycleHooks(s: AsgState, input: DescribeLifecycleHooksType): { LifecycleHooks: LifecycleHook[] } {
  const g = getGroup(s, input.AutoScalingGroupName);
  V.listMax(input.LifecycleHookNames, 'lifecycleHookNames', 50);
  const names = input.LifecycleHookNames;
  return { LifecycleHooks: [...g.hooks.values()].filter((h) => !names?.length || names.includes(h.LifecycleHookName as string)).map((h) => ({ ...h })) };
}

function hookOf(g: Group, name: string | undefined): LifecycleHook {
  const n = V.required(name, 'lifecycleHookName');
  const h = g.hooks.get(n);
  if (!h) throw validationError(`No Lifecycle Hook found with name ${n} for AutoScalingGroup ${g.name}`);
  return h;
}

export function deleteLifecycleHook(s: AsgState, engine: Engine, input: DeleteLifecycleHookType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const h = hookOf(g, input.LifecycleHookName);
  const name = h.LifecycleHookName as string;
  g.hooks.delete(name);
  // Outstanding actions complete first: ABANDON for launching instances, CONTINUE for terminating ones.
  for (const inst of [...g.instances.values()]) {
    if (inst.actions.has(name)) engine.actions.complete(inst, name, h.LifecycleTransition === LAUNCHING ? 'ABANDON' : 'CONTINUE');
  }
}

function findAction(g: Group, hook: string, token: string | undefined, instanceId: string | undefined): AsgInstance {
  if (!token && !instanceId) throw validationError('Either LifecycleActionToken or InstanceId must be specified.');
  for (const inst of g.instances.values()) {
    const action = inst.actions.get(hook);
    if (!action) continue;
    if (token ? action.token === token : inst.id === instanceId) return inst;
  }
  throw validationError(token ? `No active Lifecycle Action found with token ${token}` : `No active Lifecycle Action found with instance ID ${instanceId}`);
}

export function completeLifecycleAction(s: AsgState, engine: Engine, input: CompleteLifecycleActionType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const h = hookOf(g, input.LifecycleHookName);
  const result = V.required(input.LifecycleActionResult, 'lifecycleActionResult');
  V.oneOf(result, 'lifecycleActionResult', ['CONTINUE', 'ABANDON']);
  V.length(input.LifecycleActionToken, 'lifecycleActionToken', 36, 36);
  const inst = findAction(g, h.LifecycleHookName as string, input.LifecycleActionToken, input.InstanceId);
  engine.actions.complete(inst, h.LifecycleHookName as string, result);
}

export function recordHeartbeat(s: AsgState, engine: Engine, input: RecordLifecycleActionHeartbeatType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const h = hookOf(g, input.LifecycleHookName);
  V.length(input.LifecycleActionToken, 'lifecycleActionToken', 36, 36);
  const inst = findAction(g, h.LifecycleHookName as string, input.LifecycleActionToken, input.InstanceId);
  engine.actions.heartbeat(inst, h.LifecycleHookName as string);
}

// ── Scaling policies ──────────────────────────────────────────────────────────────────────

const POLICY_TYPES = ['SimpleScaling', 'StepScaling', 'TargetTrackingScaling', 'PredictiveScaling'];
const ADJUSTMENTS = ['ChangeInCapacity', 'ExactCapacity', 'PercentChangeInCapacity'];
const PREDEFINED = ['ASGAverageCPUUtilization', 'ASGAverageNetworkIn', 'ASGAverageNetworkOut', 'ALBRequestCountPerTarget'];

function checkPolicy(input: PutScalingPolicyType, type: string): void {
  V.oneOf(type, 'policyType', POLICY_TYPES);
  V.oneOf(input.AdjustmentType, 'adjustmentType', ADJUSTMENTS);
  const simpleOrStep = type === 'SimpleScaling' || type === 'StepScaling';
  if (simpleOrStep && !input.AdjustmentType) throw validationError(`AdjustmentType is required for policy type ${type}.`);
  if (type === 'SimpleScaling' && input.ScalingAdjustment === undefined) throw validationError('ScalingAdjustment is required for policy type SimpleScaling.');
  if (type === 'SimpleScaling' && input.StepAdjustments) throw validationError('StepAdjustments is not supported for policy type SimpleScaling.');
  if (type === 'StepScaling') {
    if (!input.StepAdjustments?.length) throw validationError('StepAdjustments is required for policy type StepScaling.');
    if (input.StepAdjustments.length > 20) throw V.limitExceeded('Maximum of 20 step adjustments per policy exceeded.');
    if (input.Cooldown !== undefined) throw validationError('Cooldown is only supported for policy type SimpleScaling.');
    for (const step of input.StepAdjustments) V.required(step.ScalingAdjustment, 'stepAdjustments.member.scalingAdjustment');
  }
  if (type === 'TargetTrackingScaling') {
    const tt = input.TargetTrackingConfiguration;
    if (!tt) throw validationError('TargetTrackingConfiguration is required for policy type TargetTrackingScaling.');
    V.required(tt.TargetValue, 'targetTrackingConfiguration.targetValue');
    const pre = tt.PredefinedMetricSpecification;
    if (!!pre === !!tt.CustomizedMetricSpecification) throw validationError('Specify either PredefinedMetricSpecification or CustomizedMetricSpecification, but not both.');
    if (pre) {
      V.oneOf(pre.PredefinedMetricType, 'targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType', PREDEFINED);
      if (pre.PredefinedMetricType === 'ALBRequestCountPerTarget' && !pre.ResourceLabel) throw validationError('ResourceLabel is required for metric type ALBRequestCountPerTarget.');
    }
  }
  if (type === 'PredictiveScaling' && !input.PredictiveScalingConfiguration) throw validationError('PredictiveScalingConfiguration is required for policy type PredictiveScaling.');
  if (input.MinAdjustmentMagnitude !== undefined && input.AdjustmentType !== 'PercentChangeInCapacity') {
    throw validationError('MinAdjustmentMagnitude is only supported with AdjustmentType PercentChangeInCapacity.');
  }
}

export function putScalingPolicy(s: AsgState, input: PutScalingPolicyType): PolicyARNType {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const name = V.required(input.PolicyName, 'policyName');
  V.length(name, 'policyName', 1, 255);
  const type = input.PolicyType ?? 'SimpleScaling';
  checkPolicy(input, type);
  const previous = g.policies.get(name);
  if (!previous && g.policies.size >= QUOTA.policies) throw V.limitExceeded(`Maximum of ${QUOTA.policies} scaling policies per Auto Scaling group exceeded.`);
  const arn = previous?.PolicyARN ?? s.ctx.ids.arn('autoscaling', `scalingPolicy:${s.ctx.ids.uuid()}:autoScalingGroupName/${g.name}:policyName/${name}`);
  const alarms =
    type === 'TargetTrackingScaling'
      ? (previous?.Alarms ?? ['AlarmHigh', 'AlarmLow'].map((kind) => {
          const AlarmName = `TargetTracking-${g.name}-${kind}-${s.ctx.ids.uuid()}`;
          return { AlarmName, AlarmARN: s.ctx.ids.arn('cloudwatch', `alarm:${AlarmName}`) };
        }))
      : [];
  const { AutoScalingGroupName: _g, PolicyName: _p, PolicyType: _t, ...rest } = input;
  const policy: ScalingPolicy = { AutoScalingGroupName: g.name, PolicyName: name, PolicyARN: arn, PolicyType: type, ...structuredClone(rest), Alarms: alarms, Enabled: input.Enabled ?? true };
  g.policies.set(name, policy);
  return { PolicyARN: arn, Alarms: alarms };
}

export function describePolicies(s: AsgState, input: DescribePoliciesType): PoliciesType {
  const max = V.maxRecords(input.MaxRecords, 50, 100);
  V.listMax(input.PolicyNames, 'policyNames', 50);
  const groups = input.AutoScalingGroupName ? [getGroup(s, input.AutoScalingGroupName)] : [...s.groups.values()];
  const names = input.PolicyNames?.length ? input.PolicyNames : undefined;
  const types = input.PolicyTypes?.length ? input.PolicyTypes : undefined;
  const all = groups
    .flatMap((g) => [...g.policies.values()])
    .filter((p) => (!names || names.includes(p.PolicyName as string) || names.includes(p.PolicyARN as string)) && (!types || types.includes(p.PolicyType as string)))
    .sort((a, b) => ((a.PolicyARN as string) < (b.PolicyARN as string) ? -1 : 1));
  const { page, NextToken } = paginate(all, (p) => p.PolicyARN as string, max, input.NextToken);
  // Simple and step policies list the alarms that invoke them (target tracking owns its own).
  const withAlarms = (p: ScalingPolicy): ScalingPolicy => (p.PolicyType === 'TargetTrackingScaling' ? structuredClone(p) : { ...structuredClone(p), Alarms: alarmsInvoking(s, p.PolicyARN as string) });
  return { ScalingPolicies: page.map(withAlarms), NextToken };
}

export function deletePolicy(s: AsgState, input: DeletePolicyType): void {
  const name = V.required(input.PolicyName, 'policyName');
  if (name.startsWith('arn:')) {
    for (const g of s.groups.values()) {
      for (const p of g.policies.values()) {
        if (p.PolicyARN === name) {
          g.policies.delete(p.PolicyName as string);
          return;
        }
      }
    }
    throw validationError(`Policy ARN not found - ${name}`);
  }
  if (!input.AutoScalingGroupName) throw validationError('AutoScalingGroupName is required when PolicyName is not an ARN.');
  const g = getGroup(s, input.AutoScalingGroupName);
  if (!g.policies.delete(name)) throw validationError(`Policy not found - Policy ${name} not found for AutoScalingGroup ${g.name}`);
}
