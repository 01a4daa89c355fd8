/** Target group attributes: defaults and value checks (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupAttribute.html). All values are strings. */
import type { TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { TargetGroupRec } from './model.js';

const INSTANCE_DEFAULTS: [string, string][] = [
  ['deregistration_delay.timeout_seconds', '300'],
  ['stickiness.enabled', 'false'],
  ['stickiness.type', 'lb_cookie'],
  ['stickiness.lb_cookie.duration_seconds', '86400'],
  ['stickiness.app_cookie.cookie_name', ''],
  ['stickiness.app_cookie.duration_seconds', '86400'],
  ['load_balancing.algorithm.type', 'round_robin'],
  ['load_balancing.algorithm.anomaly_mitigation', 'off'],
  ['load_balancing.cross_zone.enabled', 'use_load_balancer_configuration'],
  ['slow_start.duration_seconds', '0'],
  ['target_group_health.dns_failover.minimum_healthy_targets.count', '1'],
  ['target_group_health.dns_failover.minimum_healthy_targets.percentage', 'off'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.count', '1'],
  ['target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage', 'off'],
];

export function defaultAttributes(targetType: string): Map<string, string> {
  if (targetType === 'lambda') return new Map([['lambda.multi_value_headers.enabled', 'false']]);
  return new Map(INSTANCE_DEFAULTS);
}

const between = (key: string, v: string, min: number, max: number): void => {
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw validationError(`'${key}' value '${v}' must be between '${min}-${max}' inclusive`);
  }
};
const bool = (key: string, v: string): void => {
  if (v !== 'true' && v !== 'false') throw validationError(`'${key}' value '${v}' must be one of 'true, false'`);
};
const choice = (key: string, v: string, allowed: string[]): void => {
  if (!allowed.includes(v)) throw validationError(`'${key}' value '${v}' must be one of '${allowed.join(', ')}'`);
};
const offOr = (key: string, v: string, min: number, max: number): void => {
  if (v !== 'off') between(key, v, min, max);
};

const CHECKS: Record<string, (key: string, v: string) => void> = {
  'deregistration_delay.timeout_seconds': (k, v) => between(k, v, 0, 3600),
  'stickiness.enabled': bool,
  'stickiness.type': (k, v) => choice(k, v, ['lb_cookie', 'app_cookie']),
  'stickiness.lb_cookie.duration_seconds': (k, v) => between(k, v, 1, 604800),
  'stickiness.app_cookie.cookie_name': (k, v) => {
    if (/^(AWSALB|AWSALBAPP|AWSALBTG)/i.test(v)) throw validationError(`'${k}' value '${v}' cannot start with 'AWSALB', 'AWSALBAPP' or 'AWSALBTG'`);
  },
  'stickiness.app_cookie.duration_seconds': (k, v) => between(k, v, 1, 604800),
  'load_balancing.algorithm.type': (k, v) => choice(k, v, ['round_robin', 'least_outstanding_requests', 'weighted_random']),
  'load_balancing.algorithm.anomaly_mitigation': (k, v) => choice(k, v, ['on', 'off']),
  'load_balancing.cross_zone.enabled': (k, v) => choice(k, v, ['true', 'false', 'use_load_balancer_configuration']),
  'slow_start.duration_seconds': (k, v) => {
    if (v !== '0') between(k, v, 30, 900);
  },
  'target_group_health.dns_failover.minimum_healthy_targets.count': (k, v) => offOr(k, v, 1, 1000),
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': (k, v) => offOr(k, v, 1, 100),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': (k, v) => between(k, v, 1, 1000),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': (k, v) => offOr(k, v, 1, 100),
  'lambda.multi_value_headers.enabled': bool,
};

/** The attribute map after applying `changes`, validated as a whole; the group is not touched. */
export function checkAttributes(tg: TargetGroupRec, changes: TargetGroupAttribute[]): Map<string, string> {
  const next = new Map(tg.attributes);
  for (const a of changes) {
    const key = a.Key ?? '';
    const value = a.Value ?? '';
    const check = CHECKS[key];
    if (!check || !tg.attributes.has(key)) throw validationError(`Target group attribute key '${key}' is not recognized`);
    check(key, value);
    next.set(key, value);
  }
  if (next.get('load_balancing.algorithm.anomaly_mitigation') === 'on' && next.get('load_balancing.algorithm.type') !== 'weighted_random') {
    throw new AwsFault('InvalidConfigurationRequest', "Anomaly mitigation is only supported with the 'weighted_random' load balancing algorithm");
  }
  if (next.get('stickiness.type') === 'app_cookie' && next.get('stickiness.enabled') === 'true' && !next.get('stickiness.app_cookie.cookie_name')) {
    throw new AwsFault('InvalidConfigurationRequest', "An application cookie name must be specified when stickiness type is 'app_cookie'");
  }
  if (next.get('stickiness.enabled') === 'true' && tg.protocol && !['HTTP', 'HTTPS', 'TCP', 'UDP', 'TCP_UDP', 'TLS'].includes(tg.protocol)) {
    throw new AwsFault('InvalidConfigurationRequest', `Stickiness is not supported for target groups with the '${tg.protocol}' protocol`);
  }
  return next;
}
