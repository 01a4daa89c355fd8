/** CreateTargetGroup … ModifyTargetGroupAttributes (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html). */
import type {
  CreateTargetGroupCommandInput,
  CreateTargetGroupCommandOutput,
  DeleteTargetGroupCommandInput,
  DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupAttributesCommandOutput,
  DescribeTargetGroupsCommandInput,
  DescribeTargetGroupsCommandOutput,
  ModifyTargetGroupAttributesCommandInput,
  ModifyTargetGroupAttributesCommandOutput,
  ModifyTargetGroupCommandInput,
  ModifyTargetGroupCommandOutput,
  TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import { checkAttributes, defaultAttributes } from './attributes.js';
import type { HealthCheck, TargetGroupRec } from './model.js';
import { intRange, nonEmpty, oneOf, page, required, resourceName, tagMap, tags } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

export const PROTOCOLS = ['HTTP', 'HTTPS', 'TCP', 'TLS', 'UDP', 'TCP_UDP', 'GENEVE', 'QUIC', 'TCP_QUIC'] as const;
const HTTP_LIKE = new Set(['HTTP', 'HTTPS']);
const MAX_TARGET_GROUPS = 3000;

export const tgNotFound = (): AwsFault => new AwsFault('TargetGroupNotFound', 'One or more target groups not found');

export class TargetGroups {
  constructor(private readonly sim: ElbSim) {}

  get(arn: string | undefined): TargetGroupRec {
    const tg = arn === undefined ? undefined : this.sim.state.targetGroups.get(arn);
    if (!tg) throw tgNotFound();
    return tg;
  }

  create(input: CreateTargetGroupCommandInput): Out<CreateTargetGroupCommandOutput> {
    const name = required(input.Name, 'Name');
    resourceName(name, 'Target group');
    oneOf(input.TargetType, 'TargetType', ['instance', 'ip', 'lambda', 'alb']);
    const targetType = input.TargetType ?? 'instance';
    const lambda = targetType === 'lambda';
    if (lambda) {
      if (input.Protocol || input.Port !== undefined || input.VpcId) {
        throw validationError("A protocol, port and VPC ID cannot be specified for target groups with target type 'lambda'");
      }
    } else {
      if (!input.Protocol) throw validationError('A protocol must be specified');
      if (input.Port === undefined) throw validationError('A port must be specified');
      if (!input.VpcId) throw validationError('A VPC ID must be specified');
    }
    oneOf(input.Protocol, 'Protocol', PROTOCOLS);
    intRange(input.Port, 'Port', 1, 65535);
    oneOf(input.IpAddressType, 'IpAddressType', ['ipv4', 'ipv6']);
    if (input.ProtocolVersion !== undefined) {
      oneOf(input.ProtocolVersion, 'ProtocolVersion', ['HTTP1', 'HTTP2', 'GRPC']);
      if (!HTTP_LIKE.has(input.Protocol ?? '')) throw validationError('A protocol version can only be specified for HTTP and HTTPS target groups');
    }
    if (input.HealthCheckEnabled === false && !lambda) {
      throw validationError(`Health checks cannot be disabled for target groups with target type '${targetType}'`);
    }
    const grpc = input.ProtocolVersion === 'GRPC';
    const base: HealthCheck = {
      enabled: input.HealthCheckEnabled ?? !lambda,
      protocol: input.Protocol && !HTTP_LIKE.has(input.Protocol) ? 'TCP' : 'HTTP',
      port: 'traffic-port',
      path: grpc ? '/AWS.ALB/healthcheck' : '/',
      interval: lambda ? 35 : 30,
      timeout: lambda ? 30 : 5,
      healthy: 5,
      unhealthy: 2,
      matcher: grpc ? '12' : '200',
    };
    const hc = this.healthCheck(base, input, input.Protocol);
    tags(input.Tags);

    const existing = [...this.sim.state.targetGroups.values()].find((t) => t.name === name);
    if (existing) {
      const same =
        existing.targetType === targetType &&
        existing.protocol === input.Protocol &&
        existing.port === input.Port &&
        existing.vpcId === input.VpcId &&
        existing.protocolVersion === (input.Protocol && HTTP_LIKE.has(input.Protocol) ? (input.ProtocolVersion ?? 'HTTP1') : undefined) &&
        existing.ipAddressType === (input.IpAddressType ?? 'ipv4') &&
        JSON.stringify(existing.hc) === JSON.stringify(hc);
      if (!same) throw new AwsFault('DuplicateTargetGroupName', `A target group with the same name '${name}' exists, but with different settings`);
      return { TargetGroups: [this.describe(existing)] };
    }
    if (this.sim.state.targetGroups.size >= MAX_TARGET_GROUPS) {
      throw new AwsFault('TooManyTargetGroups', 'You have reached the limit on the number of target groups for your AWS account');
    }
    const arn = this.sim.ctx.ids.arn('elasticloadbalancing', `targetgroup/${name}/${this.sim.ctx.ids.hex(16)}`);
    const tg: TargetGroupRec = {
      arn,
      name,
      targetType,
      protocol: input.Protocol,
      protocolVersion: input.Protocol && HTTP_LIKE.has(input.Protocol) ? (input.ProtocolVersion ?? 'HTTP1') : undefined,
      port: input.Port,
      vpcId: input.VpcId,
      ipAddressType: input.IpAddressType ?? 'ipv4',
      hc,
      attributes: defaultAttributes(targetType),
      targets: new Map(),
      tags: tagMap(input.Tags),
      inUse: false,
    };
    this.sim.state.targetGroups.set(arn, tg);
    return { TargetGroups: [this.describe(tg)] };
  }

  /** Health check settings of a create/modify call applied over `base`, validated. */
  private healthCheck(base: HealthCheck, input: Omit<ModifyTargetGroupCommandInput, 'TargetGroupArn'>, protocol: string | undefined): HealthCheck {
    oneOf(input.HealthCheckProtocol, 'HealthCheckProtocol', PROTOCOLS);
    if (input.HealthCheckProtocol && HTTP_LIKE.has(protocol ?? '') && !HTTP_LIKE.has(input.HealthCheckProtocol)) {
      throw validationError(`Health check protocol '${input.HealthCheckProtocol}' is not supported for target groups with the '${protocol}' protocol`);
    }
    const port = input.HealthCheckPort;
    if (port !== undefined && port !== 'traffic-port' && !(/^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
      throw validationError(`Health check port '${port}' must be 'traffic-port' or a number between 1 and 65535`);
    }
    const path = input.HealthCheckPath;
    if (path !== undefined && (path.length < 1 || path.length > 1024 || !path.startsWith('/'))) {
      throw validationError(`Health check path '${path}' must start with '/' and be 1 to 1024 characters long`);
    }
    intRange(input.HealthCheckIntervalSeconds, 'HealthCheckIntervalSeconds', 5, 300);
    intRange(input.HealthCheckTimeoutSeconds, 'HealthCheckTimeoutSeconds', 2, 120);
    intRange(input.HealthyThresholdCount, 'HealthyThresholdCount', 2, 10);
    intRange(input.UnhealthyThresholdCount, 'UnhealthyThresholdCount', 2, 10);
    const matcher = input.Matcher?.HttpCode;
    if (matcher !== undefined) checkMatcher(matcher);
    const hc: HealthCheck = {
      enabled: input.HealthCheckEnabled ?? base.enabled,
      protocol: input.HealthCheckProtocol ?? base.protocol,
      port: port ?? base.port,
      path: path ?? base.path,
      interval: input.HealthCheckIntervalSeconds ?? base.interval,
      timeout: input.HealthCheckTimeoutSeconds ?? base.timeout,
      healthy: input.HealthyThresholdCount ?? base.healthy,
      unhealthy: input.UnhealthyThresholdCount ?? base.unhealthy,
      matcher: matcher ?? base.matcher,
    };
    if (HTTP_LIKE.has(hc.protocol) && hc.timeout >= hc.interval) {
      throw validationError(`Health check timeout '${hc.timeout}' must be smaller than the interval '${hc.interval}'`);
    }
    return hc;
  }

  describe(tg: TargetGroupRec): TargetGroup {
    const out: TargetGroup = {
      TargetGroupArn: tg.arn,
      TargetGroupName: tg.name,
      Protocol: tg.protocol as TargetGroup['Protocol'],
      Port: tg.port,
      VpcId: tg.vpcId,
      HealthCheckProtocol: tg.hc.protocol as TargetGroup['Protocol'],
      HealthCheckPort: tg.hc.port,
      HealthCheckEnabled: tg.hc.enabled,
      HealthCheckIntervalSeconds: tg.hc.interval,
      HealthCheckTimeoutSeconds: tg.hc.timeout,
      HealthyThresholdCount: tg.hc.healthy,
      UnhealthyThresholdCount: tg.hc.unhealthy,
      HealthCheckPath: HTTP_LIKE.has(tg.hc.protocol) ? tg.hc.path : undefined,
      Matcher: HTTP_LIKE.has(tg.hc.protocol) ? (tg.protocolVersion === 'GRPC' ? { GrpcCode: tg.hc.matcher } : { HttpCode: tg.hc.matcher }) : undefined,
      LoadBalancerArns: this.sim.loadBalancersOf(tg.arn),
      TargetType: tg.targetType as TargetGroup['TargetType'],
      ProtocolVersion: tg.protocolVersion,
      IpAddressType: tg.ipAddressType as TargetGroup['IpAddressType'],
    };
    for (const k of Object.keys(out) as (keyof TargetGroup)[]) if (out[k] === undefined) delete out[k];
    return out;
  }

  describeMany(input: DescribeTargetGroupsCommandInput): Out<DescribeTargetGroupsCommandOutput> {
    if ((input.TargetGroupArns?.length ?? 0) > 20 || (input.Names?.length ?? 0) > 20) {
      throw validationError("You cannot describe more than '20' target groups at a time");
    }
    let list: TargetGroupRec[];
    if (input.TargetGroupArns?.length) list = input.TargetGroupArns.map((a) => this.get(a));
    else if (input.Names?.length) {
      list = input.Names.map((n) => {
        const tg = [...this.sim.state.targetGroups.values()].find((t) => t.name === n);
        if (!tg) throw tgNotFound();
        return tg;
      });
    } else list = [...this.sim.state.targetGroups.values()].sort((a, b) => a.name.localeCompare(b.name));
    if (input.LoadBalancerArn !== undefined) {
      const lb = this.sim.loadBalancer(input.LoadBalancerArn);
      list = list.filter((tg) => this.sim.loadBalancersOf(tg.arn).includes(lb.arn));
    }
    const p = page(list, input.Marker, input.PageSize);
    return { TargetGroups: p.items.map((tg) => this.describe(tg)), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  modify(input: ModifyTargetGroupCommandInput): Out<ModifyTargetGroupCommandOutput> {
    const tg = this.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    if (input.HealthCheckEnabled === false && tg.targetType !== 'lambda') {
      throw validationError(`Health checks cannot be disabled for target groups with target type '${tg.targetType}'`);
    }
    const hc = this.healthCheck(tg.hc, input, tg.protocol);
    const intervalChanged = hc.interval !== tg.hc.interval;
    tg.hc = hc;
    if (intervalChanged) this.sim.health.rephase(tg);
    return { TargetGroups: [this.describe(tg)] };
  }

  delete(input: DeleteTargetGroupCommandInput): void {
    const arn = required(input.TargetGroupArn, 'TargetGroupArn');
    const tg = this.sim.state.targetGroups.get(arn);
    // AWS models only ResourceInUse for this call: deleting a missing group succeeds (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DeleteTargetGroup.html).
    if (!tg) return;
    if (this.sim.loadBalancersOf(arn).length > 0 || tg.inUse) {
      throw new AwsFault('ResourceInUse', `Target group '${arn}' is currently in use by a listener or a rule`);
    }
    this.sim.health.dropGroup(tg);
    this.sim.state.targetGroups.delete(arn);
  }

  describeAttributes(input: DescribeTargetGroupAttributesCommandInput): Out<DescribeTargetGroupAttributesCommandOutput> {
    const tg = this.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    return { Attributes: [...tg.attributes].map(([Key, Value]) => ({ Key, Value })) };
  }

  modifyAttributes(input: ModifyTargetGroupAttributesCommandInput): Out<ModifyTargetGroupAttributesCommandOutput> {
    const tg = this.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    const attrs = nonEmpty(input.Attributes, 'Attributes');
    const next = checkAttributes(tg, attrs);
    tg.attributes = next;
    return { Attributes: [...tg.attributes].map(([Key, Value]) => ({ Key, Value })) };
  }
}

/** ALB matcher: `200`, `200,202`, `200-299`, codes 200–499. */
function checkMatcher(code: string): void {
  if (!/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(code)) {
    throw new AwsFault('InvalidParameterValue', 'HttpCode must be like 200 | 200-399 | 200,201 ...');
  }
  for (const n of code.split(/[,-]/).map(Number)) {
    if (n < 200 || n > 499) throw validationError(`Health check matcher HTTP code '${n}' must be within '200-499' inclusive`);
  }
}
