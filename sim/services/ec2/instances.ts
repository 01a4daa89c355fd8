/** Instance API operations and launch-parameter resolution (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_RunInstances.html). */
import type {
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  GetConsoleOutputCommandInput,
  GetConsoleOutputCommandOutput,
  Instance,
  InstanceStateChange,
  RequestLaunchTemplateData,
  Reservation,
  RunInstancesCommandInput,
  RunInstancesCommandOutput,
  StartInstancesCommandInput,
  StartInstancesCommandOutput,
  StopInstancesCommandInput,
  StopInstancesCommandOutput,
  Tag,
  TerminateInstancesCommandInput,
  TerminateInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import type { SimContext } from '../../context.js';
import { applyFilters, checkId, decodeBase64, dryRun, fault, invalidParam, need, paginate, tagFilter, tagList, tagsFor } from './common.js';
import type { Images } from './images.js';
import { type LaunchSpec, type Lifecycle, REASONS } from './lifecycle.js';
import type { Network } from './network.js';
import { type Ec2Store, type InstanceRec, STATE_CODE } from './store.js';
import { type LaunchTemplates, USER_DATA_LIMIT } from './templates.js';

type Out<T> = Omit<T, '$metadata'>;

const RUN_TAG_TYPES = ['instance', 'volume', 'spot-instances-request', 'network-interface'];
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

export interface GroupLaunch {
  launchTemplate: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
  subnetId: string;
  instanceType?: string;
  groupName: string;
  tags: { Key: string; Value: string }[];
}

/** Sorted-key JSON, so parameter comparison for ClientToken does not depend on key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class Instances {
  /** Account-wide cap on non-terminated instances (InstanceLimitExceeded beyond it). */
  limit = 1000;
  private readonly tokens = new Map<string, { params: string; reservationId: string; ids: string[] }>();
  private readonly profileIds = new Map<string, string>();

  constructor(
    private readonly ctx: SimContext,
    private readonly store: Ec2Store,
    private readonly lifecycle: Lifecycle,
    private readonly images: Images,
    private readonly templates: LaunchTemplates,
    private readonly network: Network,
  ) {}

  /** Auto Scaling's launch path: template version, subnet, optional type override, group tags. */
  launchForGroup(g: GroupLaunch): string {
    const { template, version } = this.templates.resolve(g.launchTemplate);
    const data = version.data;
    const image = this.images.forLaunch(need(data.ImageId, 'ImageId'));
    const tags: Tag[] = [
      ...tagsFor(data.TagSpecifications, RUN_TAG_TYPES, 'instance'),
      { Key: 'aws:ec2launchtemplate:id', Value: template.id },
      { Key: 'aws:ec2launchtemplate:version', Value: String(version.number) },
      ...g.tags,
      { Key: 'aws:autoscaling:groupName', Value: g.groupName },
    ];
    const inst = this.lifecycle.launch({
      ...this.fromTemplate(data, false),
      reservationId: this.ctx.ids.ec2('r'),
      amiLaunchIndex: 0,
      image,
      instanceType: g.instanceType ?? data.InstanceType ?? 'm1.small',
      subnet: this.store.subnets.get(g.subnetId),
      subnetId: g.subnetId,
      tags,
    });
    return inst.id;
  }

  RunInstances(input: RunInstancesCommandInput): Out<RunInstancesCommandOutput> {
    const min = need(input.MinCount, 'MinCount');
    const max = need(input.MaxCount, 'MaxCount');
    if (!Number.isInteger(min) || min < 1) throw invalidParam(`Value (${min}) for parameter minCount is invalid. Expecting an integer of at least 1.`);
    if (!Number.isInteger(max) || max < min) throw invalidParam(`Value (${max}) for parameter maxCount is invalid. Expecting an integer of at least minCount (${min}).`);
    const token = input.ClientToken;
    if (token !== undefined && (token.length > 64 || !/^[\x20-\x7e]*$/.test(token))) {
      throw invalidParam(`Value (${token}) for parameter clientToken is invalid. It must be at most 64 ASCII characters.`);
    }
    const { ClientToken: _t, DryRun: _d, ...params } = input;
    const prior = token ? this.tokens.get(token) : undefined;
    if (prior) {
      if (prior.params !== canonical(params)) {
        throw fault('IdempotentParameterMismatch', `Arguments on this idempotent request are inconsistent with arguments used in previous request(s).`);
      }
      const insts = prior.ids.flatMap((id) => this.store.instances.get(id) ?? []);
      return this.reservation(prior.reservationId, insts);
    }

    let data: RequestLaunchTemplateData = {};
    const ltTags: Tag[] = [];
    if (input.LaunchTemplate) {
      const { template, version } = this.templates.resolve(input.LaunchTemplate);
      data = version.data;
      ltTags.push({ Key: 'aws:ec2launchtemplate:id', Value: template.id }, { Key: 'aws:ec2launchtemplate:version', Value: String(version.number) });
    }
    const image = this.images.forLaunch(need(input.ImageId ?? data.ImageId, 'ImageId'));
    const instanceType = input.InstanceType ?? data.InstanceType ?? 'm1.small';
    if (!INSTANCE_TYPE.test(instanceType)) throw invalidParam(`Invalid value '${instanceType}' for InstanceType.`);
    const subnetId = input.SubnetId ?? data.NetworkInterfaces?.[0]?.SubnetId;
    const subnet = subnetId === undefined ? undefined : this.network.subnet(subnetId);
    const base = this.fromTemplate(
      {
        ...data,
        ...(input.SecurityGroupIds ? { SecurityGroupIds: input.SecurityGroupIds } : {}),
        ...(input.UserData !== undefined ? { UserData: input.UserData } : {}),
        ...(input.InstanceInitiatedShutdownBehavior ? { InstanceInitiatedShutdownBehavior: input.InstanceInitiatedShutdownBehavior } : {}),
        ...(input.IamInstanceProfile ? { IamInstanceProfile: input.IamInstanceProfile } : {}),
        ...(input.KeyName ? { KeyName: input.KeyName } : {}),
        ...(input.DisableApiTermination !== undefined ? { DisableApiTermination: input.DisableApiTermination } : {}),
        ...(input.DisableApiStop !== undefined ? { DisableApiStop: input.DisableApiStop } : {}),
      },
      true,
    );
    for (const g of base.securityGroups) {
      const vpcId = this.store.securityGroups.get(g.GroupId)?.vpcId;
      if (subnet && vpcId !== subnet.vpcId) throw fault('InvalidParameter', `Security group ${g.GroupId} and subnet ${subnet.id} belong to different networks.`);
    }
    // Request tags override the template's instance tags key by key.
    const tagMap = new Map<string, string>();
    for (const t of [...tagsFor(data.TagSpecifications, RUN_TAG_TYPES, 'instance'), ...tagsFor(input.TagSpecifications, RUN_TAG_TYPES, 'instance'), ...ltTags]) {
      tagMap.set(t.Key as string, t.Value ?? '');
    }
    let active = 0;
    for (const i of this.store.instances.values()) if (i.state !== 'terminated' && i.state !== 'shutting-down') active++;
    if (active + min > this.limit) {
      throw fault('InstanceLimitExceeded', `You have requested more instances (${min}) than your current instance limit of ${this.limit} allows for the specified instance type.`);
    }
    dryRun(input);
    const count = Math.min(max, this.limit - active);
    const reservationId = this.ctx.ids.ec2('r');
    const insts: InstanceRec[] = [];
    for (let i = 0; i < count; i++) {
      const tags = [...tagMap].map(([Key, Value]) => ({ Key, Value }));
      insts.push(this.lifecycle.launch({ ...base, reservationId, amiLaunchIndex: i, image, instanceType, subnet, tags, clientToken: token }));
    }
    if (token) this.tokens.set(token, { params: canonical(params), reservationId, ids: insts.map((i) => i.id) });
    return this.reservation(reservationId, insts);
  }

  DescribeInstances(input: DescribeInstancesCommandInput): Out<DescribeInstancesCommandOutput> {
    if (input.InstanceIds?.length && input.MaxResults !== undefined) {
      throw fault('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
    }
    let items = [...this.store.instances.values()];
    if (input.InstanceIds?.length) {
      const wanted = new Set(this.resolve(input.InstanceIds).map((i) => i.id));
      items = items.filter((i) => wanted.has(i.id));
    }
    items = applyFilters(items, input.Filters, (i, name) => {
      const direct: Record<string, string | undefined> = {
        'instance-id': i.id,
        'instance-state-name': i.state,
        'instance-state-code': String(STATE_CODE[i.state]),
        'image-id': i.imageId,
        'instance-type': i.instanceType,
        'client-token': i.clientToken,
        'subnet-id': i.subnetId,
        'vpc-id': i.vpcId,
        'availability-zone': i.az,
        'reservation-id': i.reservationId,
        'private-ip-address': i.privateIp,
        'launch-time': new Date(i.launchTime).toISOString(),
        'iam-instance-profile.arn': i.iamProfile?.Arn,
        'instance-lifecycle': undefined,
        reason: i.transitionReason,
        'state-reason-code': i.stateReason?.Code,
      };
      return name in direct ? [direct[name]] : tagFilter(i.tags, name);
    });
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    // Consecutive instances of one reservation share a Reservations entry.
    const reservations: Reservation[] = [];
    let current: { id: string; insts: InstanceRec[] } | undefined;
    for (const i of page) {
      if (!current || current.id !== i.reservationId) {
        if (current) reservations.push(this.reservation(current.id, current.insts));
        current = { id: i.reservationId, insts: [] };
      }
      current.insts.push(i);
    }
    if (current) reservations.push(this.reservation(current.id, current.insts));
    return { Reservations: reservations, NextToken: nextToken };
  }

  StopInstances(input: StopInstancesCommandInput): Out<StopInstancesCommandOutput> {
    const insts = this.resolve(need(input.InstanceIds, 'InstanceIds'));
    for (const i of insts) {
      if (i.state === 'pending' || i.state === 'shutting-down' || i.state === 'terminated') {
        throw fault('IncorrectInstanceState', `This instance '${i.id}' is not in a state from which it can be stopped.`);
      }
      if (i.disableApiStop && i.state === 'running') {
        throw fault('OperationNotPermitted', `The instance '${i.id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again.`);
      }
    }
    dryRun(input);
    return { StoppingInstances: insts.map((i) => this.change(i, () => i.state === 'running' && this.lifecycle.stop(i, REASONS.user))) };
  }

  StartInstances(input: StartInstancesCommandInput): Out<StartInstancesCommandOutput> {
    const insts = this.resolve(need(input.InstanceIds, 'InstanceIds'));
    for (const i of insts) {
      if (i.state === 'stopping' || i.state === 'shutting-down' || i.state === 'terminated') {
        throw fault('IncorrectInstanceState', `The instance '${i.id}' is not in a state from which it can be started.`);
      }
    }
    dryRun(input);
    return { StartingInstances: insts.map((i) => this.change(i, () => i.state === 'stopped' && this.lifecycle.start(i))) };
  }

  TerminateInstances(input: TerminateInstancesCommandInput): Out<TerminateInstancesCommandOutput> {
    const ids = need(input.InstanceIds, 'InstanceIds');
    if (ids.length > 1000) throw invalidParam('The maximum number of instance IDs per request is 1000.');
    // One bad id fails the whole request: nothing is terminated.
    const insts = this.resolve(ids);
    for (const i of insts) {
      if (i.disableApiTermination && i.state !== 'terminated' && i.state !== 'shutting-down') {
        throw fault('OperationNotPermitted', `The instance '${i.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`);
      }
    }
    dryRun(input);
    return { TerminatingInstances: insts.map((i) => this.change(i, () => this.lifecycle.terminate(i, REASONS.user))) };
  }

  GetConsoleOutput(input: GetConsoleOutputCommandInput): Out<GetConsoleOutputCommandOutput> {
    const [inst] = this.resolve([need(input.InstanceId, 'InstanceId')]) as [InstanceRec];
    dryRun(input);
    const now = this.ctx.clock.now();
    const visible = inst.console.filter((_, i) => (inst.consolePostedAt?.[i] ?? 0) <= now);
    const text = visible.length ? `${visible.join('\r\n')}\r\n` : undefined;
    return { InstanceId: inst.id, Timestamp: new Date(this.ctx.clock.now()), Output: text === undefined ? undefined : Buffer.from(text).toString('base64') };
  }

  /** Instances by id: malformed → `.Malformed`, any unknown → `.NotFound` naming all of them. */
  resolve(ids: string[]): InstanceRec[] {
    const unique = [...new Set(ids)];
    for (const id of unique) checkId(id, 'i', 'InvalidInstanceID');
    const unknown = unique.filter((id) => !this.store.instances.has(id));
    if (unknown.length === 1) throw fault('InvalidInstanceID.NotFound', `The instance ID '${unknown[0]}' does not exist`);
    if (unknown.length > 1) throw fault('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
    return unique.map((id) => this.store.instances.get(id) as InstanceRec);
  }

  /** Launch settings a template (merged with request overrides) supplies. */
  private fromTemplate(
    data: RequestLaunchTemplateData,
    strict: boolean,
  ): Pick<LaunchSpec, 'securityGroups' | 'iamProfile' | 'userData' | 'shutdownBehavior' | 'keyName' | 'disableApiTermination' | 'disableApiStop'> {
    const userData = data.UserData;
    if (userData !== undefined && decodeBase64(userData, 'user data').length > USER_DATA_LIMIT) {
      throw invalidParam(`User data is limited to ${USER_DATA_LIMIT} bytes`);
    }
    const shutdown = data.InstanceInitiatedShutdownBehavior ?? 'stop';
    if (shutdown !== 'stop' && shutdown !== 'terminate') throw invalidParam(`Value (${shutdown}) for parameter instanceInitiatedShutdownBehavior is invalid.`);
    const securityGroups = (data.SecurityGroupIds ?? []).map((id) => {
      const g = strict ? this.network.securityGroup(id) : this.store.securityGroups.get(id);
      return { GroupId: id, GroupName: g?.name ?? id };
    });
    const p = data.IamInstanceProfile;
    let iamProfile: LaunchSpec['iamProfile'];
    if (p?.Arn || p?.Name) {
      const arn = p.Arn ?? `arn:aws:iam::${this.ctx.accountId}:instance-profile/${p.Name}`;
      if (!/^arn:aws:iam::\d{12}:instance-profile\/.+/.test(arn)) throw invalidParam(`Value (${arn}) for parameter iamInstanceProfile.arn is invalid.`);
      let id = this.profileIds.get(arn);
      if (!id) this.profileIds.set(arn, (id = `AIPA${this.ctx.ids.hex(17).toUpperCase()}`));
      iamProfile = { Arn: arn, Id: id };
    }
    return {
      securityGroups,
      iamProfile,
      userData,
      shutdownBehavior: shutdown,
      keyName: data.KeyName,
      disableApiTermination: data.DisableApiTermination ?? false,
      disableApiStop: data.DisableApiStop ?? false,
    };
  }

  private change(i: InstanceRec, act: () => unknown): InstanceStateChange {
    const previous = i.state;
    act();
    return { InstanceId: i.id, PreviousState: { Code: STATE_CODE[previous], Name: previous }, CurrentState: { Code: STATE_CODE[i.state], Name: i.state } };
  }

  private reservation(id: string, insts: InstanceRec[]): Reservation {
    return { ReservationId: id, OwnerId: this.ctx.accountId, Groups: [], Instances: insts.map((i) => this.view(i)) };
  }

  private view(i: InstanceRec): Instance {
    const dns = `ip-${i.privateIp.replace(/\./g, '-')}.ec2.internal`;
    return {
      InstanceId: i.id,
      ImageId: i.imageId,
      InstanceType: i.instanceType as Instance['InstanceType'],
      AmiLaunchIndex: i.amiLaunchIndex,
      LaunchTime: new Date(i.launchTime),
      Placement: { AvailabilityZone: i.az, Tenancy: 'default', GroupName: '' },
      PrivateIpAddress: i.state === 'terminated' ? undefined : i.privateIp,
      PrivateDnsName: i.state === 'terminated' ? '' : dns,
      State: { Code: STATE_CODE[i.state], Name: i.state },
      StateReason: i.stateReason,
      StateTransitionReason: i.transitionReason,
      SubnetId: i.state === 'terminated' ? undefined : i.subnetId,
      VpcId: i.state === 'terminated' ? undefined : i.vpcId,
      Architecture: i.architecture as Instance['Architecture'],
      ClientToken: i.clientToken ?? '',
      RootDeviceName: this.store.images.get(i.imageId)?.rootDeviceName ?? '/dev/xvda',
      RootDeviceType: 'ebs',
      VirtualizationType: 'hvm',
      Hypervisor: 'xen',
      EbsOptimized: false,
      EnaSupport: true,
      Monitoring: { State: 'disabled' },
      SecurityGroups: i.state === 'terminated' ? [] : i.securityGroups,
      IamInstanceProfile: i.iamProfile,
      KeyName: i.keyName,
      Tags: tagList(i.tags),
    };
  }
}
