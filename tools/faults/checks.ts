/**
 * Invariants judged when an execution ends (2 clean end, 4 lock, no pins, 10 baseline gone) and
 * when the whole run has settled (3 no leaks, 4 lock, 5 dedup, 6 no duplicates, 7 teardown done,
 * 10 baseline gone). They read the simulators' own answers directly (no SDK call), so faults and
 * the call log never see them.
 */
import type { ExecutionSummary } from '../../sim/services/sfn/execution.js';
import { TAG } from '../../src/aws/tags.js';
import { artifactIdentity, parseDeployInput } from '../../src/domain/input.js';
import { parseClusterConfig } from '../../src/domain/config.js';
import { scheduleName } from '../../src/domain/names.js';
import { leaseFor } from '../../src/domain/lease.js';
import { sameActions, undoOwnChanges } from '../../src/steps/shared/forward.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import type { Monitor } from './monitor.js';
import type { ScenarioWorld } from './world.js';

export type Outcome = 'succeeded' | 'rolledBack' | 'failedClean';

export interface Ended {
  name: string;
  release?: string;
  outcome: Outcome | 'broken';
  plan?: DeploymentState;
  /** An on-demand rollback (`{"action":"rollback"}`). */
  manual?: boolean;
  status?: string;
  /** Left to Recover (stopped, timed out, or its Rollback failed). */
  recovered?: boolean;
}

function isManualRollback(input: string): boolean {
  try {
    return (JSON.parse(input) as { action?: unknown }).action === 'rollback';
  } catch {
    return false;
  }
}

function releaseOf(input: string): string | undefined {
  try {
    const r = (JSON.parse(input) as { release?: unknown }).release;
    return typeof r === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

const LIVE_INSTANCE = new Set(['pending', 'running', 'stopping', 'stopped']);

/** JSON with sorted keys: "exactly as before" regardless of key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** What a run leaves behind, by name (ids differ between runs): for comparing two runs of a scenario. */
export interface FinalState {
  forward: Record<string, number>;
  groups: string[];
  targetGroups: string[];
  schedules: string[];
  liveBuilders: number;
  locked: boolean;
  /** Images of the cluster and versions of its launch template, however made. */
  images: number;
  templateVersions: number;
  /** Per kind, the most any one deployment created. */
  createdPerDeployment: Record<string, number>;
}

export class Checks {
  constructor(
    private readonly world: ScenarioWorld,
    private readonly monitor: Monitor,
  ) {}

  private get cloud() {
    return this.world.cloud;
  }

  /** Plan's output (the state document) and the Fail state the execution ended in, from its history. */
  private history(arn: string): { plan?: DeploymentState; fail?: string } {
    let plan: DeploymentState | undefined;
    let fail: string | undefined;
    let nextToken: string | undefined;
    do {
      const page = this.cloud.sfn.GetExecutionHistory({ executionArn: arn, maxResults: 1000, ...(nextToken ? { nextToken } : {}) });
      for (const ev of page.events ?? []) {
        if (ev.type === 'TaskStateExited' && ev.stateExitedEventDetails?.name === 'Plan') {
          // A caught failure exits the state too, with the error as its output.
          const out = JSON.parse(ev.stateExitedEventDetails.output ?? 'null') as DeploymentState | null;
          if (out?.next) plan = out;
        }
        if (ev.type === 'FailStateEntered') fail = ev.stateEnteredEventDetails?.name;
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return { ...(plan ? { plan } : {}), ...(fail ? { fail } : {}) };
  }

  private group(name: string) {
    const g = this.cloud.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] }).AutoScalingGroups?.[0];
    return g && g.Status === undefined ? g : undefined;
  }

  /** The group if it exists and was created by `deployment`. */
  private groupOf(name: string, deployment: string) {
    const g = this.group(name);
    return g?.Tags?.some((t) => t.Key === TAG.deployment && t.Value === deployment) ? g : undefined;
  }

  private targetGroupArn(name: string): string | undefined {
    for (const tg of this.cloud.elb.state.targetGroups.values()) if (tg.name === name) return tg.arn;
    return undefined;
  }

  private lockHolder(): { deployment: string; expiresAt: number } | undefined {
    const out = this.cloud.dynamodb.GetItem({
      TableName: this.world.session.stack.table,
      Key: { pk: { S: `cluster#${this.world.cluster}` }, sk: { S: 'lock' } },
      ConsistentRead: true,
    });
    const item = out.Item;
    return item ? { deployment: item.deployment?.S ?? '', expiresAt: Number(item.expiresAt?.N ?? 0) } : undefined;
  }

  /**
   * A lock its holder could not release because the release itself was refused for good (an
   * injected AccessDenied on DeleteItem) must at least expire: within the lease Plan takes.
   */
  private expiring(lock: { expiresAt: number }, startedAt: number): boolean {
    const denied = this.cloud.log.calls.some((c) => c.caller !== undefined && c.service === 'dynamodb' && c.operation === 'DeleteItem' && /AccessDenied/.test(c.outcome));
    return denied && lock.expiresAt * 1000 <= startedAt + this.leaseMs + 60_000;
  }

  private get leaseMs(): number {
    return leaseFor(parseClusterConfig(this.world.config, this.world.cluster)) * 1000;
  }

  private schedules(): string[] {
    return (this.cloud.scheduler.ListSchedules({ GroupName: this.world.session.stack.scheduleGroup }).Schedules ?? []).map((s) => s.Name as string);
  }

  private liveBuilders(deployment?: string): string[] {
    const ids = deployment === undefined ? [...this.monitor.created.builders.values()].flatMap((s) => [...s]) : [...(this.monitor.created.builders.get(deployment) ?? [])];
    return ids.filter((id) => LIVE_INSTANCE.has(this.cloud.ec2.instanceState(id) ?? 'terminated'));
  }

  private pinnedBy(deployment: string): string[] {
    return this.cloud.autoscaling
      .groupNames()
      .map((n) => this.group(n))
      .filter((g) => g?.Tags?.some((t) => t.Key === TAG.pinnedBy && t.Value === deployment))
      .map((g) => g?.AutoScalingGroupName as string);
  }

  /** The deployment's ledger status, read directly. */
  private recordStatus(name: string): string | undefined {
    const out = this.cloud.dynamodb.GetItem({
      TableName: this.world.session.stack.table,
      Key: { pk: { S: `cluster#${this.world.cluster}` }, sk: { S: `deployment#${name}` } },
      ConsistentRead: true,
    });
    return out.Item?.status?.S;
  }

  /**
   * Invariant 10: a deployment's fresh canary baseline goes with it, whatever the outcome — its
   * group and target group gone and the listener forwarding to neither. What is left, as messages.
   */
  private baselineLeft(deployment: string): string[] {
    const left: string[] = [];
    for (const g of this.monitor.created.baselineGroups.get(deployment) ?? []) if (this.groupOf(g, deployment)) left.push(`baseline group ${g} is still there`);
    const tgs = this.monitor.created.baselineTargetGroups.get(deployment) ?? new Set<string>();
    for (const tg of tgs) if (this.cloud.elb.hasTargetGroup(tg)) left.push(`baseline target group ${tg.split('/')[1]} is still there`);
    for (const f of this.cloud.elb.forwardWeights(this.world.listenerArn)) if (tgs.has(f.targetGroupArn)) left.push(`the listener still forwards to baseline ${f.targetGroupArn.split('/')[1]} (weight ${f.weight})`);
    return left;
  }

  /** Invariant 2 (and 4 for this execution) at the moment it ended. */
  executionEnded(e: ExecutionSummary): Ended {
    const { plan, fail } = this.history(e.executionArn);
    const release = releaseOf(e.input);
    const v = (inv: string, msg: string) => this.monitor.violation(inv, `${e.name}: ${msg}`);
    if (isManualRollback(e.input)) {
      // Judged at the end of the run: a stopped one is ended by Recover.
      return { name: e.name, outcome: e.status === 'SUCCEEDED' ? 'succeeded' : 'failedClean', manual: true, status: e.status };
    }
    if (e.status !== 'SUCCEEDED' && plan && fail !== 'DeploymentFailed') {
      // Stopped, timed out, or its Rollback failed: Recover undoes it; judged once the run has settled.
      return { name: e.name, release, outcome: 'rolledBack', plan, status: e.status, recovered: true };
    }
    const lock = this.lockHolder();
    if (lock?.deployment === e.name && !this.expiring(lock, e.startedAt)) v('4 lock', `ended ${e.status} still holding the cluster lock`);
    for (const msg of this.baselineLeft(e.name)) v('10 baseline gone', `ended ${e.status} but its ${msg}`);
    const pinned = this.pinnedBy(e.name);
    if (pinned.length > 0) v('2 clean end', `left ${pinned.join(', ')} pinned`);
    const builders = this.liveBuilders(e.name);
    if (builders.length > 0) v('2 clean end', `left builder(s) ${builders.join(', ')} running`);

    if (e.status === 'SUCCEEDED' && plan) {
      const newTg = this.targetGroupArn(plan.next.targetGroupName);
      const forward = this.cloud.elb.forwardWeights(this.world.listenerArn);
      const serving = forward.filter((f) => f.weight > 0).map((f) => f.targetGroupArn);
      if (!newTg || serving.length !== 1 || serving[0] !== newTg) v('2 clean end', `succeeded but the listener forwards ${JSON.stringify(forward)}, not 100% to ${plan.next.serverGroup}`);
      const old = plan.live?.serverGroup;
      if (old && this.group(old) && !this.schedules().includes(scheduleName(old))) v('2 clean end', `succeeded but ${old} is neither gone nor scheduled for teardown`);
      return { name: e.name, release, outcome: 'succeeded', plan };
    }
    if (e.status === 'FAILED' && !plan) return { name: e.name, release, outcome: 'failedClean' };
    // AlreadyLive: Plan found the artifact serving and changed nothing.
    if (e.status === 'SUCCEEDED' && !plan) return { name: e.name, release, outcome: 'failedClean' };
    if (e.status === 'FAILED' && plan && fail === 'DeploymentFailed') {
      const now = this.cloud.elb.DescribeListeners({ ListenerArns: [this.world.listenerArn] }).Listeners?.[0]?.DefaultActions ?? [];
      // As before, or — when someone else edited it meanwhile — before plus their edit, without our part.
      const asBefore = canonical(now) === canonical(plan.swap.before) || (this.world.foreign !== undefined && sameActions(now, undoOwnChanges(now, plan.swap.before, plan.next.targetGroupName)));
      if (!asBefore) v('2 clean end', `rolled back but the listener is ${canonical(now)}, not as before: ${canonical(plan.swap.before)}`);
      for (const g of this.monitor.created.groups.get(e.name) ?? []) if (this.groupOf(g, e.name)) v('2 clean end', `rolled back but its group ${g} is still there`);
      for (const tg of this.monitor.created.targetGroups.get(e.name) ?? []) {
        if (this.cloud.elb.hasTargetGroup(tg)) v('2 clean end', `rolled back but its target group ${tg.split('/')[1]} is still there`);
      }
      return { name: e.name, release, outcome: 'rolledBack', plan };
    }
    v('2 clean end', `ended ${e.status}${fail ? ` in ${fail}` : ''}: ${e.error ?? ''} ${e.cause ?? ''}`.trim());
    return { name: e.name, release, outcome: 'broken', ...(plan ? { plan } : {}) };
  }

  finalState(): FinalState {
    const cloud = this.cloud;
    const cluster = this.world.cluster;
    const forward: Record<string, number> = {};
    for (const f of cloud.elb.forwardWeights(this.world.listenerArn)) forward[f.targetGroupArn.split(':targetgroup/')[1]?.split('/')[0] ?? f.targetGroupArn] = f.weight;
    const images = cloud.ec2.DescribeImages({ Owners: ['self'], Filters: [{ Name: `tag:${TAG.cluster}`, Values: [cluster] }] }).Images ?? [];
    const versions = cloud.ec2.DescribeLaunchTemplateVersions({ LaunchTemplateName: cluster }).LaunchTemplateVersions ?? [];
    const createdPerDeployment = Object.fromEntries(Object.entries(this.monitor.created).map(([kind, map]) => [kind, Math.max(0, ...[...map.values()].map((ids) => ids.size))]));
    return {
      forward,
      groups: cloud.autoscaling.groupNames().filter((n) => this.group(n)),
      targetGroups: [...cloud.elb.state.targetGroups.values()].map((t) => t.name).sort(),
      schedules: this.schedules(),
      liveBuilders: this.liveBuilders().length,
      locked: this.lockHolder() !== undefined,
      images: images.length,
      templateVersions: versions.length,
      createdPerDeployment,
    };
  }

  /** Invariants 3–7 once every execution, schedule and timed fault is done. */
  settled(ended: Ended[], executions: ExecutionSummary[]): void {
    const m = this.monitor;
    const now = this.cloud.clock.now();
    const lock = this.lockHolder();
    const holder = executions.find((e) => e.name === lock?.deployment);
    if (lock && lock.expiresAt * 1000 > now && !this.expiring(lock, holder?.startedAt ?? now)) {
      m.violation('4 lock', `the cluster lock is still held by ${lock.deployment} after the run`);
    }

    const byArtifact = new Map<string, string[]>();
    for (const e of executions) {
      let identity: string;
      try {
        identity = artifactIdentity(parseDeployInput(JSON.parse(e.input)));
      } catch {
        continue;
      }
      byArtifact.set(identity, [...(byArtifact.get(identity) ?? []), e.name]);
    }
    // A console start under another name cannot be refused by Step Functions: Plan must end it before it changes anything.
    // A console start of the artifact that is live when it starts must not get past Plan.
    const planned = new Set(ended.filter((e) => e.plan).map((e) => e.name));
    const deploys = executions.filter((e) => !isManualRollback(e.input));
    // What serves at time t: the last deployment or manual rollback that succeeded before it.
    const liveAt = (t: number) =>
      executions
        .filter((e) => e.status === 'SUCCEEDED' && (planned.has(e.name) || isManualRollback(e.input)) && (e.stoppedAt ?? Infinity) <= t)
        .sort((a, b) => (b.stoppedAt ?? 0) - (a.stoppedAt ?? 0))[0];
    const identityOf = new Map([...byArtifact].flatMap(([identity, names]) => names.map((n): [string, string] => [n, identity])));
    for (const [identity, names] of byArtifact) {
      if (names.filter((n) => !n.startsWith('console-')).length > 1) m.violation('5 dedup', `${identity} started ${names.length} executions: ${names.join(', ')}`);
      for (const again of deploys.filter((e) => e.name.startsWith('console-') && identityOf.get(e.name) === identity && planned.has(e.name))) {
        const live = liveAt(again.startedAt);
        if (live && identityOf.get(live.name) === identity) m.violation('5 dedup', `${identity}, live since ${live.name}, was deployed again by a console start: ${again.name}`);
      }
    }

    // Invariant 9: an edit someone else made to the listener is never overwritten by a rollback or
    // a recovery (a later successful deployment legitimately drops weight-0 target groups).
    const foreign = this.world.foreign;
    if (foreign) {
      const replacedLater = deploys.some((e) => e.status === 'SUCCEEDED' && planned.has(e.name) && (e.stoppedAt ?? 0) > foreign.at);
      const kept = this.cloud.elb.forwardWeights(this.world.listenerArn).some((f) => f.targetGroupArn === foreign.arn);
      if (!replacedLater && !kept) m.violation('9 nothing overwritten', 'the target group someone else added to the listener is gone, and no deployment succeeded after the edit');
    }

    // Invariant 8, after recovery: a stopped deployment ends rolled back (or stands, if it had committed).
    for (const e of ended.filter((x) => x.recovered || x.manual)) {
      const status = this.recordStatus(e.name);
      if (status === 'RUNNING') m.violation('8 recovery', `${e.name} ended ${e.status} and its record still says RUNNING after the run`);
      if (lock?.deployment === e.name && lock.expiresAt * 1000 > now) m.violation('8 recovery', `${e.name} ended ${e.status} and still holds the lock`);
      const pinned = this.pinnedBy(e.name);
      if (pinned.length > 0) m.violation('8 recovery', `${e.name} left ${pinned.join(', ')} pinned`);
      if (e.recovered && status !== 'SUCCEEDED') {
        for (const g of m.created.groups.get(e.name) ?? []) if (this.groupOf(g, e.name)) m.violation('8 recovery', `${g} of stopped ${e.name} is still there`);
        const builders = this.liveBuilders(e.name);
        if (builders.length > 0) m.violation('8 recovery', `${e.name} left builder(s) ${builders.join(', ')} running`);
      }
    }

    // Invariant 10 once Recover has run too: no deployment, however it ended, left its baseline.
    for (const deployment of new Set([...m.created.baselineGroups.keys(), ...m.created.baselineTargetGroups.keys()])) {
      for (const msg of this.baselineLeft(deployment)) m.violation('10 baseline gone', `${deployment}: ${msg} after the run`);
    }

    for (const [kind, map] of Object.entries(m.created)) {
      for (const [deployment, ids] of map) if (ids.size > 1) m.violation('6 idempotent steps', `${deployment} created ${ids.size} ${kind}: ${[...ids].join(', ')}`);
    }

    const builders = this.liveBuilders();
    if (builders.length > 0) m.violation('3 no leaks', `builder(s) left: ${builders.join(', ')}`);
    const schedules = this.schedules();
    if (schedules.length > 0) m.violation('3 no leaks', `schedule(s) left: ${schedules.join(', ')}`);
    const groups = this.cloud.autoscaling.groupNames().filter((n) => this.group(n));
    const tgOfGroups = new Set(groups.flatMap((n) => this.group(n)?.TargetGroupARNs ?? []));
    for (const tg of this.cloud.elb.state.targetGroups.values()) {
      if (tg.name.startsWith(`${this.world.cluster}-v`) && !tgOfGroups.has(tg.arn)) m.violation('3 no leaks', `target group ${tg.name} belongs to no group`);
    }
    for (const e of ended.filter((x) => x.outcome === 'rolledBack' && !x.recovered)) {
      // A later deployment may reuse the number: only a group still tagged with this deployment is a leak.
      for (const g of m.created.groups.get(e.name) ?? []) if (this.groupOf(g, e.name)) m.violation('3 no leaks', `${g} of rolled-back ${e.name} is still there`);
    }
    const refused = this.cloud.lambda.invocations.some((i) => i.function === 'teardown' && i.outcome === 'TeardownRefused');
    // A manual rollback may have put the old group back in service: only a group out of traffic must be gone.
    const serving = new Set(this.cloud.elb.forwardWeights(this.world.listenerArn).filter((f) => f.weight > 0).map((f) => f.targetGroupArn));
    for (const e of ended.filter((x) => x.outcome === 'succeeded' && !x.manual)) {
      const old = e.plan?.live?.serverGroup;
      const back = old ? (this.group(old)?.TargetGroupARNs ?? []).some((tg) => serving.has(tg)) : false;
      if (old && groups.includes(old) && !refused && !back) m.violation('3 no leaks', `${old}, replaced by ${e.name}, was never torn down`);
    }
  }
}
