/** CreateRule / DescribeRules / ModifyRule / DeleteRule / SetRulePriorities (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyRule.html). */
import type {
  CreateRuleCommandInput,
  CreateRuleCommandOutput,
  DeleteRuleCommandInput,
  DescribeRulesCommandInput,
  DescribeRulesCommandOutput,
  ModifyRuleCommandInput,
  ModifyRuleCommandOutput,
  Rule,
  SetRulePrioritiesCommandInput,
  SetRulePrioritiesCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import { checkConditions, normalizeActions } from './actions.js';
import type { ListenerRec, RuleRec } from './model.js';
import { intRange, nonEmpty, page, required, tagMap, tags } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

const MAX_RULES_PER_LOAD_BALANCER = 100;

const ruleNotFound = (): AwsFault => new AwsFault('RuleNotFound', 'One or more rules not found');
const priorityInUse = (p: number): AwsFault => new AwsFault('PriorityInUse', `Priority '${p}' is currently in use`);

export class Rules {
  constructor(private readonly sim: ElbSim) {}

  get(arn: string | undefined): RuleRec {
    const r = arn === undefined ? undefined : this.sim.state.rules.get(arn);
    if (!r) throw ruleNotFound();
    return r;
  }

  create(input: CreateRuleCommandInput): Out<CreateRuleCommandOutput> {
    const l = this.sim.listeners.get(required(input.ListenerArn, 'ListenerArn'));
    const lb = this.sim.loadBalancer(l.lbArn);
    const conditions = checkConditions(input.Conditions);
    const priority = required(input.Priority, 'Priority');
    intRange(priority, 'Priority', 1, 50000);
    const actions = normalizeActions(this.sim, lb, input.Actions, 'Actions');
    tags(input.Tags);
    if (this.priorities(l).has(priority)) throw priorityInUse(priority);
    const count = lb.listeners.reduce((n, a) => n + (this.sim.state.listeners.get(a)?.rules.length ?? 0), 0);
    if (count >= MAX_RULES_PER_LOAD_BALANCER) throw new AwsFault('TooManyRules', 'You have reached the limit on the number of rules per load balancer');
    const listenerId = l.arn.split('/').pop() as string;
    const rule: RuleRec = {
      arn: this.sim.ctx.ids.arn('elasticloadbalancing', `listener-rule/app/${lb.name}/${lb.id}/${listenerId}/${this.sim.ctx.ids.hex(16)}`),
      listenerArn: l.arn,
      priority,
      conditions,
      actions,
      tags: tagMap(input.Tags),
    };
    this.sim.state.rules.set(rule.arn, rule);
    l.rules.push(rule.arn);
    this.sim.actionsChanged(rule.arn);
    return { Rules: [this.describe(rule)] };
  }

  private priorities(l: ListenerRec, except?: Set<string>): Map<number, string> {
    const out = new Map<number, string>();
    for (const a of l.rules) {
      const r = this.sim.state.rules.get(a);
      if (r && typeof r.priority === 'number' && !except?.has(a)) out.set(r.priority, a);
    }
    return out;
  }

  describe(r: RuleRec): Rule {
    const isDefault = r.priority === 'default';
    return {
      RuleArn: r.arn,
      Priority: String(r.priority),
      Conditions: r.conditions,
      Actions: isDefault ? (this.sim.state.listeners.get(r.listenerArn)?.defaultActions ?? []) : r.actions,
      IsDefault: isDefault,
    };
  }

  describeMany(input: DescribeRulesCommandInput): Out<DescribeRulesCommandOutput> {
    let list: RuleRec[];
    if (input.RuleArns?.length) list = input.RuleArns.map((a) => this.get(a));
    else if (input.ListenerArn !== undefined) {
      const l = this.sim.listeners.get(input.ListenerArn);
      const numbered = l.rules.map((a) => this.get(a)).sort((a, b) => (a.priority as number) - (b.priority as number));
      list = [...numbered, this.get(l.defaultRuleArn)];
    } else throw validationError('You must specify either listener rule ARNs or a listener ARN');
    const p = page(list, input.Marker, input.PageSize);
    return { Rules: p.items.map((r) => this.describe(r)), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  modify(input: ModifyRuleCommandInput): Out<ModifyRuleCommandOutput> {
    const r = this.get(required(input.RuleArn, 'RuleArn'));
    if (input.Conditions === undefined && input.Actions === undefined) throw validationError('Either conditions or actions must be specified');
    const l = this.sim.listeners.get(r.listenerArn);
    if (r.priority === 'default') {
      throw new AwsFault('OperationNotPermitted', 'The default rule cannot be modified; change the listener default actions with ModifyListener');
    }
    const conditions = input.Conditions === undefined ? undefined : checkConditions(input.Conditions);
    const actions = input.Actions === undefined ? undefined : normalizeActions(this.sim, this.sim.loadBalancer(l.lbArn), input.Actions, 'Actions');
    if (conditions) r.conditions = conditions;
    if (actions) {
      r.actions = actions;
      this.sim.actionsChanged(r.arn);
    }
    return { Rules: [this.describe(r)] };
  }

  delete(input: DeleteRuleCommandInput): void {
    const r = this.get(required(input.RuleArn, 'RuleArn'));
    if (r.priority === 'default') throw new AwsFault('OperationNotPermitted', 'The default rule cannot be deleted');
    const l = this.sim.listeners.get(r.listenerArn);
    l.rules = l.rules.filter((a) => a !== r.arn);
    this.sim.state.rules.delete(r.arn);
    this.sim.actionsChanged(r.arn);
  }

  setPriorities(input: SetRulePrioritiesCommandInput): Out<SetRulePrioritiesCommandOutput> {
    const changes = nonEmpty(input.RulePriorities, 'RulePriorities');
    const plan = changes.map((c) => {
      const r = this.get(required(c.RuleArn, 'RuleArn'));
      const p = required(c.Priority, 'Priority');
      intRange(p, 'Priority', 1, 50000);
      if (r.priority === 'default') throw new AwsFault('OperationNotPermitted', 'The priority of the default rule cannot be changed');
      return { r, p };
    });
    // Checked per listener with the moved rules taken out, so two rules can swap priorities.
    const moved = new Set(plan.map((x) => x.r.arn));
    const taken = new Map<string, Map<number, string>>();
    for (const { r, p } of plan) {
      let used = taken.get(r.listenerArn);
      if (!used) taken.set(r.listenerArn, (used = this.priorities(this.sim.listeners.get(r.listenerArn), moved)));
      if (used.has(p)) throw priorityInUse(p);
      used.set(p, r.arn);
    }
    for (const { r, p } of plan) r.priority = p;
    return { Rules: plan.map(({ r }) => this.describe(r)) };
  }
}
