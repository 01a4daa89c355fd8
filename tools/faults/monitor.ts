/**
 * Invariants checked THROUGHOUT a run, at the moments they can break: every listener change,
 * every simulated health tick, every call that removes capacity. Also records what each
 * deployment created (invariant 6 is judged on it at the end).
 *
 * Traffic guard (invariant 1) — the exact rule. `share(tg)` is the target group's fraction of the
 * forward weights; `required(tg)` = max(1, ceil(desired × minHealthyPercent / 100)) with
 * `desired` the owning group's desired capacity now; only `healthy` targets count.
 *  (a) Raise: at every listener change, each target group whose share grew (the new group at a
 *      traffic step, the old group when a rollback restores it) must hold ≥ required healthy
 *      targets at that instant. The one excuse: the pipeline's last DescribeTargetHealth of that
 *      group showed enough, and a target left `healthy` only after that look — a loss the pipeline
 *      could not have seen (it races the write, e.g. during a slow ModifyListener).
 *  (b) Serving: at every health tick and listener change, each target group the pipeline raised
 *      that still has share > 0 must hold ≥ required healthy targets — unless the runner injected
 *      an instance loss into its group and the group has not recovered since. After the swap the
 *      pipeline cannot stop a fault from killing instances (Auto Scaling replaces them); what it
 *      can promise is (a) — never to move MORE traffic onto a short group — and (c).
 *  (c) The pipeline itself never removes capacity from a serving group: no delete, desired-capacity
 *      cut or instance termination while the group's target group has share > 0, and teardown
 *      safety (invariant 7): no group deleted while it serves or is the only healthy group.
 */
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling';
import { TAG } from '../../src/aws/tags.js';
import { requiredHealthy } from '../../src/domain/health.js';
import type { ScenarioWorld } from './world.js';
import { tap } from './tap.js';

export interface Violation {
  invariant: string;
  /** Simulated seconds since the monitor started. */
  at: number;
  message: string;
}

type Created = 'groups' | 'targetGroups' | 'baselineGroups' | 'baselineTargetGroups' | 'builders' | 'images' | 'schedules' | 'templateVersions';

interface GroupInfo {
  desired: number;
  targetGroup?: string;
  deleting: boolean;
}

/** How long an injected loss may take to show as a shortfall (termination, then failed health checks). */
const LOSS_GRACE_MS = 10 * 60_000;

const tagOf = (tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined => tags?.find((t) => t.Key === key)?.Value;
const nameOf = (tgArn: string): string => tgArn.split(':targetgroup/')[1]?.split('/')[0] ?? tgArn;

export class Monitor {
  readonly violations: Violation[] = [];
  /** Per deployment, what it created (ids or names). */
  readonly created: Record<Created, Map<string, Set<string>>> = {
    groups: new Map(),
    targetGroups: new Map(),
    /** A fresh canary baseline's group and target group (role tag `baseline`): one each per deployment at most. */
    baselineGroups: new Map(),
    baselineTargetGroups: new Map(),
    builders: new Map(),
    images: new Map(),
    schedules: new Map(),
    templateVersions: new Map(),
  };
  changes = 0;
  private readonly t0: number;
  private shares = new Map<string, number>();
  private readonly raised = new Set<string>();
  /** Target groups hit by an injected instance loss: since when, and whether the shortfall showed yet. */
  private readonly degraded = new Map<string, { since: number; seenShort: boolean }>();
  private readonly short = new Set<string>();
  private readonly looks = new Map<string, { at: number; healthy: number; required: number }>();
  private readonly healthyIds = new Map<string, Set<string>>();
  private readonly leftHealthyAt = new Map<string, number>();
  private readonly groups = new Map<string, GroupInfo>();
  private readonly changeListeners: ((index: number) => void)[] = [];
  private readonly scheduleListeners: ((name: string) => void)[] = [];

  constructor(
    private readonly world: ScenarioWorld,
    private readonly minHealthyPercent: number,
  ) {
    const cloud = world.cloud;
    this.t0 = cloud.clock.now();
    for (const name of cloud.autoscaling.groupNames()) this.refreshGroup(name);
    this.shares = this.currentShares();
    for (const tg of cloud.elb.state.targetGroups.keys()) this.healthyIds.set(tg, new Set(this.healthyTargets(tg)));

    cloud.hooks.on('listenerChanged', ({ arn }) => arn === world.listenerArn && this.onListenerChanged());
    cloud.hooks.on('healthTick', ({ targetGroupArn }) => this.checkServing(targetGroupArn, 'a health tick'));
    cloud.hooks.on('targetHealthChanged', (e) => this.onTargetHealth(e.targetGroupArn, e.targetId, e.state));
    cloud.hooks.on('groupChanged', ({ name }) => this.refreshGroup(name));
    this.installTaps();
  }

  /** Runs `fn(index)` at every listener change (index 0 = the first after the start). */
  onListenerChange(fn: (index: number) => void): void {
    this.changeListeners.push(fn);
  }

  /** Runs `fn(name)` when the pipeline creates a schedule. */
  onScheduleCreated(fn: (name: string) => void): void {
    this.scheduleListeners.push(fn);
  }

  /** The runner injected an instance loss into `group`: its shortfall is excused until it recovers. */
  markDegraded(group: string): void {
    const tg = this.groups.get(group)?.targetGroup;
    if (tg) this.degraded.set(tg, { since: this.world.cloud.clock.now(), seenShort: false });
  }

  violation(invariant: string, message: string): void {
    this.violations.push({ invariant, at: Math.round((this.world.cloud.clock.now() - this.t0) / 1000), message });
  }

  required(tg: string): number {
    let desired = 0;
    for (const g of this.groups.values()) if (g.targetGroup === tg && !g.deleting) desired = g.desired;
    return Math.max(1, requiredHealthy(desired, this.minHealthyPercent));
  }

  healthy(tg: string): number {
    return this.world.cloud.elb.healthyCount(tg);
  }

  share(tg: string): number {
    return this.shares.get(tg) ?? 0;
  }

  // ---- the traffic guard ----------------------------------------------------------------------

  private currentShares(): Map<string, number> {
    const forward = this.world.cloud.elb.forwardWeights(this.world.listenerArn);
    const total = forward.reduce((s, f) => s + f.weight, 0);
    return new Map(forward.map((f) => [f.targetGroupArn, total === 0 ? 0 : f.weight / total]));
  }

  private onListenerChanged(): void {
    const next = this.currentShares();
    const raisedNow: string[] = [];
    for (const [tg, share] of next) if (share > 0 && share > this.share(tg) + 1e-9) raisedNow.push(tg);
    this.shares = next;
    for (const tg of raisedNow) {
      this.raised.add(tg);
      this.checkRaise(tg);
    }
    for (const tg of next.keys()) this.checkServing(tg, 'a listener change');
    const index = this.changes++;
    for (const fn of this.changeListeners) fn(index);
  }

  private checkRaise(tg: string): void {
    const group = [...this.groups.values()].find((g) => g.targetGroup === tg && !g.deleting);
    if (group && group.desired === 0) {
      // The one guard: a group scaled to 0 never takes traffic, however many targets still answer.
      this.violation('1 traffic guard', `raised ${nameOf(tg)} to ${pct(this.share(tg))} while its group's desired capacity is 0`);
      this.short.add(tg);
      return;
    }
    const healthy = this.healthy(tg);
    const required = this.required(tg);
    if (healthy >= required) return;
    const look = this.looks.get(tg);
    const lostAfterLook = look !== undefined && look.healthy >= look.required && (this.leftHealthyAt.get(tg) ?? -Infinity) > look.at;
    if (lostAfterLook) return;
    const seen = look ? `its last health look saw ${look.healthy}/${look.required}` : 'it never looked at its health';
    this.violation('1 traffic guard', `raised ${nameOf(tg)} to ${pct(this.share(tg))} with ${healthy}/${required} healthy targets (${seen})`);
    this.short.add(tg);
  }

  private checkServing(tg: string, when: string): void {
    if (!this.raised.has(tg) || this.share(tg) === 0) return;
    const healthy = this.healthy(tg);
    const required = this.required(tg);
    const degraded = this.degraded.get(tg);
    if (healthy >= required) {
      // A loss takes effect later (terminations, failing health checks): the excuse lasts until
      // the shortfall has come and gone, or LOSS_GRACE_MS passed without one.
      if (degraded && (degraded.seenShort || this.world.cloud.clock.now() - degraded.since > LOSS_GRACE_MS)) this.degraded.delete(tg);
      this.short.delete(tg);
      return;
    }
    if (degraded) degraded.seenShort = true;
    if (degraded || this.short.has(tg)) return;
    this.short.add(tg);
    this.violation('1 traffic guard', `${nameOf(tg)} serves ${pct(this.share(tg))} with ${healthy}/${required} healthy targets at ${when}, and no injected fault explains it`);
  }

  private healthyTargets(tg: string): string[] {
    const rec = this.world.cloud.elb.state.targetGroups.get(tg);
    return rec ? [...rec.targets.values()].filter((t) => t.state === 'healthy').map((t) => t.id) : [];
  }

  private onTargetHealth(tg: string, id: string, state: string): void {
    let ids = this.healthyIds.get(tg);
    if (!ids) this.healthyIds.set(tg, (ids = new Set()));
    if (state === 'healthy') ids.add(id);
    else if (ids.delete(id)) this.leftHealthyAt.set(tg, this.world.cloud.clock.now());
  }

  private refreshGroup(name: string): void {
    const g = this.world.cloud.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] }).AutoScalingGroups?.[0] as AutoScalingGroup | undefined;
    const known = this.groups.get(name);
    if (!g) {
      if (known) known.deleting = true;
      return;
    }
    const targetGroup = g.TargetGroupARNs?.[0] ?? known?.targetGroup;
    this.groups.set(name, { desired: g.DesiredCapacity ?? 0, ...(targetGroup ? { targetGroup } : {}), deleting: g.Status !== undefined });
  }

  // ---- what the pipeline does: capacity removal and creations ---------------------------------

  private servingGroup(name: string | undefined): GroupInfo | undefined {
    const g = name === undefined ? undefined : this.groups.get(name);
    return g?.targetGroup && !g.deleting && this.share(g.targetGroup) > 0 ? g : undefined;
  }

  private add(kind: Created, deployment: string | undefined, id: string | number | undefined): void {
    if (deployment === undefined || id === undefined) return;
    const map = this.created[kind];
    let set = map.get(deployment);
    if (!set) map.set(deployment, (set = new Set()));
    set.add(String(id));
  }

  private installTaps(): void {
    const cloud = this.world.cloud;
    tap(cloud, 'elb', 'DescribeTargetHealth', {
      before: ({ input }) => {
        const tg = input.TargetGroupArn as string;
        this.looks.set(tg, { at: cloud.clock.now(), healthy: this.healthy(tg), required: this.required(tg) });
      },
    });
    tap(cloud, 'autoscaling', 'DeleteAutoScalingGroup', {
      before: ({ caller, input }) => {
        const name = input.AutoScalingGroupName as string;
        const g = this.groups.get(name);
        if (!g || g.deleting) return;
        if (this.servingGroup(name)) this.violation('7 teardown safety', `${caller} deleted ${name}, which serves ${pct(this.share(g.targetGroup as string))}`);
        // Invariant 7 is teardown's: a failed deployment's rollback may remove its own healthy group.
        if (caller !== 'teardown') return;
        const mine = g.targetGroup ? this.healthy(g.targetGroup) : 0;
        const others = [...this.groups.entries()].some(([n, o]) => n !== name && !o.deleting && o.targetGroup && this.healthy(o.targetGroup) > 0);
        if (mine > 0 && !others) this.violation('7 teardown safety', `${caller} deleted ${name}, the cluster's only healthy group`);
      },
    });
    const resize = ({ caller, input }: { caller: string; input: any }) => {
      const g = this.servingGroup(input.AutoScalingGroupName);
      const desired = input.DesiredCapacity ?? (input.MaxSize !== undefined ? Math.min(input.MaxSize, g?.desired ?? 0) : undefined);
      if (g && desired !== undefined && desired < g.desired) this.violation('1 traffic guard', `${caller} cut serving group ${input.AutoScalingGroupName} from ${g.desired} to ${desired}`);
    };
    tap(cloud, 'autoscaling', 'UpdateAutoScalingGroup', { before: resize });
    tap(cloud, 'autoscaling', 'SetDesiredCapacity', { before: resize });
    tap(cloud, 'ec2', 'TerminateInstances', {
      before: ({ caller, input }) => {
        const members = cloud.autoscaling.DescribeAutoScalingInstances({ InstanceIds: input.InstanceIds }).AutoScalingInstances ?? [];
        for (const m of members) if (this.servingGroup(m.AutoScalingGroupName)) this.violation('1 traffic guard', `${caller} terminated ${m.InstanceId} of serving group ${m.AutoScalingGroupName}`);
      },
    });

    tap(cloud, 'autoscaling', 'CreateAutoScalingGroup', {
      after: ({ input }) => this.add(tagOf(input.Tags, TAG.role) === 'baseline' ? 'baselineGroups' : 'groups', tagOf(input.Tags, TAG.deployment), input.AutoScalingGroupName),
    });
    tap(cloud, 'elb', 'CreateTargetGroup', {
      after: ({ input }, out) =>
        this.add(tagOf(input.Tags, TAG.role) === 'baseline' ? 'baselineTargetGroups' : 'targetGroups', tagOf(input.Tags, TAG.deployment), out?.TargetGroups?.[0]?.TargetGroupArn),
    });
    tap(cloud, 'ec2', 'RunInstances', {
      after: ({ input }, out) => {
        const tags = input.TagSpecifications?.find((s: { ResourceType?: string }) => s.ResourceType === 'instance')?.Tags;
        if (tagOf(tags, TAG.role) !== 'builder') return;
        for (const i of out?.Instances ?? []) this.add('builders', tagOf(tags, TAG.deployment), i.InstanceId);
      },
    });
    tap(cloud, 'ec2', 'CreateImage', {
      after: ({ input }, out) => {
        const tags = input.TagSpecifications?.find((s: { ResourceType?: string }) => s.ResourceType === 'image')?.Tags;
        this.add('images', tagOf(tags, TAG.deployment), out?.ImageId);
      },
    });
    tap(cloud, 'ec2', 'CreateLaunchTemplateVersion', {
      after: ({ input }, out) => {
        const m = /^redblack (.+)$/.exec(input.VersionDescription ?? '');
        this.add('templateVersions', m?.[1], out?.LaunchTemplateVersion?.VersionNumber);
      },
    });
    tap(cloud, 'scheduler', 'CreateSchedule', {
      after: ({ input }) => {
        let deployment: string | undefined;
        try {
          deployment = (JSON.parse(input.Target?.Input ?? '{}') as { deployment?: string }).deployment;
        } catch {
          deployment = undefined;
        }
        // A teardown deferred behind a deployment reschedules under `deferred-behind-…`: not a deployment's own.
        if (!deployment?.startsWith('deferred-behind-')) this.add('schedules', deployment, input.Name);
        for (const fn of this.scheduleListeners) fn(input.Name as string);
      },
    });
  }
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;
