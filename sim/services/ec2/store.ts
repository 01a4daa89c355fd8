/** The EC2 simulator's state: plain records shared by its parts. */
import type { BlockDeviceMapping, ImageState, RequestLaunchTemplateData } from '@aws-sdk/client-ec2';
import type { Cancel } from '../../clock.js';
import type { Tags } from './common.js';

export type InstanceStateName = 'pending' | 'running' | 'shutting-down' | 'terminated' | 'stopping' | 'stopped';

export const STATE_CODE: Record<InstanceStateName, number> = {
  pending: 0,
  running: 16,
  'shutting-down': 32,
  terminated: 48,
  stopping: 64,
  stopped: 80,
};

export interface Reason {
  Code: string;
  Message: string;
}

/** A bake builder: user data names an artifact to install, then the instance powers off. */
export interface Builder {
  bucket: string;
  key: string;
  versionId?: string;
  release?: string;
  outcome?: 'ok' | 'failed';
}

export interface InstanceRec {
  seq: number;
  id: string;
  reservationId: string;
  amiLaunchIndex: number;
  imageId: string;
  instanceType: string;
  subnetId?: string;
  vpcId?: string;
  az: string;
  privateIp: string;
  launchTime: number;
  state: InstanceStateName;
  stateReason?: Reason;
  transitionReason: string;
  userData?: string;
  shutdownBehavior: 'stop' | 'terminate';
  securityGroups: { GroupId: string; GroupName: string }[];
  iamProfile?: { Arn: string; Id: string };
  keyName?: string;
  architecture: string;
  disableApiTermination: boolean;
  disableApiStop: boolean;
  tags: Tags;
  clientToken?: string;
  /** The release its image carries: decides how its app behaves (ctx.apps). */
  release?: string;
  /** When it last entered `running`. */
  runningSince?: number;
  /** With latency on: this instance's jittered app start after `running`, ms. */
  appStartMs?: number;
  console: string[];
  /** When each console line becomes visible to GetConsoleOutput (EC2 posts console output late). */
  consolePostedAt?: number[];
  /** The pending state transition, cancelled when another one overrides it. */
  timer?: Cancel;
  bakeTimer?: Cancel;
  failBoot: boolean;
  builder?: Builder;
}

export interface ImageRec {
  seq: number;
  id: string;
  name: string;
  description?: string;
  state: ImageState;
  stateReason?: Reason;
  creationDate: number;
  architecture: string;
  rootDeviceName: string;
  virtualizationType: string;
  blockDeviceMappings: BlockDeviceMapping[];
  tags: Tags;
  sourceInstanceId?: string;
  /** The release installed on it (a bake's artifact); the `redblack:release` tag wins. */
  release?: string;
  timer?: Cancel;
}

export interface SnapshotRec {
  seq: number;
  id: string;
  volumeId: string;
  volumeSize: number;
  state: 'pending' | 'completed' | 'error';
  startTime: number;
  description: string;
  tags: Tags;
}

export interface TemplateVersion {
  number: number;
  data: RequestLaunchTemplateData;
  description?: string;
  createTime: number;
}

export interface TemplateRec {
  seq: number;
  id: string;
  name: string;
  versions: Map<number, TemplateVersion>;
  defaultVersion: number;
  latestVersion: number;
  createTime: number;
  tags: Tags;
}

export interface VpcRec {
  seq: number;
  id: string;
  cidr: string;
  tags: Tags;
}

export interface SubnetRec {
  seq: number;
  id: string;
  vpcId: string;
  cidr: string;
  az: string;
  tags: Tags;
}

export interface SecurityGroupRec {
  seq: number;
  id: string;
  name: string;
  description: string;
  vpcId?: string;
  tags: Tags;
}

/** What an instance's boot, app start and install really took, ms (the bench's physical floor reads them). */
export interface Timing {
  release?: string;
  launchTime: number;
  bootMs?: number;
  appStartMs?: number;
  installMs?: number;
}

export class Ec2Store {
  /** Realized durations per instance id, and per image id (`imageMs`): kept after the records go. */
  readonly timings = new Map<string, Timing>();
  readonly imageMs = new Map<string, number>();
  private counter = 0;
  readonly instances = new Map<string, InstanceRec>();
  readonly images = new Map<string, ImageRec>();
  /** Deregistered image ids: RunInstances/DeregisterImage answer `InvalidAMIID.Unavailable`. */
  readonly deregistered = new Set<string>();
  readonly snapshots = new Map<string, SnapshotRec>();
  readonly templates = new Map<string, TemplateRec>();
  readonly vpcs = new Map<string, VpcRec>();
  readonly subnets = new Map<string, SubnetRec>();
  readonly securityGroups = new Map<string, SecurityGroupRec>();

  seq(): number {
    return ++this.counter;
  }

  templateByName(name: string): TemplateRec | undefined {
    for (const t of this.templates.values()) if (t.name === name) return t;
    return undefined;
  }

  /** The image's release: tag `redblack:release`, else what it was baked with. */
  releaseOf(image: ImageRec | undefined): string | undefined {
    return image?.tags.get('redblack:release') ?? image?.release;
  }
}
