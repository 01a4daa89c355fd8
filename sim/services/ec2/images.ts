/** AMIs and their snapshots (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateImage.html). */
import type {
  BlockDeviceMapping,
  CreateImageCommandInput,
  CreateImageCommandOutput,
  DeleteSnapshotCommandInput,
  DeleteSnapshotCommandOutput,
  DeregisterImageCommandInput,
  DeregisterImageCommandOutput,
  DescribeImagesCommandInput,
  DescribeImagesCommandOutput,
  DescribeSnapshotsCommandInput,
  DescribeSnapshotsCommandOutput,
  Image,
  RegisterImageCommandInput,
  RegisterImageCommandOutput,
  Snapshot,
} from '@aws-sdk/client-ec2';
import type { SimContext } from '../../context.js';
import { AMI_NAME, applyFilters, applyTags, checkId, dryRun, fault, invalidParam, need, paginate, tagFilter, tagList, tagsFor } from './common.js';
import type { Lifecycle } from './lifecycle.js';
import type { Ec2Store, ImageRec, InstanceRec, SnapshotRec } from './store.js';

type Out<T> = Omit<T, '$metadata'>;

const ARCHITECTURES = ['i386', 'x86_64', 'arm64', 'x86_64_mac', 'arm64_mac'];
const ROOT = '/dev/xvda';

export class Images {
  constructor(
    private readonly ctx: SimContext,
    private readonly store: Ec2Store,
    lifecycle: Lifecycle,
    /** Seconds from CreateImage to `available` (Ec2Sim.imageCreateSeconds). */
    private readonly createSeconds: () => number,
  ) {
    // An image whose source instance goes away before the snapshot completes fails.
    lifecycle.onStateChange((id, state) => {
      if (state !== 'shutting-down') return;
      for (const img of this.store.images.values()) if (img.sourceInstanceId === id && img.state === 'pending') this.fail(img);
    });
  }

  CreateImage(input: CreateImageCommandInput): Out<CreateImageCommandOutput> {
    const instanceId = checkId(need(input.InstanceId, 'InstanceId'), 'i', 'InvalidInstanceID');
    const name = need(input.Name, 'Name');
    this.checkName(name, input.Description);
    const imageTags = tagsFor(input.TagSpecifications, ['image', 'snapshot'], 'image');
    const snapshotTags = tagsFor(input.TagSpecifications, ['image', 'snapshot'], 'snapshot');
    const inst = this.store.instances.get(instanceId);
    if (!inst) throw fault('InvalidInstanceID.NotFound', `The instance ID '${instanceId}' does not exist`);
    if (inst.state !== 'running' && inst.state !== 'stopped') {
      throw fault('IncorrectInstanceState', `The instance '${instanceId}' is not in a state from which it can be imaged.`);
    }
    this.checkUnique(name);
    dryRun(input);
    const id = this.ctx.ids.ec2('ami');
    const mappings = this.mappingsFrom(inst, input.BlockDeviceMappings).map((m) => {
      if (!m.Ebs) return m;
      const snap = this.newSnapshot(m.Ebs.VolumeSize ?? 8, `Created by CreateImage(${instanceId}) for ${id}`, 'pending');
      applyTags(snap.tags, snapshotTags, snap.id);
      return { ...m, Ebs: { ...m.Ebs, SnapshotId: snap.id } };
    });
    const img = this.add({
      id,
      name,
      description: input.Description,
      state: 'pending',
      architecture: inst.architecture,
      rootDeviceName: this.store.images.get(inst.imageId)?.rootDeviceName ?? ROOT,
      virtualizationType: 'hvm',
      blockDeviceMappings: mappings,
      sourceInstanceId: instanceId,
      release: inst.release,
    });
    applyTags(img.tags, imageTags, img.id);
    const createMs = Math.round((this.ctx.latency?.jittered(this.createSeconds()) ?? this.createSeconds()) * 1000);
    this.store.imageMs.set(img.id, createMs);
    img.timer = this.ctx.clock.after(createMs, () => {
      img.timer = undefined;
      img.state = 'available';
      for (const s of this.snapshotsOf(img)) s.state = 'completed';
    });
    return { ImageId: img.id };
  }

  RegisterImage(input: RegisterImageCommandInput): Out<RegisterImageCommandOutput> {
    const name = need(input.Name, 'Name');
    this.checkName(name, input.Description);
    const arch = input.Architecture ?? 'x86_64';
    if (!ARCHITECTURES.includes(arch)) throw invalidParam(`Value (${arch}) for parameter architecture is invalid.`);
    const tags = tagsFor(input.TagSpecifications, ['image'], 'image');
    const given = input.BlockDeviceMappings ?? [];
    for (const m of given) {
      const snapId = m.Ebs?.SnapshotId;
      if (snapId !== undefined && !this.store.snapshots.has(checkId(snapId, 'snap', 'InvalidSnapshotID'))) {
        throw fault('InvalidSnapshot.NotFound', `The snapshot '${snapId}' does not exist.`);
      }
    }
    this.checkUnique(name);
    dryRun(input);
    const rootDeviceName = input.RootDeviceName ?? ROOT;
    const id = this.ctx.ids.ec2('ami');
    // An EBS mapping without a snapshot gets one, so the image is launchable at once.
    const withRoot = given.some((m) => m.DeviceName === rootDeviceName) ? given : [{ DeviceName: rootDeviceName, Ebs: { VolumeSize: 8 } }, ...given];
    const mappings = withRoot.map((m): BlockDeviceMapping => {
      if (!m.Ebs || m.Ebs.SnapshotId) return m;
      const snap = this.newSnapshot(m.Ebs.VolumeSize ?? 8, `Registered with ${id}`, 'completed');
      return { ...m, Ebs: { DeleteOnTermination: true, VolumeType: 'gp3', Encrypted: false, ...m.Ebs, SnapshotId: snap.id } };
    });
    const img = this.add({
      id,
      name,
      description: input.Description,
      state: 'available',
      architecture: arch,
      rootDeviceName,
      virtualizationType: input.VirtualizationType ?? 'hvm',
      blockDeviceMappings: mappings,
    });
    applyTags(img.tags, tags, img.id);
    return { ImageId: img.id };
  }

  DescribeImages(input: DescribeImagesCommandInput): Out<DescribeImagesCommandOutput> {
    let items = [...this.store.images.values()];
    if (input.ImageIds?.length) {
      const ids = input.ImageIds.map((i) => checkId(i, 'ami', 'InvalidAMIID'));
      const unknown = ids.filter((i) => !this.store.images.has(i));
      if (unknown.length > 0) {
        throw fault('InvalidAMIID.NotFound', unknown.length === 1 ? `The image id '[${unknown[0]}]' does not exist` : `The image ids '[${unknown.join(', ')}]' do not exist`);
      }
      items = items.filter((i) => ids.includes(i.id));
    }
    if (input.Owners?.length) {
      const mine = input.Owners.some((o) => o === 'self' || o === this.ctx.accountId);
      if (!mine) items = [];
    }
    items = applyFilters(items, input.Filters, (img, name) => {
      const direct: Record<string, string | undefined> = {
        name: img.name,
        state: img.state,
        'image-id': img.id,
        'source-instance-id': img.sourceInstanceId,
        'creation-date': new Date(img.creationDate).toISOString(),
        architecture: img.architecture,
        'owner-id': this.ctx.accountId,
        description: img.description,
        'image-type': 'machine',
        'root-device-type': 'ebs',
        'is-public': 'false',
      };
      return name in direct ? [direct[name]] : tagFilter(img.tags, name);
    });
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Images: page.map((i) => this.view(i)), NextToken: nextToken };
  }

  DeregisterImage(input: DeregisterImageCommandInput): Out<DeregisterImageCommandOutput> {
    const img = this.get(need(input.ImageId, 'ImageId'));
    dryRun(input);
    img.timer?.cancel();
    this.store.images.delete(img.id);
    this.store.deregistered.add(img.id);
    const results = [];
    if (input.DeleteAssociatedSnapshots) {
      // Snapshots another registered AMI still uses are never deleted.
      for (const s of this.snapshotsOf(img)) {
        if (this.usedBy(s.id)) continue;
        this.store.snapshots.delete(s.id);
        results.push({ SnapshotId: s.id, ReturnCode: 'success' as const });
      }
    }
    return { Return: true, DeleteSnapshotResults: input.DeleteAssociatedSnapshots ? results : undefined };
  }

  DescribeSnapshots(input: DescribeSnapshotsCommandInput): Out<DescribeSnapshotsCommandOutput> {
    let items = [...this.store.snapshots.values()];
    if (input.SnapshotIds?.length) {
      const ids = input.SnapshotIds.map((i) => checkId(i, 'snap', 'InvalidSnapshotID'));
      const unknown = ids.find((i) => !this.store.snapshots.has(i));
      if (unknown) throw fault('InvalidSnapshot.NotFound', `The snapshot '${unknown}' does not exist.`);
      items = items.filter((s) => ids.includes(s.id));
    }
    if (input.OwnerIds?.length && !input.OwnerIds.some((o) => o === 'self' || o === this.ctx.accountId)) items = [];
    items = applyFilters(items, input.Filters, (s, name) => {
      const direct: Record<string, string> = {
        'snapshot-id': s.id,
        status: s.state,
        description: s.description,
        'volume-id': s.volumeId,
        'volume-size': String(s.volumeSize),
        'owner-id': this.ctx.accountId,
      };
      return name in direct ? [direct[name]] : tagFilter(s.tags, name);
    });
    if (input.SnapshotIds?.length && input.MaxResults !== undefined) {
      throw fault('InvalidParameterCombination', 'The parameter snapshotSet cannot be used with the parameter maxResults');
    }
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    return { Snapshots: page.map((s) => this.snapshotView(s)), NextToken: nextToken };
  }

  DeleteSnapshot(input: DeleteSnapshotCommandInput): Out<DeleteSnapshotCommandOutput> {
    const id = checkId(need(input.SnapshotId, 'SnapshotId'), 'snap', 'InvalidSnapshotID');
    if (!this.store.snapshots.has(id)) throw fault('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
    const user = this.usedBy(id);
    if (user) throw fault('InvalidSnapshot.InUse', `The snapshot ${id} is currently in use by ${user.id}`);
    dryRun(input);
    this.store.snapshots.delete(id);
    return {};
  }

  /** A launchable image, or the error RunInstances gives. */
  forLaunch(imageId: string): ImageRec {
    checkId(imageId, 'ami', 'InvalidAMIID');
    if (this.store.deregistered.has(imageId)) throw fault('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is no longer available`);
    const img = this.store.images.get(imageId);
    if (!img) throw fault('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    if (img.state !== 'available') throw fault('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is not available (state ${img.state})`);
    return img;
  }

  /** A registered image by id, for tagging and deregistering. */
  get(imageId: string): ImageRec {
    checkId(imageId, 'ami', 'InvalidAMIID');
    if (this.store.deregistered.has(imageId)) throw fault('InvalidAMIID.Unavailable', `The image id '[${imageId}]' is no longer available`);
    const img = this.store.images.get(imageId);
    if (!img) throw fault('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
    return img;
  }

  private fail(img: ImageRec): void {
    img.timer?.cancel();
    img.timer = undefined;
    img.state = 'failed';
    img.stateReason = { Code: 'Client.InstanceTerminated', Message: 'Client.InstanceTerminated: Instance terminated during image creation' };
    for (const s of this.snapshotsOf(img)) s.state = 'error';
  }

  private checkName(name: string, description: string | undefined): void {
    if (!AMI_NAME.test(name)) {
      throw fault(
        'InvalidAMIName.Malformed',
        `AMI names must be between 3 and 128 characters long, and may contain letters, numbers, '(', ')', '[', ']', ' ', '.', '/', '-', ''', '@' and '_'`,
      );
    }
    if (description !== undefined && description.length > 255) throw invalidParam('Description must be at most 255 characters.');
  }

  private checkUnique(name: string): void {
    for (const img of this.store.images.values()) {
      if (img.name === name) throw fault('InvalidAMIName.Duplicate', `AMI name ${name} is already in use by AMI ${img.id}`);
    }
  }

  /** The source image's EBS layout (or one 8 GiB root volume), overridden per device by the request. */
  private mappingsFrom(inst: InstanceRec, overrides: BlockDeviceMapping[] | undefined): BlockDeviceMapping[] {
    const source = this.store.images.get(inst.imageId)?.blockDeviceMappings;
    const base = source?.length ? source : [{ DeviceName: ROOT, Ebs: { VolumeSize: 8, VolumeType: 'gp3' as const, DeleteOnTermination: true, Encrypted: false } }];
    const byDevice = new Map(base.map((m) => [m.DeviceName, structuredClone(m)]));
    for (const o of overrides ?? []) {
      if (o.NoDevice !== undefined) byDevice.delete(o.DeviceName);
      else byDevice.set(o.DeviceName, { ...byDevice.get(o.DeviceName), ...structuredClone(o) });
    }
    return [...byDevice.values()];
  }

  private newSnapshot(size: number, description: string, state: SnapshotRec['state']): SnapshotRec {
    const s: SnapshotRec = {
      seq: this.store.seq(),
      id: this.ctx.ids.ec2('snap'),
      volumeId: this.ctx.ids.ec2('vol'),
      volumeSize: size,
      state,
      startTime: this.ctx.clock.now(),
      description,
      tags: new Map(),
    };
    this.store.snapshots.set(s.id, s);
    return s;
  }

  private add(fields: Omit<ImageRec, 'seq' | 'creationDate' | 'tags'>): ImageRec {
    const img: ImageRec = { ...fields, seq: this.store.seq(), creationDate: this.ctx.clock.now(), tags: new Map() };
    this.store.images.set(img.id, img);
    return img;
  }

  private snapshotsOf(img: ImageRec): SnapshotRec[] {
    return img.blockDeviceMappings.flatMap((m) => {
      const s = m.Ebs?.SnapshotId ? this.store.snapshots.get(m.Ebs.SnapshotId) : undefined;
      return s ? [s] : [];
    });
  }

  private usedBy(snapshotId: string): ImageRec | undefined {
    for (const img of this.store.images.values()) if (img.blockDeviceMappings.some((m) => m.Ebs?.SnapshotId === snapshotId)) return img;
    return undefined;
  }

  private view(img: ImageRec): Image {
    return {
      ImageId: img.id,
      Name: img.name,
      Description: img.description,
      State: img.state,
      StateReason: img.stateReason,
      CreationDate: new Date(img.creationDate).toISOString(),
      OwnerId: this.ctx.accountId,
      Public: false,
      Architecture: img.architecture as Image['Architecture'],
      ImageType: 'machine',
      RootDeviceName: img.rootDeviceName,
      RootDeviceType: 'ebs',
      VirtualizationType: img.virtualizationType as Image['VirtualizationType'],
      Hypervisor: 'xen',
      EnaSupport: true,
      PlatformDetails: 'Linux/UNIX',
      UsageOperation: 'RunInstances',
      BlockDeviceMappings: img.blockDeviceMappings,
      SourceInstanceId: img.sourceInstanceId,
      Tags: tagList(img.tags),
    };
  }

  private snapshotView(s: SnapshotRec): Snapshot {
    return {
      SnapshotId: s.id,
      VolumeId: s.volumeId,
      State: s.state,
      StartTime: new Date(s.startTime),
      Progress: s.state === 'completed' ? '100%' : '0%',
      OwnerId: this.ctx.accountId,
      Description: s.description,
      VolumeSize: s.volumeSize,
      Encrypted: false,
      StorageTier: 'standard',
      Tags: tagList(s.tags),
    };
  }
}
