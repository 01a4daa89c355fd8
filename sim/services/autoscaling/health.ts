/**
 * The periodic health-check pass: every 10 s while some group has instances (or target groups
 * being removed). EC2 checks also run on every EC2 state change; ELB checks only here, after
 * the grace period and once the traffic source is InService (https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-health-checks.html).
 */
import type { Cancel } from '../../clock.js';
import type { Engine } from './engine.js';
import { type AsgState, type Group, isTerminating } from './model.js';

const HEALTH_PERIOD_MS = 10_000;

export class HealthChecks {
  private ticker?: Cancel;

  constructor(
    private readonly s: AsgState,
    private readonly engine: Engine,
  ) {}

  ensureTicker(): void {
    if (this.ticker) return;
    let busy = false;
    for (const g of this.s.groups.values()) if (g.instances.size > 0 || g.attachments.some((a) => a.state === 'Removing')) busy = true;
    if (!busy) return;
    this.ticker = this.s.ctx.clock.after(HEALTH_PERIOD_MS, () => {
      this.ticker = undefined;
      for (const g of [...this.s.groups.values()]) this.healthPass(g);
      this.ensureTicker();
    });
  }

  private healthPass(g: Group): void {
    const now = this.s.ctx.clock.now();
    const elbCheck = g.healthCheckType.split(',').some((t) => t.trim() === 'ELB');
    for (const inst of [...g.instances.values()]) {
      if (inst.drainTimer) {
        this.engine.checkDrain(inst);
        continue;
      }
      const state = this.s.ctx.ec2.instanceState(inst.id);
      if (isTerminating(inst)) {
        if (inst.terminateRequested && (state === undefined || state === 'terminated')) this.engine.gone(inst);
        continue;
      }
      if (state === 'running' && inst.lifecycle === 'Pending') this.engine.booted(inst);
      if (this.engine.suspended(g, 'HealthCheck') || !inst.healthy) continue;
      if (state !== 'pending' && state !== 'running') {
        this.engine.ec2Unhealthy(inst);
        continue;
      }
      if (!elbCheck || inst.lifecycle !== 'InService' || now < (inst.inServiceAt ?? now) + g.grace * 1000) continue;
      // ELB results count only once the traffic source is InService (an instance passed a check).
      const failing = g.attachments.find((a) => a.state === 'InService' && this.s.ctx.elb.targetState(a.identifier, inst.id) === 'unhealthy');
      if (failing) this.engine.markUnhealthy(inst, 'an ELB system health check failure');
    }
    this.updateAttachments(g);
  }

  updateAttachments(g: Group): void {
    const now = this.s.ctx.clock.now();
    for (const att of [...g.attachments]) {
      if (att.state === 'Added' && [...g.instances.keys()].some((id) => this.s.ctx.elb.targetState(att.identifier, id) === 'healthy')) att.state = 'InService';
      if (att.state !== 'Removing') continue;
      const drained = (att.draining ?? []).every((id) => {
        const st = this.s.ctx.elb.targetState(att.identifier, id);
        return st === undefined || st === 'unused';
      });
      if (drained || now >= (att.removeBy ?? 0)) g.attachments.splice(g.attachments.indexOf(att), 1);
    }
  }
}
