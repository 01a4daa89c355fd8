/** Processes, instances, activities and tags. */
import type {
  ActivitiesType,
  Activity,
  ActivityType,
  AutoScalingInstancesType,
  CreateOrUpdateTagsType,
  DeleteTagsType,
  DescribeAutoScalingInstancesType,
  DescribeScalingActivitiesType,
  DescribeTagsType,
  ScalingProcessQuery,
  TagDescription,
  TagsType,
  TerminateInstanceInAutoScalingGroupType,
} from '@aws-sdk/client-auto-scaling';
import { validationError } from '../../aws-fault.js';
import type { Engine } from './engine.js';
import { type AsgState, type Group, PROCESSES, QUOTA, changed, getMutableGroup, groupNotFound, isTerminating, iso } from './model.js';
import { instanceDetailsShape, paginate, tagShapes } from './output.js';
import * as V from './validate.js';

export function suspendProcesses(s: AsgState, input: ScalingProcessQuery): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  V.processes(input.ScalingProcesses);
  const list = input.ScalingProcesses?.length ? input.ScalingProcesses : [...PROCESSES];
  for (const p of list) if (!g.suspended.has(p)) g.suspended.set(p, `User suspended at ${iso(s.ctx.clock.now())}`);
  changed(s, g);
}

export function resumeProcesses(s: AsgState, engine: Engine, input: ScalingProcessQuery): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  V.processes(input.ScalingProcesses);
  const list = input.ScalingProcesses?.length ? input.ScalingProcesses : [...PROCESSES];
  for (const p of list) g.suspended.delete(p);
  changed(s, g);
  engine.queue(g);
}

export function terminateInstance(s: AsgState, engine: Engine, input: TerminateInstanceInAutoScalingGroupType): ActivityType {
  const id = V.required(input.InstanceId, 'instanceId');
  V.length(id, 'instanceId', 1, 19);
  const decrement = V.required(input.ShouldDecrementDesiredCapacity, 'shouldDecrementDesiredCapacity');
  const inst = s.byInstance.get(id);
  if (!inst) throw validationError(`Instance Id not found - No managed instance found for instance ID: ${id}`);
  const g = inst.group;
  if (isTerminating(inst)) return { Activity: inst.terminateActivity };
  const before = g.desired;
  if (decrement) {
    if (g.desired - 1 < g.min) {
      throw validationError(
        `Currently, desiredSize equals minSize (${g.min}). Terminating instance without replacement will violate group's min size constraint. Either set shouldDecrementDesiredCapacity flag to false or lower group's min size.`,
      );
    }
    g.desired--;
  }
  const shrink = decrement ? `, shrinking the capacity from ${before} to ${g.desired}` : '';
  engine.startTermination(inst, `At ${iso(s.ctx.clock.now())} instance ${id} was taken out of service in response to a user request${shrink}.`);
  return { Activity: inst.terminateActivity };
}

export function describeInstances(s: AsgState, input: DescribeAutoScalingInstancesType): AutoScalingInstancesType {
  const max = V.maxRecords(input.MaxRecords, 50, 50);
  V.listMax(input.InstanceIds, 'instanceIds', 50);
  const wanted = input.InstanceIds?.length ? new Set(input.InstanceIds) : undefined;
  const all = [...s.byInstance.values()].filter((i) => !wanted || wanted.has(i.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
  const { page, NextToken } = paginate(all, (i) => i.id, max, input.NextToken);
  return { AutoScalingInstances: page.map(instanceDetailsShape), NextToken };
}

const SIX_WEEKS_MS = 42 * 24 * 3600 * 1000;

export function describeActivities(s: AsgState, input: DescribeScalingActivitiesType): ActivitiesType {
  const max = V.maxRecords(input.MaxRecords, 100, 100);
  V.listMax(input.ActivityIds, 'activityIds', 50);
  const name = input.AutoScalingGroupName;
  let list: Activity[] = [];
  for (const g of s.groups.values()) if (!name || g.name === name) list.push(...g.activities);
  if (input.IncludeDeletedGroups) list.push(...s.deletedActivities.filter((a) => !name || a.AutoScalingGroupName === name));
  if (input.ActivityIds?.length) {
    const ids = new Set(input.ActivityIds);
    list = list.filter((a) => ids.has(a.ActivityId as string));
  }
  const now = s.ctx.clock.now();
  for (const f of input.Filters ?? []) {
    const values = f.Values ?? [];
    if (f.Name === 'StartTimeLowerBound' || f.Name === 'StartTimeUpperBound') {
      const bound = Date.parse(values[0] ?? '');
      if (!Number.isFinite(bound)) throw validationError(`Filter ${f.Name} needs one ISO-8601 timestamp value.`);
      list = list.filter((a) => (f.Name === 'StartTimeLowerBound' ? (a.StartTime as Date).getTime() >= bound : (a.StartTime as Date).getTime() <= bound));
    } else if (f.Name === 'Status') {
      if (!name) throw validationError('The Status filter requires AutoScalingGroupName.');
      list = list.filter((a) => values.includes(a.StatusCode as string));
    } else {
      throw validationError(`Filter type ${f.Name} is not correct. Allowed Filter types are: StartTimeLowerBound, StartTimeUpperBound, Status.`);
    }
  }
  list = list
    .filter((a) => now - (a.StartTime as Date).getTime() <= SIX_WEEKS_MS)
    .map((a, k) => ({ a, k }))
    .sort((x, y) => (y.a.StartTime as Date).getTime() - (x.a.StartTime as Date).getTime() || x.k - y.k)
    .map((x) => x.a);
  const { page, NextToken } = paginate(list, (a) => a.ActivityId as string, max, input.NextToken);
  return { Activities: page, NextToken };
}

// ── Tags ──────────────────────────────────────────────────────────────────────────────────

function tagTargets(s: AsgState, tags: CreateOrUpdateTagsType['Tags']): { g: Group; key: string; value: string; propagate: boolean }[] {
  const list = V.required(tags, 'tags');
  return list.map((t, k) => {
    V.required(t.ResourceId, `tags.member.${k + 1}.resourceId`);
    V.tag(t, `tags.member.${k + 1}`);
    const g = s.groups.get(t.ResourceId as string);
    if (!g) throw groupNotFound(t.ResourceId);
    return { g, key: t.Key as string, value: t.Value ?? '', propagate: t.PropagateAtLaunch ?? false };
  });
}

export function createOrUpdateTags(s: AsgState, input: CreateOrUpdateTagsType): void {
  const targets = tagTargets(s, input.Tags);
  for (const g of new Set(targets.map((t) => t.g))) {
    const keys = new Set([...g.tags.keys(), ...targets.filter((t) => t.g === g).map((t) => t.key)]);
    if (keys.size > QUOTA.tags) throw V.limitExceeded(`The number of tags exceeds the limit of ${QUOTA.tags} for AutoScalingGroup ${g.name}.`);
  }
  for (const t of targets) t.g.tags.set(t.key, { Key: t.key, Value: t.value, PropagateAtLaunch: t.propagate });
  for (const g of new Set(targets.map((t) => t.g))) changed(s, g);
}

export function deleteTags(s: AsgState, input: DeleteTagsType): void {
  const targets = tagTargets(s, input.Tags);
  for (const t of targets) t.g.tags.delete(t.key);
  for (const g of new Set(targets.map((t) => t.g))) changed(s, g);
}

const TAG_FILTERS: Record<string, (t: TagDescription, values: string[]) => boolean> = {
  'auto-scaling-group': (t, v) => v.includes(t.ResourceId as string),
  key: (t, v) => v.includes(t.Key as string),
  value: (t, v) => v.includes(t.Value as string),
  'propagate-at-launch': (t, v) => v.includes(String(t.PropagateAtLaunch)),
};

export function describeTags(s: AsgState, input: DescribeTagsType): TagsType {
  const max = V.maxRecords(input.MaxRecords, 50, 100);
  for (const f of input.Filters ?? []) {
    if (!f.Name || !TAG_FILTERS[f.Name]) throw validationError(`Filter type ${f.Name} is not correct. Allowed Filter types are: auto-scaling-group, key, value, propagate-at-launch.`);
  }
  const groups = [...s.groups.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  const all = groups.flatMap(tagShapes).filter((t) => (input.Filters ?? []).every((f) => (TAG_FILTERS[f.Name as string] as (t: TagDescription, v: string[]) => boolean)(t, f.Values ?? [])));
  const { page, NextToken } = paginate(all, (t) => `${t.ResourceId}\u0000${t.Key}`, max, input.NextToken);
  return { Tags: page, NextToken };
}

