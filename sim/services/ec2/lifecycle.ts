/**
 * Instance state machine on the virtual clock (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html): boots, stops, terminations,
 * failed boots, bake builders, and visibility of terminated instances for an hour.
 */
import type { Tag } from '@aws-sdk/client-ec2';
import type { SimContext } from '../../context.js';
import { gmt } from './common.js';
import type { Builder, Ec2Store, ImageRec, InstanceRec, InstanceStateName, Reason, SubnetRec } from './store.js';

export const STOP_MS = 10_000;
const TERMINATE_MS = 5_000;
/** Terminated instances stay listed "for approximately one hour". */
const VISIBLE_MS = 3_600_000;

export const REASONS = {
  pending: { Code: 'pending', Message: 'pending' },
  user: { Code: 'Client.UserInitiatedShutdown', Message: 'Client.UserInitiatedShutdown: User initiated shutdown' },
  instance: { Code: 'Client.InstanceInitiatedShutdown', Message: 'Client.InstanceInitiatedShutdown: Instance initiated shutdown' },
  internal: { Code: 'Server.InternalError', Message: 'Server.InternalError: Internal error on launch' },
} satisfies Record<string, Reason>;

export interface LaunchSpec {
  reservationId: string;
  amiLaunchIndex: number;
  image: ImageRec;
  instanceType: string;
  /** The subnet, when known; `subnetId` alone when a caller names one the simulator never saw. */
  subnet?: SubnetRec;
  subnetId?: string;
  securityGroups: { GroupId: string; GroupName: string }[];
  iamProfile?: { Arn: string; Id: string };
  userData?: string;
  shutdownBehavior: 'stop' | 'terminate';
  tags: Tag[];
  clientToken?: string;
  keyName?: string;
  disableApiTermination: boolean;
  disableApiStop: boolean;
}

type Subscriber = (instanceId: string, state: string) => void;

/** The tag the bake script sets on its builder: `ok` or `failed: <reason>` (src/domain/user-data.ts). */
export const BAKE_RESULT_TAG = 'redblack:bake-result';

export class Lifecycle {
  private readonly subscribers: Subscriber[] = [];
  private failNext = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly store: Ec2Store,
  ) {}

  onStateChange(fn: Subscriber): void {
    this.subscribers.push(fn);
  }

  /** The next n launched instances fail to boot (pending → shutting-down → terminated). */
  failBoots(n: number): void {
    this.failNext += n;
  }

  launch(spec: LaunchSpec): InstanceRec {
    const now = this.ctx.clock.now();
    const inst: InstanceRec = {
      seq: this.store.seq(),
      id: this.ctx.ids.ec2('i'),
      reservationId: spec.reservationId,
      amiLaunchIndex: spec.amiLaunchIndex,
      imageId: spec.image.id,
      instanceType: spec.instanceType,
      subnetId: spec.subnet?.id ?? spec.subnetId,
      vpcId: spec.subnet?.vpcId,
      az: spec.subnet?.az ?? `${this.ctx.region}a`,
      privateIp: this.privateIp(spec.subnet),
      launchTime: now,
      state: 'pending',
      stateReason: REASONS.pending,
      transitionReason: '',
      userData: spec.userData,
      shutdownBehavior: spec.shutdownBehavior,
      securityGroups: spec.securityGroups,
      iamProfile: spec.iamProfile,
      keyName: spec.keyName,
      architecture: spec.image.architecture,
      disableApiTermination: spec.disableApiTermination,
      disableApiStop: spec.disableApiStop,
      tags: new Map(spec.tags.map((t) => [t.Key as string, t.Value ?? ''])),
      clientToken: spec.clientToken,
      release: this.store.releaseOf(spec.image),
      console: [],
      failBoot: this.failNext > 0,
      builder: parseBuilder(spec.userData),
    };
    if (inst.failBoot) this.failNext--;
    this.store.instances.set(inst.id, inst);
    this.boot(inst);
    this.emit(inst);
    return inst;
  }

  /** running → stopping → stopped. */
  stop(inst: InstanceRec, reason: Reason): void {
    this.cancelTimers(inst);
    this.set(inst, 'stopping', reason, this.transition(reason));
    inst.timer = this.ctx.clock.after(STOP_MS, () => {
      inst.timer = undefined;
      inst.runningSince = undefined;
      this.set(inst, 'stopped', reason, inst.transitionReason);
    });
  }

  /** stopped → pending → running. */
  start(inst: InstanceRec): void {
    this.cancelTimers(inst);
    this.set(inst, 'pending', REASONS.pending, '');
    this.boot(inst);
  }

  /** → shutting-down → terminated; no-op when already on the way. */
  terminate(inst: InstanceRec, reason: Reason): void {
    if (inst.state === 'shutting-down' || inst.state === 'terminated') return;
    this.cancelTimers(inst);
    inst.runningSince = undefined;
    this.set(inst, 'shutting-down', reason, this.transition(reason));
    inst.timer = this.ctx.clock.after(TERMINATE_MS, () => {
      inst.timer = undefined;
      this.set(inst, 'terminated', reason, inst.transitionReason);
      this.ctx.clock.after(VISIBLE_MS, () => this.store.instances.delete(inst.id));
    });
  }

  /** Running, past the app's start time, and the release is healthy. */
  appAnswering(instanceId: string): boolean {
    const inst = this.store.instances.get(instanceId);
    if (!inst || inst.state !== 'running' || inst.runningSince === undefined) return false;
    const app = this.ctx.apps.get(inst.release);
    return app.healthy && this.ctx.clock.now() >= inst.runningSince + (inst.appStartMs ?? app.appStartSeconds * 1000);
  }

  errorRate(instanceId: string): number {
    const inst = this.store.instances.get(instanceId);
    return inst ? this.ctx.apps.get(inst.release).errorRate : 0;
  }

  private boot(inst: InstanceRec): void {
    const app = this.ctx.apps.get(inst.release);
    const latency = this.ctx.latency;
    const bootMs = Math.round((latency?.jittered(app.bootSeconds) ?? app.bootSeconds) * 1000);
    if (latency) inst.appStartMs = Math.round(latency.jittered(app.appStartSeconds) * 1000);
    const timing = { release: inst.release, launchTime: this.ctx.clock.now(), bootMs, appStartMs: inst.appStartMs ?? app.appStartSeconds * 1000 };
    this.store.timings.set(inst.id, { ...this.store.timings.get(inst.id), ...timing });
    inst.timer = this.ctx.clock.after(bootMs, () => {
      inst.timer = undefined;
      if (inst.failBoot) {
        inst.failBoot = false;
        this.post(inst, `[    0.000000] Kernel panic - not syncing: VFS: Unable to mount root fs`);
        this.terminate(inst, REASONS.internal);
        return;
      }
      inst.runningSince = this.ctx.clock.now();
      this.post(
        inst,
        `[    0.000000] Linux version 6.1.0-redblack (embedded cloud)`,
        `cloud-init[1]: Cloud-init v. 23.4 running 'modules:final' at ${new Date(this.ctx.clock.now()).toUTCString()}.`,
        `cloud-init[1]: ${inst.id} booted from ${inst.imageId}`,
      );
      this.set(inst, 'running', undefined, '');
      if (inst.builder && inst.builder.outcome === undefined) this.scheduleBake(inst, inst.builder);
    });
  }

  /**
   * Console output as EC2 posts it: asynchronously, so a line may become visible to
   * GetConsoleOutput well after it was written (up to `consoleLagMaxMs`, a seeded draw per line,
   * never out of order).
   */
  consoleLagMaxMs = 0;

  private post(inst: InstanceRec, ...lines: string[]): void {
    const posted = (inst.consolePostedAt ??= inst.console.map(() => 0));
    const last = posted.at(-1) ?? 0;
    for (const line of lines) {
      const lag = this.consoleLagMaxMs > 0 ? this.ctx.rng.int(0, this.consoleLagMaxMs) : 0;
      inst.console.push(line);
      posted.push(Math.max(last, this.ctx.clock.now() + lag));
    }
  }

  /** cloud-init runs user data once per instance: install, report on the console, power off. */
  private scheduleBake(inst: InstanceRec, b: Builder): void {
    const app = this.ctx.apps.get(b.release);
    this.post(inst, `redblack-bake: installing s3://${b.bucket}/${b.key}${b.versionId ? ` (version ${b.versionId})` : ''}`);
    const installMs = Math.round((this.ctx.latency?.jittered(app.installSeconds) ?? app.installSeconds) * 1000);
    const timing = this.store.timings.get(inst.id);
    if (timing) timing.installMs = installMs;
    inst.bakeTimer = this.ctx.clock.after(installMs, () => {
      inst.bakeTimer = undefined;
      let failure: string | undefined;
      if (!this.ctx.s3.objectExists(b.bucket, b.key, b.versionId)) failure = `artifact s3://${b.bucket}/${b.key} not found`;
      else if (app.installFails) failure = 'install command exited with status 1';
      b.outcome = failure ? 'failed' : 'ok';
      const verdict = failure ? `failed: ${failure}` : 'ok';
      // The script tags the builder with its verdict (CreateTags on itself, through its instance
      // profile) before it writes the console line and powers off: the durable, prompt channel.
      inst.tags.set(BAKE_RESULT_TAG, verdict.slice(0, 256));
      this.post(inst, `redblack-bake: ${verdict}`);
      if (!failure && b.release !== undefined) inst.release = b.release;
      this.post(inst, 'reboot: Power down');
      if (inst.shutdownBehavior === 'terminate') this.terminate(inst, REASONS.instance);
      else this.stop(inst, REASONS.instance);
    });
  }

  private transition(reason: Reason): string {
    return reason === REASONS.user ? `User initiated (${gmt(this.ctx.clock.now())})` : reason.Message;
  }

  private cancelTimers(inst: InstanceRec): void {
    inst.timer?.cancel();
    inst.timer = undefined;
    inst.bakeTimer?.cancel();
    inst.bakeTimer = undefined;
  }

  private set(inst: InstanceRec, state: InstanceStateName, reason: Reason | undefined, transition: string): void {
    inst.state = state;
    inst.stateReason = reason;
    inst.transitionReason = transition;
    this.emit(inst);
  }

  private emit(inst: InstanceRec): void {
    for (const fn of [...this.subscribers]) fn(inst.id, inst.state);
  }

  private privateIp(subnet: SubnetRec | undefined): string {
    const [base, bits] = (subnet?.cidr ?? '172.31.0.0/16').split('/');
    const size = 2 ** (32 - Number(bits));
    const start = (base as string).split('.').reduce((n, o) => n * 256 + Number(o), 0);
    // AWS reserves the first four and the last address of a subnet.
    const ip = start + (size > 8 ? this.ctx.rng.int(4, size - 2) : 4);
    return [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join('.');
  }
}

/** A line `REDBLACK_ARTIFACT=s3://<bucket>/<key>` (optionally quoted) makes a bake builder. */
export function parseBuilder(userData: string | undefined): Builder | undefined {
  if (!userData) return undefined;
  const vars: Record<string, string> = {};
  for (const line of Buffer.from(userData, 'base64').toString('utf8').split(/\r?\n/)) {
    // `s`: a key may hold U+2028 and friends, which `.` would not match.
    const m = /^\s*(?:export\s+)?(REDBLACK_ARTIFACT(?:_VERSION)?)=(.*?)\s*$/s.exec(line);
    const value = m ? shellWord(m[2] as string) : undefined;
    if (m && value !== undefined) vars[m[1] as string] = value;
  }
  const uri = /^s3:\/\/([^/]+)\/(.+)$/s.exec(vars.REDBLACK_ARTIFACT ?? '');
  if (!uri) return undefined;
  const key = uri[2] as string;
  const parts = key.split('/');
  const release = parts[0] === 'releases' && parts.length >= 4 ? parts[2] : undefined;
  return { bucket: uri[1] as string, key, versionId: vars.REDBLACK_ARTIFACT_VERSION || undefined, release };
}

/** One shell word as bash reads it: '…' runs, "…" runs, \x escapes and bare text, concatenated. */
function shellWord(word: string): string | undefined {
  let out = '';
  for (let i = 0; i < word.length; ) {
    const c = word[i] as string;
    if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const end = word.indexOf('"', i + 1);
      if (end < 0) return undefined;
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === '\\') {
      out += word[i + 1] ?? '';
      i += 2;
    } else if (/\s/.test(c)) {
      return undefined;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
