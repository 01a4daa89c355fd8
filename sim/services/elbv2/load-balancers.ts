/** CreateLoadBalancer / DescribeLoadBalancers / DeleteLoadBalancer (Application Load Balancers only). */
import type {
  CreateLoadBalancerCommandInput,
  CreateLoadBalancerCommandOutput,
  DeleteLoadBalancerCommandInput,
  DescribeLoadBalancersCommandInput,
  DescribeLoadBalancersCommandOutput,
  LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import type { LoadBalancerRec, SubnetInfo } from './model.js';
import { oneOf, page, required, resourceName, tagMap, tags } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

/** Seconds from CreateLoadBalancer to `active`. */
const PROVISIONING_SECONDS = 60;
/** Route 53 hosted zone of ALBs in us-east-1 (the only one a name is needed for in the simulation). */
const HOSTED_ZONE = 'Z35SXDOTRQ7X7K';

interface SubnetLookup {
  DescribeSubnets?: (input: { SubnetIds: string[] }) => unknown;
}

export class LoadBalancers {
  constructor(private readonly sim: ElbSim) {}

  async create(input: CreateLoadBalancerCommandInput): Promise<Out<CreateLoadBalancerCommandOutput>> {
    const name = required(input.Name, 'Name');
    resourceName(name, 'Load balancer');
    if (name.startsWith('internal-')) throw validationError(`Load balancer name '${name}' cannot begin with 'internal-'`);
    oneOf(input.Type, 'Type', ['application', 'network', 'gateway']);
    if ((input.Type ?? 'application') !== 'application') throw new Error(`embedded cloud: only Application Load Balancers are simulated (Type '${input.Type}')`);
    oneOf(input.Scheme, 'Scheme', ['internet-facing', 'internal']);
    oneOf(input.IpAddressType, 'IpAddressType', ['ipv4', 'dualstack', 'dualstack-without-public-ipv4']);
    if (input.Subnets?.length && input.SubnetMappings?.length) throw validationError('You can specify subnets or subnet mappings, but not both');
    const ids = input.Subnets ?? (input.SubnetMappings ?? []).map((m) => required(m.SubnetId, 'SubnetId'));
    tags(input.Tags);
    const { subnets, vpcId } = await this.lookupSubnets(ids);
    const zones = new Set(subnets.map((s) => s.az));
    if (zones.size !== subnets.length) throw new AwsFault('InvalidConfigurationRequest', 'A load balancer cannot be attached to multiple subnets in the same Availability Zone');
    if (zones.size < 2) throw validationError('At least two subnets in two different Availability Zones must be specified');
    const scheme = input.Scheme ?? 'internet-facing';
    const securityGroups = [...(input.SecurityGroups ?? [])];

    const existing = [...this.sim.state.loadBalancers.values()].find((lb) => lb.name === name);
    if (existing) {
      const same =
        existing.scheme === scheme &&
        sameSet(existing.subnets.map((s) => s.subnetId), ids) &&
        (input.SecurityGroups === undefined || sameSet(existing.securityGroups, securityGroups));
      if (!same) throw new AwsFault('DuplicateLoadBalancerName', `A load balancer with the same name '${name}' exists, but with different settings`);
      return { LoadBalancers: [this.describe(existing)] };
    }
    if (this.sim.state.loadBalancers.size >= this.sim.loadBalancerLimit) {
      throw new AwsFault('TooManyLoadBalancers', 'The maximum number of load balancers has been reached');
    }
    const id = this.sim.ctx.ids.hex(16);
    const lb: LoadBalancerRec = {
      arn: this.sim.ctx.ids.arn('elasticloadbalancing', `loadbalancer/app/${name}/${id}`),
      name,
      id,
      dnsName: `${scheme === 'internal' ? 'internal-' : ''}${name}-${parseInt(id.slice(0, 8), 16)}.${this.sim.ctx.region}.elb.amazonaws.com`,
      scheme,
      type: 'application',
      ipAddressType: input.IpAddressType ?? 'ipv4',
      vpcId,
      subnets,
      securityGroups,
      createdTime: this.sim.ctx.clock.now(),
      state: 'provisioning',
      listeners: [],
      tags: tagMap(input.Tags),
    };
    this.sim.state.loadBalancers.set(lb.arn, lb);
    this.sim.ctx.clock.after(PROVISIONING_SECONDS * 1000, () => {
      lb.state = 'active';
    });
    return { LoadBalancers: [this.describe(lb)] };
  }

  /**
   * Subnets and their zones from the EC2 simulator when it knows them; otherwise every distinct
   * subnet id counts as its own zone (so the load balancer can be built before EC2 has subnets).
   */
  private async lookupSubnets(ids: string[]): Promise<{ subnets: SubnetInfo[]; vpcId?: string }> {
    const ec2 = this.sim.ctx.ec2 as unknown as SubnetLookup;
    const unique = [...new Set(ids)];
    if (typeof ec2.DescribeSubnets === 'function' && unique.length > 0) {
      let out: { Subnets?: { SubnetId?: string; AvailabilityZone?: string; VpcId?: string }[] };
      try {
        out = (await ec2.DescribeSubnets({ SubnetIds: unique })) as typeof out;
      } catch (err) {
        if (err instanceof AwsFault && err.code.startsWith('InvalidSubnetID')) throw new AwsFault('SubnetNotFound', err.message);
        throw err;
      }
      const found = out.Subnets ?? [];
      const missing = unique.find((s) => !found.some((f) => f.SubnetId === s));
      if (missing) throw new AwsFault('SubnetNotFound', `The subnet ID '${missing}' is not valid`);
      const vpcs = new Set(found.map((f) => f.VpcId));
      if (vpcs.size > 1) throw new AwsFault('InvalidSubnet', 'The subnets must all be in the same VPC');
      return { subnets: unique.map((s) => ({ subnetId: s, az: found.find((f) => f.SubnetId === s)?.AvailabilityZone ?? '' })), vpcId: found[0]?.VpcId };
    }
    const letters = 'abcdef';
    return { subnets: unique.map((s, i) => ({ subnetId: s, az: `${this.sim.ctx.region}${letters[i % letters.length]}` })) };
  }

  describe(lb: LoadBalancerRec): LoadBalancer {
    return {
      LoadBalancerArn: lb.arn,
      DNSName: lb.dnsName,
      CanonicalHostedZoneId: HOSTED_ZONE,
      CreatedTime: new Date(lb.createdTime),
      LoadBalancerName: lb.name,
      Scheme: lb.scheme as LoadBalancer['Scheme'],
      ...(lb.vpcId ? { VpcId: lb.vpcId } : {}),
      State: { Code: lb.state },
      Type: 'application',
      AvailabilityZones: lb.subnets.map((s) => ({ ZoneName: s.az, SubnetId: s.subnetId, LoadBalancerAddresses: [] })),
      SecurityGroups: [...lb.securityGroups],
      IpAddressType: lb.ipAddressType as LoadBalancer['IpAddressType'],
    };
  }

  describeMany(input: DescribeLoadBalancersCommandInput): Out<DescribeLoadBalancersCommandOutput> {
    if ((input.LoadBalancerArns?.length ?? 0) > 20 || (input.Names?.length ?? 0) > 20) {
      throw validationError("You cannot describe more than '20' load balancers at a time");
    }
    const all = [...this.sim.state.loadBalancers.values()];
    let list: LoadBalancerRec[];
    if (input.LoadBalancerArns?.length) list = input.LoadBalancerArns.map((a) => this.sim.loadBalancer(a));
    else if (input.Names?.length) {
      list = input.Names.map((n) => {
        const lb = all.find((l) => l.name === n);
        if (!lb) throw new AwsFault('LoadBalancerNotFound', `Load balancers '[${n}]' not found`);
        return lb;
      });
    } else list = all.sort((a, b) => a.name.localeCompare(b.name));
    const p = page(list, input.Marker, input.PageSize);
    return { LoadBalancers: p.items.map((lb) => this.describe(lb)), ...(p.next ? { NextMarker: p.next } : {}) };
  }

  delete(input: DeleteLoadBalancerCommandInput): void {
    const lb = this.sim.state.loadBalancers.get(required(input.LoadBalancerArn, 'LoadBalancerArn'));
    // Deleting a load balancer that does not exist (any more) succeeds.
    if (!lb) return;
    for (const la of [...lb.listeners]) this.sim.listeners.remove(la);
    this.sim.state.loadBalancers.delete(lb.arn);
  }
}

const sameSet = (a: string[], b: string[]): boolean => {
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
};
