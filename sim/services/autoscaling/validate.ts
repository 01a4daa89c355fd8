/** Parameter checks Auto Scaling performs, with its `ValidationError` wording. */
import type { LaunchTemplateSpecification, LifecycleHookSpecification, MixedInstancesPolicy, Tag } from '@aws-sdk/client-auto-scaling';
import { AwsFault, validationError } from '../../aws-fault.js';
import { LAUNCHING, PROCESSES, TERMINATING } from './model.js';

const constraint = (value: unknown, member: string, rule: string) =>
  validationError(`1 validation error detected: Value ${value === undefined || value === null ? 'null' : `'${String(value)}'`} at '${member}' failed to satisfy constraint: ${rule}`);

export function required<T>(value: T | undefined | null, member: string): T {
  if (value === undefined || value === null) throw constraint(undefined, member, 'Member must not be null');
  return value;
}

export function length(value: string | undefined, member: string, min: number, max: number): void {
  if (value === undefined) return;
  if (value.length < min) throw constraint(value, member, `Member must have length greater than or equal to ${min}`);
  if (value.length > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
}

export function intRange(value: number | undefined, member: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (!Number.isInteger(value)) throw constraint(value, member, 'Member must be an integer');
  if (value < min) throw constraint(value, member, `Member must have value greater than or equal to ${min}`);
  if (value > max) throw constraint(value, member, `Member must have value less than or equal to ${max}`);
}

export function oneOf(value: string | undefined, member: string, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (!allowed.includes(value)) throw constraint(value, member, `Member must satisfy enum value set: [${allowed.join(', ')}]`);
}

export function listMax(list: unknown[] | undefined, member: string, max: number): void {
  if (list && list.length > max) throw constraint(`[${list.length} items]`, member, `Member must have length less than or equal to ${max}`);
}

/** Names: 1–255, printable ASCII 33–126 without a colon (ASG user guide). */
export function groupName(name: string | undefined): string {
  const n = required(name, 'autoScalingGroupName');
  length(n, 'autoScalingGroupName', 1, 255);
  if (!/^[\x21-\x39\x3b-\x7e]+$/.test(n)) {
    throw validationError(`AutoScalingGroup name '${n}' is invalid: use ASCII characters 33 to 126 only, and no colon (:)`);
  }
  return n;
}

export function capacity(min: number, max: number, desired: number): void {
  intRange(min, 'minSize', 0);
  intRange(max, 'maxSize', 0);
  intRange(desired, 'desiredCapacity', 0);
  if (min > max) throw validationError(`Max bound, ${max}, must be greater than or equal to min bound, ${min}`);
  if (desired < min || desired > max) {
    throw validationError(`Desired capacity:${desired} must be between the specified min size:${min} and max size:${max}`);
  }
}

export function launchTemplateSpec(spec: LaunchTemplateSpecification, member: string): void {
  if (!!spec.LaunchTemplateId === !!spec.LaunchTemplateName) {
    throw validationError('You must specify either LaunchTemplateId or LaunchTemplateName, but not both.');
  }
  length(spec.LaunchTemplateId, `${member}.launchTemplateId`, 1, 255);
  length(spec.LaunchTemplateName, `${member}.launchTemplateName`, 3, 128);
  if (spec.LaunchTemplateName !== undefined && !/^[a-zA-Z0-9().\-/_]+$/.test(spec.LaunchTemplateName)) {
    throw constraint(spec.LaunchTemplateName, `${member}.launchTemplateName`, 'Member must satisfy regular expression pattern: [a-zA-Z0-9\\(\\)\\.\\-/_]+');
  }
  if (spec.Version !== undefined && !/^(\$Latest|\$Default|[1-9]\d*)$/.test(spec.Version)) {
    throw validationError(`The launch template version '${spec.Version}' is invalid. Specify a version number, $Latest or $Default.`);
  }
}

export function mixedPolicy(p: MixedInstancesPolicy): LaunchTemplateSpecification {
  const spec = p.LaunchTemplate?.LaunchTemplateSpecification;
  if (!spec) throw validationError('MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification is required.');
  launchTemplateSpec(spec, 'mixedInstancesPolicy.launchTemplate.launchTemplateSpecification');
  for (const o of p.LaunchTemplate?.Overrides ?? []) if (o.LaunchTemplateSpecification) launchTemplateSpec(o.LaunchTemplateSpecification, 'overrides.launchTemplateSpecification');
  return spec;
}

/** Exactly one launch source; only launch templates are simulated (no launch configurations). */
export function launchSource(input: { LaunchTemplate?: LaunchTemplateSpecification; MixedInstancesPolicy?: MixedInstancesPolicy; LaunchConfigurationName?: string; InstanceId?: string }, creating: boolean): void {
  const given = [input.LaunchTemplate, input.MixedInstancesPolicy, input.LaunchConfigurationName, input.InstanceId].filter((v) => v !== undefined).length;
  if (given > 1 || (creating && given === 0)) {
    throw validationError('Valid requests must contain either LaunchTemplate, LaunchConfigurationName, InstanceId or MixedInstancesPolicy parameter.');
  }
  if (input.LaunchConfigurationName !== undefined) {
    throw validationError(`Launch configuration name not found - Launch configuration ${input.LaunchConfigurationName} not found`);
  }
  if (input.InstanceId !== undefined) throw validationError(`Instance Id not found - No managed instance found for instance ID: ${input.InstanceId}`);
  if (input.LaunchTemplate) launchTemplateSpec(input.LaunchTemplate, 'launchTemplate');
  if (input.MixedInstancesPolicy) mixedPolicy(input.MixedInstancesPolicy);
}

export function healthCheckType(value: string | undefined): void {
  if (value === undefined) return;
  length(value, 'healthCheckType', 1, 32);
  for (const part of value.split(',')) {
    if (!['EC2', 'ELB', 'VPC_LATTICE', 'EBS'].includes(part.trim())) {
      throw validationError(`Invalid health check type '${value}'. Valid values: EC2, ELB, VPC_LATTICE, EBS (comma-separated).`);
    }
  }
}

const POLICIES = ['Default', 'AllocationStrategy', 'ClosestToNextInstanceHour', 'NewestInstance', 'OldestInstance', 'OldestLaunchConfiguration', 'OldestLaunchTemplate'];

export function terminationPolicies(list: string[] | undefined): void {
  for (const p of list ?? []) {
    if (!POLICIES.includes(p) && !/^arn:aws[a-z-]*:lambda:/.test(p)) {
      throw validationError(`Termination policy '${p}' is invalid. Valid values: ${POLICIES.join(', ')}, or a Lambda function ARN.`);
    }
  }
}

export function maxInstanceLifetime(v: number | undefined): void {
  if (v === undefined || v === 0) return;
  if (!Number.isInteger(v) || v < 86_400 || v > 31_536_000) {
    throw validationError('The maximum instance lifetime must be 0 or between 86400 and 31536000 seconds.');
  }
}

export function tag(t: Tag, member: string): void {
  length(required(t.Key, `${member}.key`), `${member}.key`, 1, 128);
  length(t.Value, `${member}.value`, 0, 256);
  if (t.Key?.startsWith('aws:')) throw validationError(`Tag keys starting with 'aws:' are reserved for internal use. Invalid tag key: ${t.Key}`);
  if (t.ResourceType !== undefined && t.ResourceType !== 'auto-scaling-group') {
    throw validationError(`Invalid resource type '${t.ResourceType}'. The only valid value is auto-scaling-group.`);
  }
}

export function processes(names: string[] | undefined): void {
  for (const n of names ?? []) {
    if (!(PROCESSES as readonly string[]).includes(n)) {
      throw validationError(`Process name '${n}' is invalid. Valid values: ${PROCESSES.join(', ')}.`);
    }
  }
}

export function hookSpec(h: Partial<LifecycleHookSpecification>, creating: boolean): void {
  const name = required(h.LifecycleHookName, 'lifecycleHookName');
  length(name, 'lifecycleHookName', 1, 255);
  if (!/^[A-Za-z0-9\-_/]+$/.test(name)) throw constraint(name, 'lifecycleHookName', 'Member must satisfy regular expression pattern: [A-Za-z0-9\\-_\\/]+');
  if (creating) required(h.LifecycleTransition, 'lifecycleTransition');
  if (h.LifecycleTransition !== undefined && h.LifecycleTransition !== LAUNCHING && h.LifecycleTransition !== TERMINATING) {
    throw validationError(`Invalid Lifecycle Transition: ${h.LifecycleTransition}. Valid values: ${LAUNCHING}, ${TERMINATING}.`);
  }
  intRange(h.HeartbeatTimeout, 'heartbeatTimeout', 30, 7200);
  if (h.DefaultResult !== undefined && h.DefaultResult !== 'CONTINUE' && h.DefaultResult !== 'ABANDON') {
    throw validationError(`Invalid DefaultResult: ${h.DefaultResult}. Valid values: CONTINUE, ABANDON.`);
  }
  length(h.NotificationMetadata, 'notificationMetadata', 1, 4000);
  length(h.NotificationTargetARN, 'notificationTargetARN', 0, 255);
  length(h.RoleARN, 'roleARN', 1, 255);
}

/** `MaxRecords` within [1, max], default `def`. */
export function maxRecords(v: number | undefined, def: number, max: number): number {
  intRange(v, 'maxRecords', 1, max);
  return v ?? def;
}

export function limitExceeded(message: string): AwsFault {
  return new AwsFault('LimitExceeded', message);
}
