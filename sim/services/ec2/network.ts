/** Just enough VPC networking for the demo world: VPCs, subnets, security groups. */
import type {
  CreateSecurityGroupCommandInput,
  CreateSecurityGroupCommandOutput,
  CreateSubnetCommandInput,
  CreateSubnetCommandOutput,
  CreateVpcCommandInput,
  CreateVpcCommandOutput,
  DescribeSecurityGroupsCommandInput,
  DescribeSecurityGroupsCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { SimContext } from '../../context.js';
import { applyFilters, applyTags, checkId, dryRun, fault, invalidParam, need, paginate, tagFilter, tagList, tagsFor } from './common.js';
import type { Ec2Store, SecurityGroupRec, SubnetRec, VpcRec } from './store.js';

type Out<T> = Omit<T, '$metadata'>;

/** `a.b.c.d/n` → [first address, size]; undefined if not a valid IPv4 CIDR. */
function parseCidr(cidr: string): [number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const bits = Number(m[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const size = 2 ** (32 - bits);
  const addr = octets.reduce((n, o) => n * 256 + o, 0);
  if (addr % size !== 0) return undefined;
  return [addr, size];
}

export class Network {
  constructor(
    private readonly ctx: SimContext,
    private readonly store: Ec2Store,
  ) {}

  private get zones(): string[] {
    return ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => `${this.ctx.region}${z}`);
  }

  CreateVpc(input: CreateVpcCommandInput): Out<CreateVpcCommandOutput> {
    const cidr = need(input.CidrBlock, 'CidrBlock');
    const range = parseCidr(cidr);
    if (!range || range[1] > 65536 || range[1] < 16) throw fault('InvalidVpc.Range', `The CIDR '${cidr}' is invalid.`);
    const tags = tagsFor(input.TagSpecifications, ['vpc'], 'vpc');
    dryRun(input);
    const vpc: VpcRec = { seq: this.store.seq(), id: this.ctx.ids.ec2('vpc'), cidr, tags: new Map() };
    applyTags(vpc.tags, tags, vpc.id);
    this.store.vpcs.set(vpc.id, vpc);
    // Every VPC comes with its "default" security group.
    const sg: SecurityGroupRec = { seq: this.store.seq(), id: this.ctx.ids.ec2('sg'), name: 'default', description: 'default VPC security group', vpcId: vpc.id, tags: new Map() };
    this.store.securityGroups.set(sg.id, sg);
    return { Vpc: this.vpcView(vpc) };
  }

  CreateSubnet(input: CreateSubnetCommandInput): Out<CreateSubnetCommandOutput> {
    const vpc = this.vpc(need(input.VpcId, 'VpcId'));
    const cidr = need(input.CidrBlock, 'CidrBlock');
    const range = parseCidr(cidr);
    const vpcRange = parseCidr(vpc.cidr) as [number, number];
    if (!range || range[1] > 65536 || range[1] < 16 || range[0] < vpcRange[0] || range[0] + range[1] > vpcRange[0] + vpcRange[1]) {
      throw fault('InvalidSubnet.Range', `The CIDR '${cidr}' is invalid.`);
    }
    for (const s of this.store.subnets.values()) {
      const [a, n] = parseCidr(s.cidr) as [number, number];
      if (s.vpcId === vpc.id && range[0] < a + n && a < range[0] + range[1]) throw fault('InvalidSubnet.Conflict', `The CIDR '${cidr}' conflicts with another subnet`);
    }
    const az = input.AvailabilityZone ?? this.ctx.rng.pick(this.zones.slice(0, 3));
    if (!this.zones.includes(az)) {
      throw invalidParam(`Value (${az}) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: ${this.zones.join(', ')}.`);
    }
    const tags = tagsFor(input.TagSpecifications, ['subnet'], 'subnet');
    dryRun(input);
    const subnet: SubnetRec = { seq: this.store.seq(), id: this.ctx.ids.ec2('subnet'), vpcId: vpc.id, cidr, az, tags: new Map() };
    applyTags(subnet.tags, tags, subnet.id);
    this.store.subnets.set(subnet.id, subnet);
    return { Subnet: this.subnetView(subnet) };
  }

  DescribeSubnets(input: DescribeSubnetsCommandInput): Out<DescribeSubnetsCommandOutput> {
    let items = [...this.store.subnets.values()];
    if (input.SubnetIds?.length) {
      const wanted = input.SubnetIds.map((id) => this.subnet(id));
      items = items.filter((s) => wanted.includes(s));
    }
    items = applyFilters(items, input.Filters, (s, name) => {
      const direct: Record<string, string> = {
        'vpc-id': s.vpcId,
        'subnet-id': s.id,
        'availability-zone': s.az,
        'cidr-block': s.cidr,
        cidr: s.cidr,
        cidrBlock: s.cidr,
        state: 'available',
        'default-for-az': 'false',
        'owner-id': this.ctx.accountId,
      };
      return name in direct ? [direct[name]] : tagFilter(s.tags, name);
    });
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Subnets: page.map((s) => this.subnetView(s)), NextToken: nextToken };
  }

  CreateSecurityGroup(input: CreateSecurityGroupCommandInput): Out<CreateSecurityGroupCommandOutput> {
    const name = need(input.GroupName, 'GroupName');
    const description = need(input.Description, 'GroupDescription');
    if (name.length > 255 || name.toLowerCase().startsWith('sg-')) throw invalidParam(`Invalid security group name '${name}': at most 255 characters, and it may not start with sg-.`);
    if (description.length > 255) throw invalidParam('Security group description must be at most 255 characters.');
    if (input.VpcId === undefined) throw fault('VPCIdNotSpecified', 'No default VPC for this user');
    const vpc = this.vpc(input.VpcId);
    const tags = tagsFor(input.TagSpecifications, ['security-group'], 'security-group');
    for (const g of this.store.securityGroups.values()) {
      if (g.vpcId === vpc.id && g.name === name) throw fault('InvalidGroup.Duplicate', `The security group '${name}' already exists for VPC '${vpc.id}'`);
    }
    dryRun(input);
    const sg: SecurityGroupRec = { seq: this.store.seq(), id: this.ctx.ids.ec2('sg'), name, description, vpcId: vpc.id, tags: new Map() };
    applyTags(sg.tags, tags, sg.id);
    this.store.securityGroups.set(sg.id, sg);
    return { GroupId: sg.id, Tags: tagList(sg.tags), SecurityGroupArn: this.ctx.ids.arn('ec2', `security-group/${sg.id}`) };
  }

  DescribeSecurityGroups(input: DescribeSecurityGroupsCommandInput): Out<DescribeSecurityGroupsCommandOutput> {
    let items = [...this.store.securityGroups.values()];
    if (input.GroupIds?.length) {
      const wanted = input.GroupIds.map((id) => this.securityGroup(id));
      items = items.filter((g) => wanted.includes(g));
    }
    if (input.GroupNames?.length) {
      for (const n of input.GroupNames) if (!items.some((g) => g.name === n)) throw fault('InvalidGroup.NotFound', `The security group '${n}' does not exist`);
      items = items.filter((g) => input.GroupNames?.includes(g.name));
    }
    items = applyFilters(items, input.Filters, (g, name) => {
      const direct: Record<string, string | undefined> = { 'group-name': g.name, 'group-id': g.id, 'vpc-id': g.vpcId, description: g.description, 'owner-id': this.ctx.accountId };
      return name in direct ? [direct[name]] : tagFilter(g.tags, name);
    });
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { SecurityGroups: page.map((g) => this.sgView(g)), NextToken: nextToken };
  }

  vpc(id: string): VpcRec {
    const vpc = this.store.vpcs.get(checkId(id, 'vpc', 'InvalidVpcID'));
    if (!vpc) throw fault('InvalidVpcID.NotFound', `The vpc ID '${id}' does not exist`);
    return vpc;
  }

  subnet(id: string): SubnetRec {
    const s = this.store.subnets.get(checkId(id, 'subnet', 'InvalidSubnetID'));
    if (!s) throw fault('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
    return s;
  }

  securityGroup(id: string): SecurityGroupRec {
    const g = this.store.securityGroups.get(checkId(id, 'sg', 'InvalidGroupId'));
    if (!g) throw fault('InvalidGroup.NotFound', `The security group '${id}' does not exist`);
    return g;
  }

  private vpcView(v: VpcRec): Vpc {
    return {
      VpcId: v.id,
      CidrBlock: v.cidr,
      State: 'available',
      OwnerId: this.ctx.accountId,
      InstanceTenancy: 'default',
      IsDefault: false,
      CidrBlockAssociationSet: [{ AssociationId: `vpc-cidr-assoc-${v.id.slice(4)}`, CidrBlock: v.cidr, CidrBlockState: { State: 'associated' } }],
      Tags: tagList(v.tags),
    };
  }

  private subnetView(s: SubnetRec): Subnet {
    const [, size] = parseCidr(s.cidr) as [number, number];
    let used = 0;
    for (const i of this.store.instances.values()) if (i.subnetId === s.id && i.state !== 'terminated') used++;
    return {
      SubnetId: s.id,
      SubnetArn: this.ctx.ids.arn('ec2', `subnet/${s.id}`),
      VpcId: s.vpcId,
      CidrBlock: s.cidr,
      AvailabilityZone: s.az,
      State: 'available',
      AvailableIpAddressCount: size - 5 - used,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      OwnerId: this.ctx.accountId,
      Tags: tagList(s.tags),
    };
  }

  private sgView(g: SecurityGroupRec): SecurityGroup {
    return {
      GroupId: g.id,
      GroupName: g.name,
      Description: g.description,
      VpcId: g.vpcId,
      OwnerId: this.ctx.accountId,
      SecurityGroupArn: this.ctx.ids.arn('ec2', `security-group/${g.id}`),
      IpPermissions: [],
      IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
      Tags: tagList(g.tags),
    };
  }
}
