/**
 * Elastic Load Balancing v2 (Application Load Balancers): load balancers, target groups, targets
 * and their health checks on the virtual clock, listeners, rules, weighted forwards, tags, and the
 * traffic that feeds CloudWatch's AWS/ApplicationELB metrics. The parts live in `./elbv2/`.
 */
import type * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';
import { TargetHealthSim } from './elbv2/health.js';
import { Listeners } from './elbv2/listeners.js';
import { LoadBalancers } from './elbv2/load-balancers.js';
import { ElbState, forwardTuples, type LoadBalancerRec } from './elbv2/model.js';
import { Rules } from './elbv2/rules.js';
import { Tagging } from './elbv2/tags.js';
import { TargetGroups } from './elbv2/target-groups.js';
import { Traffic } from './elbv2/traffic.js';

type Out<T> = Omit<T, '$metadata'>;

export class ElbSim {
  readonly state = new ElbState();
  readonly targetGroups = new TargetGroups(this);
  readonly health = new TargetHealthSim(this);
  readonly loadBalancers = new LoadBalancers(this);
  readonly listeners = new Listeners(this);
  readonly rules = new Rules(this);
  readonly tagging = new Tagging(this);
  readonly traffic = new Traffic(this);
  /** Simulated requests per second per load balancer ARN (default 50): `cloud.elb.requestsPerSecond[arn] = 0`. */
  readonly requestsPerSecond: Record<string, number> = this.traffic.requestsPerSecond;
  /** Application Load Balancers per Region before CreateLoadBalancer answers TooManyLoadBalancers (AWS's default quota: 50). */
  loadBalancerLimit = 50;

  constructor(readonly ctx: SimContext) {}

  // ---- internal methods other services use (contract) ----

  hasTargetGroup(arn: string): boolean {
    return this.state.targetGroups.has(arn);
  }
  /** Register instances as targets (what Auto Scaling does for attached target groups). */
  registerInstanceTargets(targetGroupArn: string, instanceIds: string[]): void {
    // Called from Auto Scaling's clock events: a group deleted meanwhile is ignored, not thrown at the clock.
    const tg = this.state.targetGroups.get(targetGroupArn);
    if (!tg) return;
    for (const id of instanceIds) this.health.register(tg, id, tg.port ?? 80);
  }
  /** Deregister instances (they drain for the deregistration delay). */
  deregisterInstanceTargets(targetGroupArn: string, instanceIds: string[]): void {
    const tg = this.state.targetGroups.get(targetGroupArn);
    if (!tg) return;
    for (const id of instanceIds) this.health.deregister(tg, id, undefined);
  }
  /** initial | healthy | unhealthy | unused | draining | unavailable; undefined when not registered. */
  targetState(targetGroupArn: string, instanceId: string): string | undefined {
    const tg = this.state.targetGroups.get(targetGroupArn);
    if (!tg) return undefined;
    // Auto Scaling registers on the group's port: one lookup (a scan per call made big groups quadratic).
    const direct = tg.targets.get(`${instanceId}:${tg.port ?? 80}`);
    if (direct) return direct.state;
    for (const t of tg.targets.values()) if (t.id === instanceId) return t.state;
    return undefined;
  }
  /** The weighted target groups a listener (default action) or rule forwards to now. */
  forwardWeights(listenerOrRuleArn: string): { targetGroupArn: string; weight: number }[] {
    return forwardTuples(this.state.actionsOf(listenerOrRuleArn));
  }
  healthyCount(targetGroupArn: string): number {
    const tg = this.state.targetGroups.get(targetGroupArn);
    if (!tg) return 0;
    let n = 0;
    for (const t of tg.targets.values()) if (t.state === 'healthy') n++;
    return n;
  }
  /** Publish any complete minute of ALB metrics not yet published (CloudWatch reads after this). */
  flushMetrics(): void {
    this.traffic.flush();
  }

  // ---- helpers shared by the parts ----

  loadBalancer(arn: string): LoadBalancerRec {
    const lb = this.state.loadBalancers.get(arn);
    if (!lb) throw new AwsFault('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  /** Load balancers whose listeners or rules forward to the target group. */
  loadBalancersOf(targetGroupArn: string): string[] {
    const out: string[] = [];
    for (const lb of this.state.loadBalancers.values()) {
      for (const actions of this.state.actionListsOf(lb)) {
        if (forwardTuples(actions).some((t) => t.targetGroupArn === targetGroupArn)) {
          out.push(lb.arn);
          break;
        }
      }
    }
    return out;
  }

  /** A listener's or rule's actions changed (or it went away): usage, traffic, hook. */
  actionsChanged(arn: string): void {
    const used = new Set<string>();
    for (const lb of this.state.loadBalancers.values()) {
      for (const actions of this.state.actionListsOf(lb)) for (const t of forwardTuples(actions)) used.add(t.targetGroupArn);
    }
    for (const tg of this.state.targetGroups.values()) this.health.setInUse(tg, used.has(tg.arn));
    this.traffic.ensure();
    this.ctx.hooks.emit('listenerChanged', { arn });
  }

  // ---- operations ----

  CreateLoadBalancer(input: elb.CreateLoadBalancerCommandInput): Promise<Out<elb.CreateLoadBalancerCommandOutput>> {
    return this.loadBalancers.create(input);
  }
  DescribeLoadBalancers(input: elb.DescribeLoadBalancersCommandInput): Out<elb.DescribeLoadBalancersCommandOutput> {
    return this.loadBalancers.describeMany(input);
  }
  DeleteLoadBalancer(input: elb.DeleteLoadBalancerCommandInput): Out<elb.DeleteLoadBalancerCommandOutput> {
    this.loadBalancers.delete(input);
    return {};
  }
  CreateTargetGroup(input: elb.CreateTargetGroupCommandInput): Out<elb.CreateTargetGroupCommandOutput> {
    return this.targetGroups.create(input);
  }
  DescribeTargetGroups(input: elb.DescribeTargetGroupsCommandInput): Out<elb.DescribeTargetGroupsCommandOutput> {
    return this.targetGroups.describeMany(input);
  }
  ModifyTargetGroup(input: elb.ModifyTargetGroupCommandInput): Out<elb.ModifyTargetGroupCommandOutput> {
    return this.targetGroups.modify(input);
  }
  DeleteTargetGroup(input: elb.DeleteTargetGroupCommandInput): Out<elb.DeleteTargetGroupCommandOutput> {
    this.targetGroups.delete(input);
    return {};
  }
  DescribeTargetGroupAttributes(input: elb.DescribeTargetGroupAttributesCommandInput): Out<elb.DescribeTargetGroupAttributesCommandOutput> {
    return this.targetGroups.describeAttributes(input);
  }
  ModifyTargetGroupAttributes(input: elb.ModifyTargetGroupAttributesCommandInput): Out<elb.ModifyTargetGroupAttributesCommandOutput> {
    return this.targetGroups.modifyAttributes(input);
  }
  RegisterTargets(input: elb.RegisterTargetsCommandInput): Out<elb.RegisterTargetsCommandOutput> {
    this.health.registerTargets(input);
    return {};
  }
  DeregisterTargets(input: elb.DeregisterTargetsCommandInput): Out<elb.DeregisterTargetsCommandOutput> {
    this.health.deregisterTargets(input);
    return {};
  }
  DescribeTargetHealth(input: elb.DescribeTargetHealthCommandInput): Out<elb.DescribeTargetHealthCommandOutput> {
    return this.health.describeTargetHealth(input);
  }
  CreateListener(input: elb.CreateListenerCommandInput): Out<elb.CreateListenerCommandOutput> {
    return this.listeners.create(input);
  }
  DescribeListeners(input: elb.DescribeListenersCommandInput): Out<elb.DescribeListenersCommandOutput> {
    return this.listeners.describeMany(input);
  }
  ModifyListener(input: elb.ModifyListenerCommandInput): Out<elb.ModifyListenerCommandOutput> {
    return this.listeners.modify(input);
  }
  DeleteListener(input: elb.DeleteListenerCommandInput): Out<elb.DeleteListenerCommandOutput> {
    this.listeners.delete(input);
    return {};
  }
  CreateRule(input: elb.CreateRuleCommandInput): Out<elb.CreateRuleCommandOutput> {
    return this.rules.create(input);
  }
  DescribeRules(input: elb.DescribeRulesCommandInput): Out<elb.DescribeRulesCommandOutput> {
    return this.rules.describeMany(input);
  }
  ModifyRule(input: elb.ModifyRuleCommandInput): Out<elb.ModifyRuleCommandOutput> {
    return this.rules.modify(input);
  }
  DeleteRule(input: elb.DeleteRuleCommandInput): Out<elb.DeleteRuleCommandOutput> {
    this.rules.delete(input);
    return {};
  }
  SetRulePriorities(input: elb.SetRulePrioritiesCommandInput): Out<elb.SetRulePrioritiesCommandOutput> {
    return this.rules.setPriorities(input);
  }
  AddTags(input: elb.AddTagsCommandInput): Out<elb.AddTagsCommandOutput> {
    this.tagging.add(input);
    return {};
  }
  RemoveTags(input: elb.RemoveTagsCommandInput): Out<elb.RemoveTagsCommandOutput> {
    this.tagging.remove(input);
    return {};
  }
  DescribeTags(input: elb.DescribeTagsCommandInput): Out<elb.DescribeTagsCommandOutput> {
    return this.tagging.describe(input);
  }
}
