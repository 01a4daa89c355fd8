/** ELBv2 simulator state: plain records, shared by the parts of `ElbSim`. */
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Cancel } from '../../clock.js';

export type TargetState = 'initial' | 'healthy' | 'unhealthy' | 'unused' | 'draining' | 'unavailable';

export interface TargetRec {
  id: string;
  port: number;
  /** Health checks are aligned to this instant (registration time). */
  registeredAt: number;
  state: TargetState;
  reason?: string;
  description?: string;
  passes: number;
  fails: number;
  /** Next health check, when the target is being checked. */
  nextCheck?: number;
  drainTimer?: Cancel;
}

export interface HealthCheck {
  enabled: boolean;
  protocol: string;
  port: string;
  path: string;
  interval: number;
  timeout: number;
  healthy: number;
  unhealthy: number;
  matcher: string;
}

export interface TargetGroupRec {
  arn: string;
  name: string;
  targetType: string;
  protocol?: string;
  protocolVersion?: string;
  port?: number;
  vpcId?: string;
  ipAddressType: string;
  hc: HealthCheck;
  attributes: Map<string, string>;
  /** Keyed by `id:port` (the same instance may be registered on several ports). */
  targets: Map<string, TargetRec>;
  tags: Map<string, string>;
  /** Referenced by a listener or rule action (else targets are `unused`, not checked). */
  inUse: boolean;
  timer?: Cancel;
  timerAt?: number;
  deleted?: boolean;
}

export interface SubnetInfo {
  subnetId: string;
  az: string;
}

export interface LoadBalancerRec {
  arn: string;
  name: string;
  id: string;
  dnsName: string;
  scheme: string;
  type: string;
  ipAddressType: string;
  vpcId?: string;
  subnets: SubnetInfo[];
  securityGroups: string[];
  createdTime: number;
  state: 'provisioning' | 'active';
  listeners: string[];
  tags: Map<string, string>;
}

export interface ListenerRec {
  arn: string;
  lbArn: string;
  port: number;
  protocol: string;
  sslPolicy?: string;
  certificates?: { CertificateArn?: string; IsDefault?: boolean }[];
  defaultActions: Action[];
  defaultRuleArn: string;
  rules: string[];
  tags: Map<string, string>;
}

export interface RuleRec {
  arn: string;
  listenerArn: string;
  /** A number 1–50000, or `default` for the listener's default rule (whose actions are the listener's). */
  priority: number | 'default';
  conditions: RuleCondition[];
  actions: Action[];
  tags: Map<string, string>;
}

export class ElbState {
  readonly loadBalancers = new Map<string, LoadBalancerRec>();
  readonly targetGroups = new Map<string, TargetGroupRec>();
  readonly listeners = new Map<string, ListenerRec>();
  readonly rules = new Map<string, RuleRec>();

  /** Actions of a listener (default actions) or a rule. */
  actionsOf(arn: string): Action[] | undefined {
    const l = this.listeners.get(arn);
    if (l) return l.defaultActions;
    const r = this.rules.get(arn);
    if (!r) return undefined;
    return r.priority === 'default' ? this.listeners.get(r.listenerArn)?.defaultActions : r.actions;
  }

  /** Every action list of a load balancer (listener defaults and rules). */
  *actionListsOf(lb: LoadBalancerRec): Generator<Action[]> {
    for (const la of lb.listeners) {
      const l = this.listeners.get(la);
      if (!l) continue;
      yield l.defaultActions;
      for (const ra of l.rules) {
        const r = this.rules.get(ra);
        if (r) yield r.actions;
      }
    }
  }
}

/** The weighted target groups of the forward action in an action list. */
export function forwardTuples(actions: Action[] | undefined): { targetGroupArn: string; weight: number }[] {
  const fwd = actions?.find((a) => a.Type === 'forward');
  if (!fwd) return [];
  const groups = fwd.ForwardConfig?.TargetGroups;
  if (groups && groups.length > 0) return groups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }));
  return fwd.TargetGroupArn ? [{ targetGroupArn: fwd.TargetGroupArn, weight: 1 }] : [];
}

/** CloudWatch dimension value of an ARN: the part after `loadbalancer/` or the `targetgroup/…` resource. */
export const dimensionOf = (arn: string): string => {
  const resource = arn.split(':').slice(5).join(':');
  return resource.startsWith('loadbalancer/') ? resource.slice('loadbalancer/'.length) : resource;
};
