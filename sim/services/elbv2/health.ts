/**
 * Targets and their health on the virtual clock (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html). Each target is checked
 * every HealthCheckIntervalSeconds, aligned to its registration time; a target group keeps one
 * clock event, at its earliest due check, so an hour of 100 targets costs a few thousand events.
 * Targets of a group no listener or rule forwards to are `unused` and not checked (AWS).
 */
import type {
  DeregisterTargetsCommandInput,
  DescribeTargetHealthCommandInput,
  DescribeTargetHealthCommandOutput,
  RegisterTargetsCommandInput,
  TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import type { TargetGroupRec, TargetRec, TargetState } from './model.js';
import { intRange, nonEmpty, required } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

const MAX_TARGETS = 1000;

const DESCRIPTIONS: Record<string, string> = {
  'Elb.RegistrationInProgress': 'Target registration is in progress',
  'Elb.InitialHealthChecking': 'Initial health checks in progress',
  'Target.Timeout': 'Request timed out',
  'Target.FailedHealthChecks': 'Health checks failed',
  'Target.NotInUse': 'Target group is not configured to receive traffic from the load balancer',
  'Target.DeregistrationInProgress': 'Target deregistration is in progress',
  'Target.NotRegistered': 'Target is not registered to the target group',
  'Target.HealthCheckDisabled': 'Health checks are disabled',
};

export class TargetHealthSim {
  constructor(private readonly sim: ElbSim) {}

  private get ctx() {
    return this.sim.ctx;
  }

  // ---- operations ----

  registerTargets(input: RegisterTargetsCommandInput): void {
    const tg = this.sim.targetGroups.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    const targets = nonEmpty(input.Targets, 'Targets');
    for (const t of targets) {
      required(t.Id, 'Id');
      intRange(t.Port, 'Port', 1, 65535);
    }
    if (tg.targetType === 'instance') {
      const invalid = targets.filter((t) => !/^i-[0-9a-f]{8,17}$/.test(t.Id as string) || this.ctx.ec2.instanceState(t.Id as string) === undefined);
      if (invalid.length) throw new AwsFault('InvalidTarget', `The following targets are not valid instances: '${invalid.map((t) => t.Id).join("', '")}'`);
      const notRunning = targets.filter((t) => this.ctx.ec2.instanceState(t.Id as string) !== 'running');
      if (notRunning.length) {
        throw new AwsFault('InvalidTarget', `The following targets are not in a running state and cannot be registered: '${notRunning.map((t) => t.Id).join("', '")}'`);
      }
    }
    const fresh = new Set(targets.map((t) => key(t.Id as string, t.Port ?? tg.port ?? 0)));
    for (const k of tg.targets.keys()) fresh.delete(k);
    if (tg.targets.size + fresh.size > MAX_TARGETS) throw new AwsFault('TooManyTargets', 'You have reached the limit on the number of targets');
    for (const t of targets) this.register(tg, t.Id as string, t.Port ?? tg.port ?? 0);
  }

  deregisterTargets(input: DeregisterTargetsCommandInput): void {
    const tg = this.sim.targetGroups.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    const targets = nonEmpty(input.Targets, 'Targets');
    for (const t of targets) {
      required(t.Id, 'Id');
      intRange(t.Port, 'Port', 1, 65535);
    }
    // Unknown targets (or a port that does not match the registration) are ignored, as AWS does.
    for (const t of targets) this.deregister(tg, t.Id as string, t.Port ?? tg.port ?? 0);
  }

  describeTargetHealth(input: DescribeTargetHealthCommandInput): Out<DescribeTargetHealthCommandOutput> {
    const tg = this.sim.targetGroups.get(required(input.TargetGroupArn, 'TargetGroupArn'));
    const describe = (t: TargetRec): TargetHealthDescription => ({
      Target: { Id: t.id, Port: t.port },
      HealthCheckPort: tg.hc.port === 'traffic-port' ? String(t.port) : tg.hc.port,
      TargetHealth: { State: t.state, ...(t.reason ? { Reason: t.reason as never, Description: t.description ?? DESCRIPTIONS[t.reason] } : {}) },
    });
    if (!input.Targets?.length) return { TargetHealthDescriptions: [...tg.targets.values()].map(describe) };
    const out: TargetHealthDescription[] = [];
    for (const want of input.Targets) {
      const id = required(want.Id, 'Id');
      const matches = [...tg.targets.values()].filter((t) => t.id === id && (want.Port === undefined || t.port === want.Port));
      if (matches.length) out.push(...matches.map(describe));
      else {
        if (tg.targetType === 'instance' && this.ctx.ec2.instanceState(id) === undefined) {
          throw new AwsFault('InvalidTarget', `The following targets are not valid instances: '${id}'`);
        }
        const port = want.Port ?? tg.port ?? 0;
        out.push({
          Target: { Id: id, Port: port },
          HealthCheckPort: tg.hc.port === 'traffic-port' ? String(port) : tg.hc.port,
          TargetHealth: { State: 'unused', Reason: 'Target.NotRegistered', Description: DESCRIPTIONS['Target.NotRegistered'] },
        });
      }
    }
    return { TargetHealthDescriptions: out };
  }

  // ---- the simulation ----

  register(tg: TargetGroupRec, id: string, port: number): void {
    const k = key(id, port);
    const existing = tg.targets.get(k);
    if (existing && existing.state !== 'draining') return;
    existing?.drainTimer?.cancel();
    // No state yet, so that the first one is announced (targetHealthChanged) whatever it is.
    const t: TargetRec = { id, port, registeredAt: this.ctx.clock.now(), state: '' as TargetState, passes: 0, fails: 0 };
    tg.targets.set(k, t);
    this.activate(tg, t);
    this.schedule(tg);
  }

  deregister(tg: TargetGroupRec, id: string, port: number | undefined): void {
    for (const [k, t] of tg.targets) {
      if (t.id !== id || (port !== undefined && t.port !== port) || t.state === 'draining') continue;
      t.nextCheck = undefined;
      this.setState(tg, t, 'draining', 'Target.DeregistrationInProgress');
      const delay = Number(tg.attributes.get('deregistration_delay.timeout_seconds') ?? 300) * 1000;
      t.drainTimer = this.ctx.clock.after(delay, () => {
        if (tg.targets.get(k) !== t) return;
        tg.targets.delete(k);
        this.ctx.hooks.emit('targetHealthChanged', { targetGroupArn: tg.arn, targetId: id, state: 'unused' });
      });
    }
    this.schedule(tg);
  }

  /** The group started or stopped being forwarded to: targets go `initial` or `unused`. */
  setInUse(tg: TargetGroupRec, inUse: boolean): void {
    if (tg.inUse === inUse) return;
    tg.inUse = inUse;
    for (const t of tg.targets.values()) if (t.state !== 'draining') this.activate(tg, t);
    this.schedule(tg);
  }

  /** The health check interval changed: realign every checked target. */
  rephase(tg: TargetGroupRec): void {
    const now = this.ctx.clock.now();
    for (const t of tg.targets.values()) if (t.nextCheck !== undefined) t.nextCheck = this.nextCheckAfter(tg, t, now);
    this.schedule(tg);
  }

  dropGroup(tg: TargetGroupRec): void {
    tg.deleted = true;
    tg.timer?.cancel();
    for (const t of tg.targets.values()) t.drainTimer?.cancel();
    tg.targets.clear();
  }

  private activate(tg: TargetGroupRec, t: TargetRec): void {
    t.passes = 0;
    t.fails = 0;
    if (!tg.inUse) {
      t.nextCheck = undefined;
      this.setState(tg, t, 'unused', 'Target.NotInUse');
    } else if (!tg.hc.enabled) {
      t.nextCheck = undefined;
      this.setState(tg, t, 'unavailable', 'Target.HealthCheckDisabled');
    } else {
      t.nextCheck = this.nextCheckAfter(tg, t, this.ctx.clock.now());
      this.setState(tg, t, 'initial', 'Elb.RegistrationInProgress');
    }
  }

  /** The first check strictly after `now`, on the target's own phase. */
  private nextCheckAfter(tg: TargetGroupRec, t: TargetRec, now: number): number {
    const interval = tg.hc.interval * 1000;
    return t.registeredAt + (Math.floor((now - t.registeredAt) / interval) + 1) * interval;
  }

  private schedule(tg: TargetGroupRec): void {
    if (tg.deleted) return;
    let due: number | undefined;
    for (const t of tg.targets.values()) if (t.nextCheck !== undefined && (due === undefined || t.nextCheck < due)) due = t.nextCheck;
    if (due === tg.timerAt) return;
    tg.timer?.cancel();
    tg.timer = undefined;
    tg.timerAt = due;
    if (due !== undefined) tg.timer = this.ctx.clock.at(due, () => this.round(tg));
  }

  /** One check round: every target whose check is due now. */
  private round(tg: TargetGroupRec): void {
    tg.timer = undefined;
    tg.timerAt = undefined;
    if (tg.deleted) return;
    const now = this.ctx.clock.now();
    for (const t of tg.targets.values()) {
      if (t.nextCheck === undefined || t.nextCheck > now) continue;
      this.check(tg, t);
      t.nextCheck = this.nextCheckAfter(tg, t, now);
    }
    this.ctx.hooks.emit('healthTick', { targetGroupArn: tg.arn });
    this.schedule(tg);
  }

  private check(tg: TargetGroupRec, t: TargetRec): void {
    const failure = this.probe(tg, t);
    if (failure === undefined) {
      t.fails = 0;
      t.passes++;
      if (t.state !== 'healthy' && t.passes >= tg.hc.healthy) this.setState(tg, t, 'healthy', undefined);
      else if (t.state === 'initial') this.setState(tg, t, 'initial', 'Elb.InitialHealthChecking');
    } else {
      t.passes = 0;
      t.fails++;
      if (t.state === 'unhealthy' || t.fails >= tg.hc.unhealthy) this.setState(tg, t, 'unhealthy', failure);
      else if (t.state === 'initial') this.setState(tg, t, 'initial', 'Elb.InitialHealthChecking');
    }
  }

  /** undefined when the check passes, else the failure reason. */
  private probe(tg: TargetGroupRec, t: TargetRec): string | undefined {
    if (tg.targetType !== 'instance') return undefined;
    if (this.ctx.ec2.appAnswering(t.id)) return undefined;
    // A stopped or terminated instance refuses the connection; a running one whose app is not up times out.
    return this.ctx.ec2.instanceState(t.id) === 'running' ? 'Target.Timeout' : 'Target.FailedHealthChecks';
  }

  private setState(tg: TargetGroupRec, t: TargetRec, state: TargetState, reason: string | undefined): void {
    const changed = t.state !== state;
    t.state = state;
    t.reason = reason;
    t.description = undefined;
    if (changed) this.ctx.hooks.emit('targetHealthChanged', { targetGroupArn: tg.arn, targetId: t.id, state });
  }

  /** Routing: healthy targets, or every non-draining target when too few are healthy (fail open). */
  routed(tg: TargetGroupRec): TargetRec[] {
    const live = [...tg.targets.values()].filter((t) => t.state !== 'draining' && t.state !== 'unused');
    const healthy = live.filter((t) => t.state === 'healthy');
    const min = Number(tg.attributes.get('target_group_health.unhealthy_state_routing.minimum_healthy_targets.count') ?? 1);
    const pct = tg.attributes.get('target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage') ?? 'off';
    const enough = healthy.length >= min && (pct === 'off' || healthy.length * 100 >= Number(pct) * live.length);
    return enough ? healthy : live;
  }

  answering(tg: TargetGroupRec, t: TargetRec): boolean {
    return tg.targetType !== 'instance' || this.ctx.ec2.appAnswering(t.id);
  }
}

const key = (id: string, port: number) => `${id}:${port}`;
