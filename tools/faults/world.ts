/**
 * The world of one fault scenario: the demo world shaped by the scenario (built through the AWS
 * API by DemoSession), and the ways a deployment of a release is requested — S3 upload,
 * EventBridge `Deploy Requested`, or the console's StartExecution — plus their redelivery.
 */
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTargetGroupCommand, DescribeListenersCommand, ElasticLoadBalancingV2Client, ModifyListenerCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from '../../src/aws/clients.js';
import { identityTags } from '../../src/aws/tags.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';
import { executionName } from '../../src/domain/names.js';
import { DemoSession } from '../../local/demo.js';
import { putClusterConfig } from '../../local/demo-world.js';
import { freshBaseline, judged, type WorldShape, worldSteps, worldWaitSeconds } from './scenario.js';

export const RELEASES = ['1.1.0', '1.2.0'] as const;
export const ALARM = 'web-prod-5xx';

/** What was sent to request a release, so it can be sent again (a redelivery). */
type Request = { kind: 's3'; key: string; versionId: string; etag: string } | { kind: 'eventbridge' | 'console'; imageId: string };

export class ScenarioWorld {
  private readonly requests = new Map<string, Request>();

  private constructor(
    readonly session: DemoSession,
    readonly shape: WorldShape,
    private readonly images: Map<string, string>,
    /** The cluster config as this world wrote it (the demo's, with the shape's judge, approval and settings). */
    readonly config: DemoSession['world']['config'],
  ) {}

  static async create(shape: WorldShape, cloudSeed: number): Promise<ScenarioWorld> {
    const session = await DemoSession.create('happy', cloudSeed, {
      instances: shape.instances,
      steps: worldSteps(shape),
      stepWaitSeconds: worldWaitSeconds(shape),
      alarms: shape.alarms ? [ALARM] : [],
      healthGateMinutes: shape.healthGateMinutes,
      firstDeploy: shape.firstDeploy,
      retainMinutes: shape.retainMinutes,
    });
    try {
      const base = session.world.config;
      const config = {
        ...base,
        healthGate: { ...base.healthGate, minHealthyPercent: shape.minHealthyPercent },
        teardown: { ...base.teardown, scaleDownOld: shape.scaleDownOld },
        ...(judged(shape) ? { canary: freshBaseline(shape) ? { baseline: 'fresh' as const } : {} } : {}),
        ...(shape.approval ? { approval: { beforeSteps: [100], timeoutMinutes: 5 } } : {}),
      };
      await putClusterConfig(session.world.cluster, config);
      const images = new Map<string, string>();
      if (shape.prebaked) for (const release of RELEASES) images.set(release, await registerImage(session.world.cluster, release));
      return new ScenarioWorld(session, shape, images, config);
    } catch (err) {
      session.dispose();
      throw err;
    }
  }

  get cloud(): EmbeddedCloud {
    return this.session.cloud;
  }
  get cluster(): string {
    return this.session.world.cluster;
  }
  get listenerArn(): string {
    return this.session.world.listenerArn;
  }
  get liveGroup(): string | undefined {
    return this.session.world.liveGroup;
  }

  /** Requests a deployment of `release` the scenario's way. */
  async request(release: string): Promise<void> {
    const { cluster } = this;
    if (!this.shape.prebaked) {
      const key = `releases/${cluster}/${release}/web-${release}.tgz`;
      const out = await client(S3Client).send(new PutObjectCommand({ Bucket: this.session.stack.bucket, Key: key, Body: `web ${release}` }));
      this.requests.set(release, { kind: 's3', key, versionId: out.VersionId as string, etag: (out.ETag as string).replace(/"/g, '') });
      return;
    }
    const imageId = this.images.get(release) as string;
    const request: Request = { kind: this.shape.entry, imageId };
    this.requests.set(release, request);
    await this.send(release, request);
  }

  /** The same request again, as an at-least-once delivery or an impatient operator would send it. */
  async repeat(release: string): Promise<void> {
    const request = this.requests.get(release);
    if (request) await this.send(release, request);
  }

  /** `{"action":"rollback"}` from the console: to the previous group, or to the oldest group still there. */
  async manualRollback(to: 'previous' | 'oldest'): Promise<boolean> {
    const { cluster, cloud } = this;
    let target: string | undefined;
    if (to === 'oldest') target = cloud.autoscaling.groupNames().filter((n) => n.startsWith(`${cluster}-v`)).sort()[0];
    const input = JSON.stringify({ action: 'rollback', cluster, ...(target ? { to: target } : {}) });
    await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: this.session.stack.stateMachineArn, name: `rollback-${++this.consoleStarts}`, input }));
    return true;
  }

  /** The release's console input again, under a name of the operator's own: only a deployment's own check can dedupe it. */
  async consoleAgain(release: string): Promise<boolean> {
    const { cluster } = this;
    const r = this.requests.get(release);
    if (!r) return false;
    const input = r.kind === 's3' ? { cluster, release, artifact: { bucket: this.session.stack.bucket, key: r.key, versionId: r.versionId } } : { cluster, release, imageId: r.imageId };
    await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: this.session.stack.stateMachineArn, name: `console-${++this.consoleStarts}`, input: JSON.stringify(input) }));
    return true;
  }

  private consoleStarts = 0;

  /** Someone else's target group, once `editListener` added it, and when. */
  foreign?: { arn: string; at: number };

  /** An operator adds their own target group at weight 0 to the listener's forward action (not the pipeline: no caller). */
  async editListener(): Promise<boolean> {
    if (this.foreign) return false;
    const elb = client(ElasticLoadBalancingV2Client);
    const created = await elb.send(new CreateTargetGroupCommand({ Name: 'ops-edit', Protocol: 'HTTP', Port: 80, VpcId: this.session.world.vpcId, TargetType: 'instance' }));
    const arn = created.TargetGroups?.[0]?.TargetGroupArn as string;
    const actions = (await elb.send(new DescribeListenersCommand({ ListenerArns: [this.listenerArn] }))).Listeners?.[0]?.DefaultActions ?? [];
    const forward = this.cloud.elb.forwardWeights(this.listenerArn);
    const edited = [
      ...actions.filter((a) => a.Type?.startsWith('authenticate-')),
      { Type: 'forward' as const, ForwardConfig: { TargetGroups: [...forward.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })), { TargetGroupArn: arn, Weight: 0 }] } },
    ];
    if (forward.length === 0) return false; // a fixed-response listener (first deploy before staging): nothing to add to
    await elb.send(new ModifyListenerCommand({ ListenerArn: this.listenerArn, DefaultActions: edited }));
    this.foreign = { arn, at: this.cloud.clock.now() };
    return true;
  }

  private async send(release: string, r: Request): Promise<void> {
    const { cluster } = this;
    if (r.kind === 's3') {
      // EventBridge redelivering the S3 event: the trigger function gets the same event again.
      await this.cloud.lambda.invoke('trigger', s3Event(this.session.stack.bucket, r, this.cloud));
    } else if (r.kind === 'eventbridge') {
      const detail = JSON.stringify({ cluster, release, imageId: r.imageId });
      await client(EventBridgeClient).send(new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'Deploy Requested', Detail: detail }] }));
    } else {
      const name = executionName({ cluster, release, identity: r.imageId });
      const input = JSON.stringify({ cluster, release, imageId: r.imageId });
      await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: this.session.stack.stateMachineArn, name, input }));
    }
  }

  dispose(): void {
    this.session.dispose();
  }
}

async function registerImage(cluster: string, release: string): Promise<string> {
  const out = await client(EC2Client).send(
    new RegisterImageCommand({
      Name: `redblack/${cluster}/${release}/prebaked`,
      Architecture: 'arm64',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
      TagSpecifications: [{ ResourceType: 'image', Tags: identityTags({ cluster, deployment: 'prebaked', release }) }],
    }),
  );
  return out.ImageId as string;
}

/** The S3 `Object Created` event EventBridge delivers for an upload. */
function s3Event(bucket: string, r: { key: string; versionId: string; etag: string }, cloud: EmbeddedCloud): unknown {
  return {
    version: '0',
    id: cloud.ids.uuid(),
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: cloud.accountId,
    time: new Date(cloud.clock.now()).toISOString().slice(0, 19) + 'Z',
    region: cloud.region,
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key: r.key, size: 9, etag: r.etag, 'version-id': r.versionId, sequencer: '00617F08299329D189' },
      'request-id': 'REDELIVERY',
      requester: cloud.accountId,
      reason: 'PutObject',
    },
  };
}
