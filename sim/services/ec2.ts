/**
 * The EC2 simulator: instances on the virtual clock (boots, stops, terminations, bake builders),
 * AMIs and snapshots, launch templates, tags, and the bit of VPC networking the demo seeds.
 * Operations are methods named like the AWS operations; the work lives in `./ec2/*`.
 */
import type * as E from '@aws-sdk/client-ec2';
import type { SimContext } from '../context.js';
import { Images } from './ec2/images.js';
import { type GroupLaunch, Instances } from './ec2/instances.js';
import { Lifecycle } from './ec2/lifecycle.js';
import { Network } from './ec2/network.js';
import { Ec2Store } from './ec2/store.js';
import { Tagging } from './ec2/tags.js';
import { LaunchTemplates } from './ec2/templates.js';

type Out<T> = Omit<T, '$metadata'>;

export class Ec2Sim {
  /** Seconds from CreateImage until the image is `available`. */
  imageCreateSeconds = 60;
  readonly store = new Ec2Store();
  private readonly lifecycle: Lifecycle;
  private readonly images: Images;
  private readonly templates: LaunchTemplates;
  private readonly network: Network;
  private readonly instances: Instances;
  private readonly tagging: Tagging;

  constructor(readonly ctx: SimContext) {
    this.lifecycle = new Lifecycle(ctx, this.store);
    this.images = new Images(ctx, this.store, this.lifecycle, () => this.imageCreateSeconds);
    this.templates = new LaunchTemplates(ctx, this.store);
    this.network = new Network(ctx, this.store);
    this.instances = new Instances(ctx, this.store, this.lifecycle, this.images, this.templates, this.network);
    this.tagging = new Tagging(this.store, { instances: this.instances, images: this.images, templates: this.templates, network: this.network });
  }

  // ---- internal methods (Auto Scaling, ELBv2, tests) ------------------------------------------

  /** Launch one instance for an Auto Scaling group (no ClientToken); returns its id. */
  launchForGroup(spec: GroupLaunch): string {
    return this.instances.launchForGroup(spec);
  }
  /** Start terminating an instance (running → shutting-down → terminated). */
  terminateForGroup(instanceId: string): void {
    const inst = this.store.instances.get(instanceId);
    if (inst) this.lifecycle.terminate(inst, { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' });
  }
  /** pending | running | shutting-down | terminated | stopping | stopped; undefined if unknown. */
  instanceState(instanceId: string): string | undefined {
    return this.store.instances.get(instanceId)?.state;
  }
  /** True when the instance is running and its app answers health checks right now. */
  appAnswering(instanceId: string): boolean {
    return this.lifecycle.appAnswering(instanceId);
  }
  /** Share of requests the instance's app answers with a 5XX (0 when it answers cleanly or not at all). */
  requestErrorRate(instanceId: string): number {
    return this.lifecycle.appAnswering(instanceId) ? this.lifecycle.errorRate(instanceId) : 0;
  }
  /** The release an instance was launched with (undefined for a plain image or an unknown instance). */
  releaseOf(instanceId: string): string | undefined {
    return this.lifecycle.releaseOf(instanceId);
  }
  /** Subscribe to instance state changes. */
  onStateChange(fn: (instanceId: string, state: string) => void): void {
    this.lifecycle.onStateChange(fn);
  }
  /** The next n launched instances (any launch path) fail to boot with `Server.InternalError`. */
  failBoots(n: number): void {
    this.lifecycle.failBoots(n);
  }
  /** Console output posted late: each line visible up to `ms` after it is written (seeded). */
  consoleLag(ms: number): void {
    this.lifecycle.consoleLagMaxMs = ms;
  }
  /** Cap on non-terminated instances before RunInstances answers InstanceLimitExceeded. */
  set instanceLimit(n: number) {
    this.instances.limit = n;
  }
  get instanceLimit(): number {
    return this.instances.limit;
  }

  // ---- instances --------------------------------------------------------------------------------

  RunInstances(i: E.RunInstancesCommandInput): Out<E.RunInstancesCommandOutput> {
    return this.instances.RunInstances(i);
  }
  DescribeInstances(i: E.DescribeInstancesCommandInput): Out<E.DescribeInstancesCommandOutput> {
    return this.instances.DescribeInstances(i);
  }
  StopInstances(i: E.StopInstancesCommandInput): Out<E.StopInstancesCommandOutput> {
    return this.instances.StopInstances(i);
  }
  StartInstances(i: E.StartInstancesCommandInput): Out<E.StartInstancesCommandOutput> {
    return this.instances.StartInstances(i);
  }
  TerminateInstances(i: E.TerminateInstancesCommandInput): Out<E.TerminateInstancesCommandOutput> {
    return this.instances.TerminateInstances(i);
  }
  GetConsoleOutput(i: E.GetConsoleOutputCommandInput): Out<E.GetConsoleOutputCommandOutput> {
    return this.instances.GetConsoleOutput(i);
  }

  // ---- images and snapshots ---------------------------------------------------------------------

  CreateImage(i: E.CreateImageCommandInput): Out<E.CreateImageCommandOutput> {
    return this.images.CreateImage(i);
  }
  RegisterImage(i: E.RegisterImageCommandInput): Out<E.RegisterImageCommandOutput> {
    return this.images.RegisterImage(i);
  }
  DescribeImages(i: E.DescribeImagesCommandInput): Out<E.DescribeImagesCommandOutput> {
    return this.images.DescribeImages(i);
  }
  DeregisterImage(i: E.DeregisterImageCommandInput): Out<E.DeregisterImageCommandOutput> {
    return this.images.DeregisterImage(i);
  }
  DescribeSnapshots(i: E.DescribeSnapshotsCommandInput): Out<E.DescribeSnapshotsCommandOutput> {
    return this.images.DescribeSnapshots(i);
  }
  DeleteSnapshot(i: E.DeleteSnapshotCommandInput): Out<E.DeleteSnapshotCommandOutput> {
    return this.images.DeleteSnapshot(i);
  }

  // ---- launch templates -------------------------------------------------------------------------

  CreateLaunchTemplate(i: E.CreateLaunchTemplateCommandInput): Out<E.CreateLaunchTemplateCommandOutput> {
    return this.templates.CreateLaunchTemplate(i);
  }
  CreateLaunchTemplateVersion(i: E.CreateLaunchTemplateVersionCommandInput): Out<E.CreateLaunchTemplateVersionCommandOutput> {
    return this.templates.CreateLaunchTemplateVersion(i);
  }
  DescribeLaunchTemplates(i: E.DescribeLaunchTemplatesCommandInput): Out<E.DescribeLaunchTemplatesCommandOutput> {
    return this.templates.DescribeLaunchTemplates(i);
  }
  DescribeLaunchTemplateVersions(i: E.DescribeLaunchTemplateVersionsCommandInput): Out<E.DescribeLaunchTemplateVersionsCommandOutput> {
    return this.templates.DescribeLaunchTemplateVersions(i);
  }
  ModifyLaunchTemplate(i: E.ModifyLaunchTemplateCommandInput): Out<E.ModifyLaunchTemplateCommandOutput> {
    return this.templates.ModifyLaunchTemplate(i);
  }
  DeleteLaunchTemplate(i: E.DeleteLaunchTemplateCommandInput): Out<E.DeleteLaunchTemplateCommandOutput> {
    return this.templates.DeleteLaunchTemplate(i);
  }

  // ---- tags -------------------------------------------------------------------------------------

  CreateTags(i: E.CreateTagsCommandInput): Out<E.CreateTagsCommandOutput> {
    return this.tagging.CreateTags(i);
  }
  DeleteTags(i: E.DeleteTagsCommandInput): Out<E.DeleteTagsCommandOutput> {
    return this.tagging.DeleteTags(i);
  }
  DescribeTags(i: E.DescribeTagsCommandInput): Out<E.DescribeTagsCommandOutput> {
    return this.tagging.DescribeTags(i);
  }

  // ---- networking (demo seeding) ----------------------------------------------------------------

  CreateVpc(i: E.CreateVpcCommandInput): Out<E.CreateVpcCommandOutput> {
    return this.network.CreateVpc(i);
  }
  CreateSubnet(i: E.CreateSubnetCommandInput): Out<E.CreateSubnetCommandOutput> {
    return this.network.CreateSubnet(i);
  }
  DescribeSubnets(i: E.DescribeSubnetsCommandInput): Out<E.DescribeSubnetsCommandOutput> {
    return this.network.DescribeSubnets(i);
  }
  CreateSecurityGroup(i: E.CreateSecurityGroupCommandInput): Out<E.CreateSecurityGroupCommandOutput> {
    return this.network.CreateSecurityGroup(i);
  }
  DescribeSecurityGroups(i: E.DescribeSecurityGroupsCommandInput): Out<E.DescribeSecurityGroupsCommandOutput> {
    return this.network.DescribeSecurityGroups(i);
  }
}
