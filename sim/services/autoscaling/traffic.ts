/** Target groups and traffic sources: attach (register the group's instances), detach (deregister, drain), describe. */
import type {
  AttachLoadBalancerTargetGroupsType,
  AttachTrafficSourcesType,
  DescribeLoadBalancerTargetGroupsRequest,
  DescribeLoadBalancerTargetGroupsResponse,
  DescribeTrafficSourcesRequest,
  DescribeTrafficSourcesResponse,
  DetachLoadBalancerTargetGroupsType,
  DetachTrafficSourcesType,
  TrafficSourceIdentifier,
} from '@aws-sdk/client-auto-scaling';
import { validationError } from '../../aws-fault.js';
import type { Engine } from './engine.js';
import { type AsgState, type Attachment, type Group, QUOTA, changed, getGroup, getMutableGroup } from './model.js';
import { paginate } from './output.js';
import * as V from './validate.js';

const INVALID_TG = 'Provided Target Groups may not be valid. Please ensure they exist and try again.';

/** Only ELBv2 target groups are simulated: `elb` (Classic) and `vpc-lattice` sources are rejected. */
export function validateSources(_s: AsgState, sources: TrafficSourceIdentifier[]): { Identifier: string; Type: string }[] {
  V.listMax(sources, 'trafficSources', 10);
  return sources.map((ts, k) => {
    const id = V.required(ts.Identifier, `trafficSources.member.${k + 1}.identifier`);
    V.length(id, `trafficSources.member.${k + 1}.identifier`, 1, 511);
    const type = ts.Type ?? (id.startsWith('arn:') ? 'elbv2' : 'elb');
    V.oneOf(type, `trafficSources.member.${k + 1}.type`, ['elb', 'elbv2', 'vpc-lattice']);
    if (type === 'elb') throw validationError('Provided Load Balancers may not be valid. Please ensure they exist and try again.');
    if (type !== 'elbv2' || !/^arn:aws[a-z-]*:elasticloadbalancing:[^:]*:\d{12}:targetgroup\//.test(id)) throw validationError(INVALID_TG);
    return { Identifier: id, Type: type };
  });
}

function attach(s: AsgState, engine: Engine, g: Group, sources: { Identifier: string; Type: string }[], via: 'tg' | 'ts'): void {
  const fresh = sources.filter((ts) => !g.attachments.some((a) => a.identifier === ts.Identifier && a.state !== 'Removing'));
  const total = g.attachments.filter((a) => a.state !== 'Removing').length + new Set(fresh.map((f) => f.Identifier)).size;
  if (total > QUOTA.targetGroups) throw V.limitExceeded(`The number of target groups exceeds the limit of ${QUOTA.targetGroups} per Auto Scaling group.`);
  if (fresh.some((ts) => !s.ctx.elb.hasTargetGroup(ts.Identifier))) throw validationError(INVALID_TG);
  for (const ts of fresh) {
    if (g.attachments.some((a) => a.identifier === ts.Identifier && a.state !== 'Removing')) continue;
    const old = g.attachments.findIndex((a) => a.identifier === ts.Identifier);
    if (old >= 0) g.attachments.splice(old, 1);
    const att: Attachment = { identifier: ts.Identifier, type: ts.Type, via, state: 'Adding' };
    g.attachments.push(att);
    // Every InService instance is registered on attach.
    for (const inst of g.instances.values()) if (inst.lifecycle === 'InService') engine.register(inst, att);
    if (att.state === 'Adding') att.state = 'Added';
  }
  engine.ensureSubscribed();
  changed(s, g);
}

function detach(s: AsgState, engine: Engine, g: Group, ids: string[], via: 'tg' | 'ts'): void {
  const missing = ids.filter((id) => !g.attachments.some((a) => a.identifier === id && a.state !== 'Removing'));
  if (missing.length > 0) throw validationError(`Trying to remove Target Groups that are not part of the group {${missing.join(', ')}}.`);
  if (via === 'tg') {
    const viaTs = ids.filter((id) => g.attachments.find((a) => a.identifier === id && a.state !== 'Removing')?.via === 'ts');
    if (viaTs.length > 0) throw validationError(`Target Groups {${viaTs.join(', ')}} were attached as traffic sources; detach them with DetachTrafficSources.`);
  }
  const now = s.ctx.clock.now();
  for (const id of new Set(ids)) {
    const att = g.attachments.find((a) => a.identifier === id && a.state !== 'Removing');
    if (!att) continue;
    const draining: string[] = [];
    for (const inst of g.instances.values()) {
      if (!inst.registered.delete(id) || !s.ctx.elb.hasTargetGroup(id)) continue;
      s.ctx.elb.deregisterInstanceTargets(id, [inst.id]);
      draining.push(inst.id);
    }
    att.state = 'Removing';
    att.draining = draining;
    att.removeBy = now + engine.peers.deregistrationDelayMs(id, (ms) => (att.removeBy = now + ms));
  }
  engine.health.updateAttachments(g);
  engine.health.ensureTicker();
  changed(s, g);
}

export function attachTargetGroups(s: AsgState, engine: Engine, input: AttachLoadBalancerTargetGroupsType): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  const arns = V.required(input.TargetGroupARNs, 'targetGroupARNs');
  V.listMax(arns, 'targetGroupARNs', 10);
  attach(s, engine, g, validateSources(s, arns.map((Identifier) => ({ Identifier, Type: 'elbv2' }))), 'tg');
}

export function attachTrafficSources(s: AsgState, engine: Engine, input: AttachTrafficSourcesType): void {
  const g = getMutableGroup(s, input.AutoScalingGroupName);
  attach(s, engine, g, validateSources(s, V.required(input.TrafficSources, 'trafficSources')), 'ts');
}

export function detachTargetGroups(s: AsgState, engine: Engine, input: DetachLoadBalancerTargetGroupsType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const arns = V.required(input.TargetGroupARNs, 'targetGroupARNs');
  V.listMax(arns, 'targetGroupARNs', 10);
  detach(s, engine, g, arns, 'tg');
}

export function detachTrafficSources(s: AsgState, engine: Engine, input: DetachTrafficSourcesType): void {
  const g = getGroup(s, input.AutoScalingGroupName);
  const sources = V.required(input.TrafficSources, 'trafficSources');
  V.listMax(sources, 'trafficSources', 10);
  detach(s, engine, g, sources.map((ts, k) => V.required(ts.Identifier, `trafficSources.member.${k + 1}.identifier`)), 'ts');
}

export function describeTrafficSources(s: AsgState, input: DescribeTrafficSourcesRequest): DescribeTrafficSourcesResponse {
  const g = getGroup(s, input.AutoScalingGroupName);
  const max = V.maxRecords(input.MaxRecords, 50, 50);
  const list = g.attachments.filter((a) => !input.TrafficSourceType || a.type === input.TrafficSourceType);
  const { page, NextToken } = paginate(list, (a) => a.identifier, max, input.NextToken);
  return { TrafficSources: page.map((a) => ({ TrafficSource: a.identifier, Identifier: a.identifier, Type: a.type, State: a.state })), NextToken };
}

export function describeTargetGroups(s: AsgState, input: DescribeLoadBalancerTargetGroupsRequest): DescribeLoadBalancerTargetGroupsResponse {
  const g = getGroup(s, input.AutoScalingGroupName);
  const max = V.maxRecords(input.MaxRecords, 100, 100);
  const list = g.attachments.filter((a) => a.type === 'elbv2');
  const { page, NextToken } = paginate(list, (a) => a.identifier, max, input.NextToken);
  return { LoadBalancerTargetGroups: page.map((a) => ({ LoadBalancerTargetGroupARN: a.identifier, State: a.state })), NextToken };
}
