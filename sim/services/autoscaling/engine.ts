/**
 * The group controller on the virtual clock. Event-driven: a reconcile pass is queued whenever
 * something changes (API call, EC2 state change, lifecycle action), and a health-check pass runs
 * every 10 s only while some group has instances. Instance lifecycle:
 * Pending → (Pending:Wait) → InService → Terminating (drain) → (Terminating:Wait) → Terminated.
 */
import type { LifecycleHook } from '@aws-sdk/client-auto-scaling';
import { dropPolicyAlarms } from './settings.js';
import { AwsFault } from '../../aws-fault.js';
import {
  type AsgInstance,
  type AsgState,
  type Attachment,
  type Group,
  LAUNCHING,
  TERMINATING,
  activityOpen,
  changed,
  isTerminating,
  iso,
  newActivity,
  setActivity,
} from './model.js';
import { LifecycleActions } from './actions.js';
import { HealthChecks } from './health.js';
import { Peers } from './peers.js';
import { chooseVictims } from './termination.js';

const MAX_LAUNCH_BACKOFF_MS = 300_000;

export class Engine {
  readonly peers: Peers;
  private subscribedEc2 = false;
  private subscribedElb = false;

  readonly actions: LifecycleActions;
  readonly health: HealthChecks;

  constructor(private readonly s: AsgState) {
    this.peers = new Peers(s.ctx);
    this.actions = new LifecycleActions(s, this);
    this.health = new HealthChecks(s, this);
  }

  private get ctx() {
    return this.s.ctx;
  }

  private now(): number {
    return this.ctx.clock.now();
  }

  /** Subscribed lazily: the EC2 object may not exist yet while the cloud is being built. */
  ensureSubscribed(): void {
    if (!this.subscribedElb) {
      this.subscribedElb = true;
      this.ctx.hooks.on('targetHealthChanged', (e) => this.onTargetHealth(e.targetGroupArn, e.targetId, e.state));
    }
    if (this.subscribedEc2) return;
    try {
      this.ctx.ec2.onStateChange((id, state) => this.onEc2State(id, state));
      this.subscribedEc2 = true;
    } catch {
      // EC2 not ready: retried on the next group creation; the health pass polls EC2 meanwhile.
    }
  }

  suspended(g: Group, process: string): boolean {
    return g.suspended.has(process);
  }

  /** Queue one reconcile pass for the group (coalesced). */
  queue(g: Group): void {
    if (g.reconcileQueued) return;
    g.reconcileQueued = true;
    this.ctx.clock.after(0, () => {
      g.reconcileQueued = false;
      if (this.s.groups.get(g.name) === g) this.reconcile(g);
    });
  }

  private reconcile(g: Group): void {
    if (!this.suspended(g, 'ReplaceUnhealthy') && !this.suspended(g, 'Terminate')) {
      for (const i of [...g.instances.values()]) if (!i.healthy && !isTerminating(i)) this.startTermination(i, i.unhealthyCause ?? 'unhealthy');
    }
    if (g.deleting) return;
    const live = [...g.instances.values()].filter((i) => !isTerminating(i));
    const now = this.now();
    if (live.length < g.desired && !this.suspended(g, 'Launch')) {
      if (now < g.launchRetryAt) {
        g.retry ??= this.ctx.clock.at(g.launchRetryAt, () => ((g.retry = undefined), this.queue(g)));
      } else {
        const cause = this.capacityCause(g, `an instance was started in response to a difference between desired and actual capacity, increasing the capacity from ${live.length} to ${g.desired}`);
        for (let n = live.length; n < g.desired; n++) if (!this.launchOne(g, cause)) break;
      }
    } else if (live.length > g.desired && !this.suspended(g, 'Terminate')) {
      const cause = this.capacityCause(g, `an instance was taken out of service in response to a difference between desired and actual capacity, shrinking the capacity from ${live.length} to ${g.desired}`);
      for (const v of chooseVictims(g, live, live.length - g.desired, now, this.ctx.rng)) this.startTermination(v, cause);
    }
    this.health.ensureTicker();
  }

  private capacityCause(g: Group, what: string): string {
    const cause = `${g.capacityCause ? `${g.capacityCause}  ` : ''}At ${iso(this.now())} ${what}.`;
    g.capacityCause = undefined;
    return cause;
  }

  /** Pick the subnet whose zone has the fewest live instances; ties go round-robin. */
  private pickSubnet(g: Group): string {
    const perZone = new Map<string, number>();
    for (const i of g.instances.values()) if (!isTerminating(i)) perZone.set(i.az, (perZone.get(i.az) ?? 0) + 1);
    let best = g.subnets[0] as string;
    let bestCount = Infinity;
    for (let k = 0; k < g.subnets.length; k++) {
      const subnet = g.subnets[(g.launchCursor + k) % g.subnets.length] as string;
      const count = perZone.get(g.zones.get(subnet) ?? '') ?? 0;
      if (count < bestCount) [best, bestCount] = [subnet, count];
    }
    return best;
  }

  private launchOne(g: Group, cause: string): boolean {
    const base = g.launchTemplate ?? g.mixed?.LaunchTemplate?.LaunchTemplateSpecification ?? {};
    const overrides = g.mixed?.LaunchTemplate?.Overrides ?? [];
    const override = overrides.length > 0 ? overrides[g.launchCursor % overrides.length] : undefined;
    const spec = override?.LaunchTemplateSpecification ?? base;
    const subnetId = this.pickSubnet(g);
    const az = g.zones.get(subnetId) ?? '';
    g.launchCursor++;
    const details = { 'Subnet ID': subnetId, 'Availability Zone': az };
    let id: string;
    try {
      id = this.ctx.ec2.launchForGroup({
        launchTemplate: spec.LaunchTemplateId ? { LaunchTemplateId: spec.LaunchTemplateId, Version: spec.Version } : { LaunchTemplateName: spec.LaunchTemplateName, Version: spec.Version },
        subnetId,
        instanceType: override?.InstanceType,
        groupName: g.name,
        tags: [...g.tags.values()].filter((t) => t.PropagateAtLaunch).map((t) => ({ Key: t.Key, Value: t.Value })),
      });
    } catch (err) {
      if (!(err instanceof AwsFault)) throw err;
      const a = newActivity(this.s, g, `Launching a new EC2 instance.  Status Reason: ${err.message}`, cause, details);
      setActivity(this.s, a, 'Failed', err.message);
      g.launchFailures++;
      g.launchRetryAt = this.now() + Math.min(MAX_LAUNCH_BACKOFF_MS, 10_000 * 2 ** (g.launchFailures - 1));
      g.retry ??= this.ctx.clock.at(g.launchRetryAt, () => ((g.retry = undefined), this.queue(g)));
      return false;
    }
    g.launchFailures = 0;
    const version = Number(spec.Version);
    const inst: AsgInstance = {
      id,
      group: g,
      subnetId,
      az,
      instanceType: override?.InstanceType,
      launchTemplate: { LaunchTemplateId: spec.LaunchTemplateId, LaunchTemplateName: spec.LaunchTemplateName, Version: spec.Version },
      versionNumber: Number.isInteger(version) ? version : undefined,
      lifecycle: 'Pending',
      healthy: true,
      protected: g.protectNew,
      launchedAt: this.now(),
      actions: new Map(),
      registered: new Set(),
      terminateRequested: false,
      hurried: false,
    };
    g.instances.set(id, inst);
    this.s.byInstance.set(id, inst);
    this.peers.instanceDetails(id, (d) => {
      inst.instanceType = d.instanceType ?? inst.instanceType;
      inst.az = d.az ?? inst.az;
      inst.imageId = d.imageId;
      inst.versionNumber = d.version ?? inst.versionNumber;
    });
    inst.launchActivity = newActivity(this.s, g, `Launching a new EC2 instance: ${id}`, cause, details);
    setActivity(this.s, inst.launchActivity, 'PreInService');
    changed(this.s, g);
    if (this.ctx.ec2.instanceState(id) === 'running') this.booted(inst);
    return true;
  }

  // ── EC2 and ELB events ──────────────────────────────────────────────────────────────────

  private onEc2State(id: string, state: string): void {
    const inst = this.s.byInstance.get(id);
    if (!inst) return;
    if (state === 'running') {
      if (inst.lifecycle === 'Pending') this.booted(inst);
    } else if (state === 'terminated' && inst.terminateRequested) {
      this.gone(inst);
    } else if (state !== 'pending') {
      this.ec2Unhealthy(inst);
    }
  }

  private onTargetHealth(targetGroupArn: string, targetId: string, state: string): void {
    const inst = this.s.byInstance.get(targetId);
    if (!inst) return;
    const att = inst.group.attachments.find((a) => a.identifier === targetGroupArn);
    if (att && state === 'healthy' && (att.state === 'Added' || att.state === 'Adding')) att.state = 'InService';
    if (att?.state === 'Removing') this.health.updateAttachments(inst.group);
    if (inst.drainTimer) this.checkDrain(inst);
  }

  ec2Unhealthy(inst: AsgInstance): void {
    if (isTerminating(inst) || !inst.healthy || this.suspended(inst.group, 'HealthCheck')) return;
    this.markUnhealthy(inst, 'an EC2 health check indicating it has been terminated or stopped');
  }

  markUnhealthy(inst: AsgInstance, reason: string): void {
    inst.healthy = false;
    inst.unhealthyCause = `At ${iso(this.now())} an instance was taken out of service in response to ${reason}.`;
    changed(this.s, inst.group);
    this.queue(inst.group);
  }

  // ── Launch side ─────────────────────────────────────────────────────────────────────────

  private hooksFor(g: Group, transition: string): LifecycleHook[] {
    return [...g.hooks.values()].filter((h) => h.LifecycleTransition === transition);
  }

  booted(inst: AsgInstance): void {
    const hooks = this.hooksFor(inst.group, LAUNCHING);
    if (hooks.length === 0) return this.enterService(inst);
    inst.lifecycle = 'Pending:Wait';
    setActivity(this.s, inst.launchActivity, 'MidLifecycleAction');
    this.actions.start(inst, hooks);
    changed(this.s, inst.group);
  }

  enterService(inst: AsgInstance): void {
    const g = inst.group;
    // Registered before InService (UG lifecycle), unless AddToLoadBalancer is suspended.
    if (!this.suspended(g, 'AddToLoadBalancer')) {
      for (const att of g.attachments) if (att.state !== 'Removing') this.register(inst, att);
    }
    inst.lifecycle = 'InService';
    inst.inServiceAt = this.now();
    setActivity(this.s, inst.launchActivity, 'Successful');
    changed(this.s, g);
    this.health.ensureTicker();
  }

  register(inst: AsgInstance, att: Attachment): void {
    // A target group deleted behind the group's back is skipped (AWS keeps trying, to no effect).
    if (!this.ctx.elb.hasTargetGroup(att.identifier)) return;
    this.ctx.elb.registerInstanceTargets(att.identifier, [inst.id]);
    inst.registered.add(att.identifier);
    if (att.state === 'Adding') att.state = 'Added';
  }

  // ── Termination side ────────────────────────────────────────────────────────────────────

  startTermination(inst: AsgInstance, cause: string): void {
    if (isTerminating(inst)) return;
    const g = inst.group;
    this.actions.clear(inst);
    if (inst.launchActivity && activityOpen(inst.launchActivity)) {
      setActivity(this.s, inst.launchActivity, 'Failed', `Instance ${inst.id} was taken out of service before it entered the InService state.`);
    }
    inst.lifecycle = 'Terminating';
    inst.terminateActivity = newActivity(this.s, g, `Terminating EC2 instance: ${inst.id}`, cause, { 'Subnet ID': inst.subnetId, 'Availability Zone': inst.az });
    changed(this.s, g);
    this.queue(g);
    this.drain(inst);
  }

  /** Deregister from the target groups first; wait for draining, at most the deregistration delay. */
  private drain(inst: AsgInstance): void {
    const tgs = [...inst.registered].filter((tg) => this.ctx.elb.hasTargetGroup(tg));
    for (const tg of tgs) this.ctx.elb.deregisterInstanceTargets(tg, [inst.id]);
    if (tgs.length === 0 || inst.hurried) return this.afterDrain(inst);
    setActivity(this.s, inst.terminateActivity, 'WaitingForELBConnectionDraining');
    const start = this.now();
    let delay = -1;
    // The longest deregistration delay of the target groups; ELB may answer it later (async).
    const arm = (ms: number) => {
      if (ms <= delay || (delay >= 0 && !inst.drainTimer)) return;
      delay = ms;
      inst.drainTimer?.cancel();
      inst.drainTimer = this.ctx.clock.at(start + ms, () => this.afterDrain(inst));
    };
    for (const tg of tgs) arm(this.peers.deregistrationDelayMs(tg, arm));
    this.health.ensureTicker();
    this.checkDrain(inst);
  }

  checkDrain(inst: AsgInstance): void {
    if (!inst.drainTimer) return;
    for (const tg of inst.registered) {
      const st = this.ctx.elb.targetState(tg, inst.id);
      if (st !== undefined && st !== 'unused') return;
    }
    this.afterDrain(inst);
  }

  private afterDrain(inst: AsgInstance): void {
    inst.drainTimer?.cancel();
    inst.drainTimer = undefined;
    inst.registered.clear();
    const hooks = inst.hurried ? [] : this.hooksFor(inst.group, TERMINATING);
    if (hooks.length === 0) return this.proceedTerminate(inst);
    inst.lifecycle = 'Terminating:Wait';
    setActivity(this.s, inst.terminateActivity, 'MidLifecycleAction');
    this.actions.start(inst, hooks);
    changed(this.s, inst.group);
  }

  proceedTerminate(inst: AsgInstance): void {
    if (inst.terminateRequested) return;
    this.actions.clear(inst);
    if (inst.lifecycle === 'Terminating:Wait') inst.lifecycle = 'Terminating:Proceed';
    inst.terminateRequested = true;
    setActivity(this.s, inst.terminateActivity, 'InProgress');
    const before = this.ctx.ec2.instanceState(inst.id);
    if (before !== undefined && before !== 'terminated') {
      try {
        this.ctx.ec2.terminateForGroup(inst.id);
      } catch (err) {
        if (!(err instanceof AwsFault)) throw err;
      }
    }
    const after = this.ctx.ec2.instanceState(inst.id);
    if (after === undefined || after === 'terminated') this.gone(inst);
    else changed(this.s, inst.group);
  }

  gone(inst: AsgInstance): void {
    if (inst.lifecycle === 'Terminated') return;
    const g = inst.group;
    this.actions.clear(inst);
    inst.drainTimer?.cancel();
    inst.lifecycle = 'Terminated';
    g.instances.delete(inst.id);
    this.s.byInstance.delete(inst.id);
    setActivity(this.s, inst.terminateActivity, 'Successful');
    changed(this.s, g);
    if (g.deleting && g.instances.size === 0) this.finishDelete(g);
    else this.queue(g);
  }

  /** Force delete: no draining and no hooks; the group goes once its instances are gone. */
  forceDelete(g: Group, cause: string): void {
    g.deleting = true;
    g.min = g.max = g.desired = 0;
    g.retry?.cancel();
    for (const inst of [...g.instances.values()]) {
      inst.hurried = true;
      if (!isTerminating(inst)) this.startTermination(inst, cause);
      else if (inst.drainTimer) this.afterDrain(inst);
      else if (inst.lifecycle === 'Terminating:Wait') this.proceedTerminate(inst);
    }
    if (g.instances.size === 0) this.finishDelete(g);
  }

  finishDelete(g: Group): void {
    if (this.s.groups.get(g.name) !== g) return;
    g.retry?.cancel();
    dropPolicyAlarms(this.s, g);
    this.s.groups.delete(g.name);
    for (const inst of g.instances.values()) this.s.byInstance.delete(inst.id);
    this.s.deletedActivities.unshift(...g.activities);
    changed(this.s, g);
  }
}
