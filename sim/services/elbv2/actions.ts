/** Listener and rule actions: validation and the shape AWS echoes back (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_Action.html). */
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import type { LoadBalancerRec } from './model.js';
import { intRange, nonEmpty, oneOf, required } from './validate.js';

const ACTION_TYPES = ['forward', 'redirect', 'fixed-response', 'authenticate-oidc', 'authenticate-cognito', 'jwt-validation'];
const TERMINAL = new Set(['forward', 'redirect', 'fixed-response']);
const MAX_TARGET_GROUPS_PER_ACTION = 5;

/** Validate actions for a listener/rule of `lb` and return them as AWS stores and echoes them. */
export function normalizeActions(sim: ElbSim, lb: LoadBalancerRec, input: Action[] | undefined, field: string): Action[] {
  const actions = nonEmpty(input, field);
  for (const a of actions) {
    oneOf(required(a.Type, 'Type'), 'Type', ACTION_TYPES);
    intRange(a.Order, 'Order', 1, 50000);
  }
  if (actions.length > 1) {
    if (actions.some((a) => a.Order === undefined)) throw validationError('An action order must be specified for each action when more than one action is specified');
    if (new Set(actions.map((a) => a.Order)).size !== actions.length) throw validationError('Each action must have a unique order');
  }
  const sorted = [...actions].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
  const terminal = sorted.filter((a) => TERMINAL.has(a.Type as string));
  if (terminal.length !== 1 || !TERMINAL.has(sorted[sorted.length - 1]?.Type as string)) {
    throw new AwsFault('InvalidLoadBalancerAction', 'Exactly one forward, redirect or fixed-response action must be specified, and it must be the last action');
  }
  return actions.map((a) => normalizeOne(sim, lb, a));
}

function normalizeOne(sim: ElbSim, lb: LoadBalancerRec, a: Action): Action {
  const order = a.Order === undefined ? {} : { Order: a.Order };
  switch (a.Type) {
    case 'forward':
      return { Type: 'forward', ...order, ...forward(sim, lb, a) };
    case 'redirect': {
      const c = required(a.RedirectConfig, 'RedirectConfig');
      oneOf(required(c.StatusCode, 'StatusCode'), 'StatusCode', ['HTTP_301', 'HTTP_302']);
      return { Type: 'redirect', ...order, RedirectConfig: { Protocol: '#{protocol}', Port: '#{port}', Host: '#{host}', Path: '/#{path}', Query: '#{query}', ...c } };
    }
    case 'fixed-response': {
      const c = required(a.FixedResponseConfig, 'FixedResponseConfig');
      if (!/^(2|4|5)\d\d$/.test(required(c.StatusCode, 'StatusCode'))) throw validationError(`Fixed response status code '${c.StatusCode}' must be 2XX, 4XX or 5XX`);
      oneOf(c.ContentType, 'ContentType', ['text/plain', 'text/css', 'text/html', 'application/javascript', 'application/json']);
      if ((c.MessageBody?.length ?? 0) > 1024) throw validationError('The fixed response message body cannot be longer than 1024 characters');
      return { Type: 'fixed-response', ...order, FixedResponseConfig: { ...c } };
    }
    case 'authenticate-oidc':
      return { Type: a.Type, ...order, AuthenticateOidcConfig: required(a.AuthenticateOidcConfig, 'AuthenticateOidcConfig') };
    case 'authenticate-cognito':
      return { Type: a.Type, ...order, AuthenticateCognitoConfig: required(a.AuthenticateCognitoConfig, 'AuthenticateCognitoConfig') };
    default:
      return { Type: a.Type, ...order, JwtValidationConfig: required(a.JwtValidationConfig, 'JwtValidationConfig') };
  }
}

function forward(sim: ElbSim, lb: LoadBalancerRec, a: Action): Pick<Action, 'TargetGroupArn' | 'ForwardConfig'> {
  const tuples = a.ForwardConfig?.TargetGroups ?? [];
  if (!a.TargetGroupArn && tuples.length === 0) throw validationError('A target group ARN must be specified for a forward action');
  if (tuples.length > MAX_TARGET_GROUPS_PER_ACTION) {
    throw validationError(`You cannot specify more than ${MAX_TARGET_GROUPS_PER_ACTION} target groups in a forward action`);
  }
  if (a.TargetGroupArn && tuples.length > 0 && (tuples.length !== 1 || tuples[0]?.TargetGroupArn !== a.TargetGroupArn)) {
    throw validationError('When both TargetGroupArn and ForwardConfig are specified, ForwardConfig can contain only that target group');
  }
  const seen = new Set<string>();
  const groups = (tuples.length ? tuples : [{ TargetGroupArn: a.TargetGroupArn }]).map((t) => {
    const arn = required(t.TargetGroupArn, 'TargetGroupArn');
    if (seen.has(arn)) throw validationError(`Target group '${arn}' cannot be specified more than once in a forward action`);
    seen.add(arn);
    if (t.Weight !== undefined && (!Number.isInteger(t.Weight) || t.Weight < 0 || t.Weight > 999)) {
      throw validationError('The weight for each target group must be between 0 and 999, inclusive');
    }
    if (t.Weight === undefined && tuples.length > 1) throw validationError('A weight must be specified for each target group when more than one target group is specified');
    checkTargetGroup(sim, lb, arn);
    return { TargetGroupArn: arn, Weight: t.Weight ?? 1 };
  });
  const sticky = a.ForwardConfig?.TargetGroupStickinessConfig;
  if (sticky?.Enabled) {
    if (sticky.DurationSeconds === undefined) throw validationError('A duration must be specified when target group stickiness is enabled');
    intRange(sticky.DurationSeconds, 'DurationSeconds', 1, 604800);
  }
  const stickiness = sticky?.Enabled ? { Enabled: true, DurationSeconds: sticky.DurationSeconds } : { Enabled: false };
  return {
    ...(groups.length === 1 ? { TargetGroupArn: groups[0]?.TargetGroupArn } : {}),
    ForwardConfig: { TargetGroups: groups, TargetGroupStickinessConfig: stickiness },
  };
}

function checkTargetGroup(sim: ElbSim, lb: LoadBalancerRec, arn: string): void {
  const tg = sim.state.targetGroups.get(arn);
  if (!tg) throw new AwsFault('TargetGroupNotFound', `Target group '${arn}' not found`);
  if (tg.targetType !== 'lambda' && tg.protocol !== 'HTTP' && tg.protocol !== 'HTTPS') {
    throw new AwsFault('IncompatibleProtocols', `The protocol of target group '${arn}' ('${tg.protocol}') is not compatible with an Application Load Balancer`);
  }
  if (lb.vpcId && tg.vpcId && lb.vpcId !== tg.vpcId) {
    throw new AwsFault('InvalidConfigurationRequest', `The VPC ID '${tg.vpcId}' of target group '${arn}' does not match the VPC ID '${lb.vpcId}' of load balancer '${lb.arn}'`);
  }
  if (sim.loadBalancersOf(arn).some((other) => other !== lb.arn)) {
    throw new AwsFault('TargetGroupAssociationLimit', 'TargetGroup cannot be associated with more than one load balancer');
  }
}

const CONDITION_FIELDS = ['http-header', 'http-request-method', 'host-header', 'path-pattern', 'query-string', 'source-ip'];

/** Rule conditions: known fields, ≤ 5 values in total per rule. */
export function checkConditions(conditions: RuleCondition[] | undefined): RuleCondition[] {
  const list = nonEmpty(conditions, 'Conditions');
  let values = 0;
  for (const c of list) {
    oneOf(required(c.Field, 'Field'), 'Field', CONDITION_FIELDS);
    const n =
      (c.Values?.length ?? 0) +
      (c.HostHeaderConfig?.Values?.length ?? 0) +
      (c.PathPatternConfig?.Values?.length ?? 0) +
      (c.HttpHeaderConfig?.Values?.length ?? 0) +
      (c.QueryStringConfig?.Values?.length ?? 0) +
      (c.HttpRequestMethodConfig?.Values?.length ?? 0) +
      (c.SourceIpConfig?.Values?.length ?? 0);
    if (n === 0) throw validationError(`A condition value must be specified for field '${c.Field}'`);
    values += n;
  }
  if (values > 5) throw validationError('A rule can only have 5 condition values');
  return list;
}
