/** ELBv2 calls: the listener (or rule) we swap, target groups and their health. */
import {
  type Action,
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTagsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  type ProtocolEnum,
  type Tag,
  type TargetGroup,
  type TargetGroupAttribute,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { client } from './clients.js';
import { isAwsError, tolerate } from './not-found.js';
import { TAG } from './tags.js';

const elb = () => client(ElasticLoadBalancingV2Client);
const NO_SUCH_TARGET_GROUP = 'TargetGroupNotFoundException';

export type SwapPointKind = 'listener' | 'rule';

/** What traffic goes through: a listener's default actions or one rule's actions. */
export interface SwapPoint {
  kind: SwapPointKind;
  arn: string;
  actions: Action[];
}

export const swapPointKind = (arn: string): SwapPointKind => (arn.includes(':listener-rule/') ? 'rule' : 'listener');

export async function readSwapPoint(arn: string): Promise<SwapPoint> {
  const kind = swapPointKind(arn);
  if (kind === 'listener') {
    const out = await elb().send(new DescribeListenersCommand({ ListenerArns: [arn] }));
    return { kind, arn, actions: out.Listeners?.[0]?.DefaultActions ?? [] };
  }
  const out = await elb().send(new DescribeRulesCommand({ RuleArns: [arn] }));
  return { kind, arn, actions: out.Rules?.[0]?.Actions ?? [] };
}

export async function writeSwapPoint(point: SwapPoint): Promise<void> {
  if (point.kind === 'listener') {
    await elb().send(new ModifyListenerCommand({ ListenerArn: point.arn, DefaultActions: point.actions }));
  } else {
    await elb().send(new ModifyRuleCommand({ RuleArn: point.arn, Actions: point.actions }));
  }
}

/** Target groups the actions forward to, with their weights (a plain TargetGroupArn counts as weight 1). */
export function forwardTargets(actions: Action[]): { targetGroupArn: string; weight: number }[] {
  const forward = actions.find((a) => a.Type === 'forward');
  if (!forward) return [];
  const groups = forward.ForwardConfig?.TargetGroups;
  if (groups && groups.length > 0) return groups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }));
  return forward.TargetGroupArn ? [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }] : [];
}

export async function describeTargetGroup(arn: string): Promise<TargetGroup | undefined> {
  const out = await tolerate(NO_SUCH_TARGET_GROUP, elb().send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })));
  return out?.TargetGroups?.[0];
}

export async function findTargetGroupByName(name: string): Promise<TargetGroup | undefined> {
  const out = await tolerate(NO_SUCH_TARGET_GROUP, elb().send(new DescribeTargetGroupsCommand({ Names: [name] })));
  return out?.TargetGroups?.[0];
}

export async function targetGroupAttributes(arn: string): Promise<TargetGroupAttribute[]> {
  const out = await elb().send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
  return out.Attributes ?? [];
}

export interface TargetGroupSpec {
  name: string;
  protocol: string;
  port: number;
  vpcId: string;
  healthCheckPath?: string;
  healthCheckProtocol?: string;
  healthCheckPort?: string;
  healthCheckIntervalSeconds?: number;
  healthCheckTimeoutSeconds?: number;
  healthyThresholdCount?: number;
  unhealthyThresholdCount?: number;
  matcher?: string;
  tags: Tag[];
}

/**
 * CreateTargetGroup is idempotent for the same name and settings: a retry returns the same group.
 * A retry whose settings differ (the live group's were changed meanwhile), or an emulator that
 * refuses any existing name (moto), gets DuplicateTargetGroupName: the group of that name is
 * reused when it carries the same `redblack:deployment` tag (TAG.deployment) — it is this deployment's own.
 */
export async function createTargetGroup(spec: TargetGroupSpec): Promise<TargetGroup> {
  const out = await createOrOwn(spec);
  const tg = out.TargetGroups?.[0];
  if (!tg?.TargetGroupArn) throw new Error(`CreateTargetGroup returned no target group for ${spec.name}`);
  return tg;
}

async function createOrOwn(spec: TargetGroupSpec): Promise<{ TargetGroups?: TargetGroup[] }> {
  try {
    return await create(spec);
  } catch (err) {
    if (!isAwsError(err, 'DuplicateTargetGroupNameException', 'DuplicateTargetGroupName')) throw err;
    const mine = spec.tags.find((t) => t.Key === TAG.deployment)?.Value;
    const existing = await findTargetGroupByName(spec.name);
    if (!mine || !existing?.TargetGroupArn) throw err;
    const tags = await elb().send(new DescribeTagsCommand({ ResourceArns: [existing.TargetGroupArn] }));
    const owner = tags.TagDescriptions?.[0]?.Tags?.find((t) => t.Key === TAG.deployment)?.Value;
    if (owner !== mine) throw err;
    return { TargetGroups: [existing] };
  }
}

function create(spec: TargetGroupSpec) {
  return elb().send(
    new CreateTargetGroupCommand({
      Name: spec.name,
      Protocol: spec.protocol as ProtocolEnum,
      Port: spec.port,
      VpcId: spec.vpcId,
      TargetType: 'instance',
      HealthCheckPath: spec.healthCheckPath,
      HealthCheckProtocol: spec.healthCheckProtocol as ProtocolEnum | undefined,
      HealthCheckPort: spec.healthCheckPort,
      HealthCheckIntervalSeconds: spec.healthCheckIntervalSeconds,
      HealthCheckTimeoutSeconds: spec.healthCheckTimeoutSeconds,
      HealthyThresholdCount: spec.healthyThresholdCount,
      UnhealthyThresholdCount: spec.unhealthyThresholdCount,
      Matcher: spec.matcher ? { HttpCode: spec.matcher } : undefined,
      Tags: spec.tags,
    }),
  );
}

export async function setTargetGroupAttributes(arn: string, attributes: TargetGroupAttribute[]): Promise<void> {
  if (attributes.length === 0) return;
  await elb().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: arn, Attributes: attributes }));
}

/** Deletes a target group; one that is already gone counts as deleted. */
export async function deleteTargetGroup(arn: string): Promise<void> {
  await tolerate(NO_SUCH_TARGET_GROUP, elb().send(new DeleteTargetGroupCommand({ TargetGroupArn: arn })));
}

/** Health state of every registered target (`healthy`, `initial`, `draining`, …). */
export async function targetStates(arn: string): Promise<{ id: string; state: string }[]> {
  const out = await elb().send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
  return (out.TargetHealthDescriptions ?? []).map((d) => ({ id: d.Target?.Id ?? '', state: d.TargetHealth?.State ?? 'unavailable' }));
}
