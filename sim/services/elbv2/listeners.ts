/** CreateListener / DescribeListeners / ModifyListener / DeleteListener (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ModifyListener.html). */
import type {
  CreateListenerCommandInput,
  CreateListenerCommandOutput,
  DeleteListenerCommandInput,
  DescribeListenersCommandInput,
  DescribeListenersCommandOutput,
  Listener,
  ModifyListenerCommandInput,
  ModifyListenerCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import { normalizeActions } from './actions.js';
import type { ListenerRec, RuleRec } from './model.js';
import { intRange, page, required, tagMap, tags } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

const MAX_LISTENERS = 50;

export const listenerNotFound = (): AwsFault => new AwsFault('ListenerNotFound', 'One or more listeners not found');

export class Listeners {
  constructor(private readonly sim: ElbSim) {}

  get(arn: string | undefined): ListenerRec {
    const l = arn === undefined ? undefined : this.sim.state.listeners.get(arn);
    if (!l) throw listenerNotFound();
    return l;
  }

  create(input: CreateListenerCommandInput): Out<CreateListenerCommandOutput> {
    const lb = this.sim.loadBalancer(required(input.LoadBalancerArn, 'LoadBalancerArn'));
    const protocol = this.protocol(input.Protocol, input.Certificates);
    const port = required(input.Port, 'Port');
    intRange(port, 'Port', 1, 65535);
    const actions = normalizeActions(this.sim, lb, input.DefaultActions, 'DefaultActions');
    tags(input.Tags);
    const clash = lb.listeners.map((a) => this.sim.state.listeners.get(a)).find((l) => l?.port === port);
    if (clash) {
      // Same settings again: AWS returns the existing listener.
      if (clash.protocol === protocol && JSON.stringify(clash.defaultActions) === JSON.stringify(actions)) return { Listeners: [this.describe(clash)] };
      throw new AwsFault('DuplicateListener', 'A listener already exists on this port for this load balancer');
    }
    if (lb.listeners.length >= MAX_LISTENERS) throw new AwsFault('TooManyListeners', 'You have reached the limit on the number of listeners per load balancer');
    const listenerId = this.sim.ctx.ids.hex(16);
    const arn = this.sim.ctx.ids.arn('elasticloadbalancing', `listener/app/${lb.name}/${lb.id}/${listenerId}`);
    const defaultRule: RuleRec = {
      arn: this.sim.ctx.ids.arn('elasticloadbalancing', `listener-rule/app/${lb.name}/${lb.id}/${listenerId}/${this.sim.ctx.ids.hex(16)}`),
      listenerArn: arn,
      priority: 'default',
      conditions: [],
      actions: [],
      tags: new Map(),
    };
    const l: ListenerRec = {
      arn,
      lbArn: lb.arn,
      port,
      protocol,
      ...(input.SslPolicy || protocol === 'HTTPS' ? { sslPolicy: input.SslPolicy ?? 'ELBSecurityPolicy-2016-08' } : {}),
      ...(input.Certificates ? { certificates: input.Certificates.map((c) => ({ CertificateArn: c.CertificateArn })) } : {}),
      defaultActions: actions,
      defaultRuleArn: defaultRule.arn,
      rules: [],
      tags: tagMap(input.Tags),
    };
    this.sim.state.listeners.set(arn, l);
    this.sim.state.rules.set(defaultRule.arn, defaultRule);
    lb.listeners.push(arn);
    this.sim.actionsChanged(arn);
    return { Listeners: [this.describe(l)] };
  }

  private protocol(protocol: string | undefined, certificates: { CertificateArn?: string }[] | undefined): string {
    if (protocol === undefined) throw validationError('A listener protocol must be specified');
    if (protocol !== 'HTTP' && protocol !== 'HTTPS') throw new AwsFault('UnsupportedProtocol', `Protocol '${protocol}' is not supported by Application Load Balancers`);
    if (protocol === 'HTTPS' && !certificates?.length) throw validationError('A certificate must be specified for HTTPS listeners');
    if (certificates && certificates.length > 1) throw validationError('Only one default certificate can be specified');
    return protocol;
  }

  describe(l: ListenerRec): Listener {
    return {
      ListenerArn: l.arn,
      LoadBalancerArn: l.lbArn,
      Port: l.port,
      Protocol: l.protocol as Listener['Protocol'],
      ...(l.certificates ? { Certificates: l.certificates } : {}),
      ...(l.sslPolicy ? { SslPolicy: l.sslPolicy } : {}),
      DefaultActions: l.defaultActions,
    };
  }

  describeMany(input: DescribeListenersCommandInput): Out<DescribeListenersCommandOutput> {
    let list: ListenerRec[];
    if (input.ListenerArns?.length) list = input.ListenerArns.map((a) => this.get(a));
    else if (input.LoadBalancerArn !== undefined) {
      const lb = this.sim.loadBalancer(input.LoadBalancerArn);
      list = lb.listeners.map((a) => this.get(a));
    } else throw validationError('You must specify either listener ARNs or a load balancer ARN');
    const p = page(list, input.Marker, input.PageSize);
    return { Listeners: p.items.map((l) => this.describe(l)), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  modify(input: ModifyListenerCommandInput): Out<ModifyListenerCommandOutput> {
    const l = this.get(required(input.ListenerArn, 'ListenerArn'));
    const lb = this.sim.loadBalancer(l.lbArn);
    const protocol = input.Protocol === undefined ? l.protocol : this.protocol(input.Protocol, input.Certificates ?? l.certificates);
    intRange(input.Port, 'Port', 1, 65535);
    if (input.Port !== undefined && input.Port !== l.port && lb.listeners.some((a) => this.sim.state.listeners.get(a)?.port === input.Port)) {
      throw new AwsFault('DuplicateListener', 'A listener already exists on this port for this load balancer');
    }
    const actions = input.DefaultActions === undefined ? undefined : normalizeActions(this.sim, lb, input.DefaultActions, 'DefaultActions');
    l.protocol = protocol;
    if (input.Port !== undefined) l.port = input.Port;
    if (input.Certificates) l.certificates = input.Certificates.map((c) => ({ CertificateArn: c.CertificateArn }));
    if (input.SslPolicy) l.sslPolicy = input.SslPolicy;
    if (actions) {
      l.defaultActions = actions;
      this.sim.actionsChanged(l.arn);
    }
    return { Listeners: [this.describe(l)] };
  }

  delete(input: DeleteListenerCommandInput): void {
    const l = this.get(required(input.ListenerArn, 'ListenerArn'));
    this.remove(l.arn);
  }

  /** Drop a listener with its rules (DeleteListener, DeleteLoadBalancer). */
  remove(arn: string): void {
    const l = this.sim.state.listeners.get(arn);
    if (!l) return;
    for (const r of l.rules) this.sim.state.rules.delete(r);
    this.sim.state.rules.delete(l.defaultRuleArn);
    this.sim.state.listeners.delete(arn);
    const lb = this.sim.state.loadBalancers.get(l.lbArn);
    if (lb) lb.listeners = lb.listeners.filter((a) => a !== arn);
    this.sim.actionsChanged(arn);
  }
}
