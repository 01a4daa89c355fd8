/**
 * Turns a scenario's fault list into embedded-cloud faults and timed actions. AWS faults hit only
 * the pipeline's own calls (the runner's setup and checks are not the system under test), and
 * permanent errors never hit Rollback, Recover or Teardown: a permanent error there ends in "operator
 * needed" by design (RollbackFailed, a failed teardown), so the runner asserts those paths
 * survive transient faults, kills and latency instead.
 */
import { AutoScalingClient, TerminateInstanceInAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import { SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from '../../src/aws/clients.js';
import { currentCaller } from '../../sim/caller.js';
import { THROTTLE } from '../../sim/faults.js';
import type { Anchor, ErrorKind, Fault } from './catalogue.js';
import type { Monitor } from './monitor.js';
import { ALARM, RELEASES, type ScenarioWorld } from './world.js';

const PERMANENT_EXEMPT = new Set(['rollback', 'teardown', 'recover']);

const DENIED: Record<string, { code: string; status: number }> = {
  ec2: { code: 'UnauthorizedOperation', status: 403 },
  s3: { code: 'AccessDenied', status: 403 },
  autoscaling: { code: 'AccessDenied', status: 403 },
  elasticloadbalancing: { code: 'AccessDenied', status: 403 },
  cloudwatch: { code: 'AccessDenied', status: 403 },
};

function wireError(service: string, kind: ErrorKind): { code: string; status: number } {
  if (kind === 'throttle') {
    const t = THROTTLE[service] as { code: string; status: number };
    return { code: t.code, status: t.status };
  }
  if (kind === 'internal') return { code: service === 'ec2' || service === 's3' ? 'InternalError' : 'InternalFailure', status: 500 };
  if (kind === 'unavailable') return { code: 'ServiceUnavailable', status: 503 };
  return DENIED[service] ?? { code: 'AccessDeniedException', status: 400 };
}

export class ArmedFaults {
  /** Injections that took effect outside `cloud.faults` (kills and AWS faults are counted by the cloud). */
  private actions = 0;
  /** Timed actions scheduled but not yet run: the run is not over while any is pending. */
  pending = 0;
  private readonly failedBoots = new Set<string>();

  constructor(
    private readonly world: ScenarioWorld,
    private readonly monitor: Monitor,
    private readonly faults: readonly Fault[],
  ) {
    const cloud = world.cloud;
    cloud.ec2.onStateChange((id, state) => {
      if (state === 'shutting-down' && cloud.ec2.store.instances.get(id)?.stateReason?.Code === 'Server.InternalError') this.failedBoots.add(id);
    });
  }

  /** Faults injected so far: AWS errors and latency hits, killed invocations, failed boots, actions. */
  get injected(): number {
    const cloud = this.world.cloud;
    return cloud.faults.injected + cloud.lambda.invocations.filter((i) => i.killed).length + this.failedBoots.size + this.actions;
  }

  /** Arms everything, just before the trigger: time anchors count from now. */
  arm(): void {
    const { cloud } = this.world;
    const release = RELEASES[0];
    for (const f of this.faults) {
      switch (f.kind) {
        case 'aws-error': {
          const { code, status } = wireError(f.service, f.error);
          const permanent = f.error === 'denied';
          cloud.faults.add({
            service: f.service,
            ...(f.operation ? { operation: f.operation } : {}),
            error: code,
            status,
            times: f.times,
            skip: f.skip,
            phase: f.phase,
            match: () => {
              const caller = currentCaller();
              return caller !== undefined && !(permanent && PERMANENT_EXEMPT.has(caller));
            },
          });
          break;
        }
        case 'latency':
          cloud.faults.add({
            service: f.service,
            ...(f.operation ? { operation: f.operation } : {}),
            latencyMs: f.ms,
            times: f.times,
            skip: f.skip,
            match: () => currentCaller() !== undefined,
          });
          break;
        case 'kill':
          cloud.lambda.killAfterSideEffects({ function: f.function, skip: f.skip });
          break;
        case 'failed-boots':
          cloud.ec2.failBoots(f.n);
          break;
        case 'unhealthy-release':
          cloud.apps.set(release, { healthy: false });
          this.actions++;
          break;
        case 'bake-fails':
          if (!this.world.shape.prebaked) {
            cloud.apps.set(release, { installFails: true });
            this.actions++;
          }
          break;
        case 'alarm':
          if (this.world.shape.alarms) this.at(f.at, () => cloud.cloudwatch.flip(ALARM, 'ALARM'));
          break;
        case 'lose-instances':
          this.at(f.at, () => this.loseInstances(f.group, f.count, f.via));
          break;
        case 'duplicate-events':
          if (this.world.shape.prebaked && this.world.shape.entry === 'eventbridge') cloud.events.duplicateNextDeliveries(f.n);
          else if (!this.world.shape.prebaked) cloud.s3.duplicateNextEvents(f.n);
          else for (let i = 0; i < f.n; i++) this.at({ afterTriggerSeconds: 0 }, () => this.world.repeat(release));
          this.actions += this.world.shape.prebaked && this.world.shape.entry === 'console' ? 0 : f.n;
          break;
        case 'repeat-trigger':
          this.at({ afterTriggerSeconds: f.afterTriggerSeconds }, () => this.world.repeat(release));
          break;
        case 'second-release':
          this.at({ afterTriggerSeconds: f.afterTriggerSeconds }, () => this.world.request(RELEASES[1]));
          break;
        case 'stop':
          this.at(f.at, () => this.stopRunning(f.how));
          break;
        case 'manual-rollback':
          this.at(f.at, () => this.world.manualRollback(f.to));
          break;
        case 'listener-edit':
          this.at(f.at, () => this.world.editListener());
          break;
        case 'console-repeat':
          this.at({ afterTriggerSeconds: f.afterTriggerSeconds }, () => this.world.consoleAgain(release));
          break;
        case 'teardown-early': {
          let armed = false;
          this.monitor.onScheduleCreated((name) => {
            if (armed || !name.startsWith('redblack-teardown-')) return;
            armed = true;
            this.after(f.delaySeconds, () => {
              try {
                cloud.scheduler.fireEarly(name, this.world.session.stack.scheduleGroup);
                return true;
              } catch {
                return false; // already fired or deleted
              }
            });
          });
          break;
        }
      }
    }
  }

  /** Runs `act` at the anchor; it returns whether it did something (counted as an injection). */
  private at(anchor: Anchor, act: () => boolean | void | Promise<unknown>): void {
    if ('afterTriggerSeconds' in anchor) {
      this.after(anchor.afterTriggerSeconds, act);
      return;
    }
    let fired = false;
    this.monitor.onListenerChange((index) => {
      if (fired || index !== anchor.change) return;
      fired = true;
      this.after(anchor.delaySeconds, act);
    });
  }

  private after(seconds: number, act: () => boolean | void | Promise<unknown>): void {
    this.pending++;
    this.world.cloud.clock.after(Math.max(0, seconds) * 1000, () => {
      const done = (did: unknown) => {
        this.pending--;
        if (did !== false) this.actions++;
      };
      let result: ReturnType<typeof act>;
      try {
        result = act();
      } catch {
        result = false;
      }
      if (result instanceof Promise) result.then(done, () => done(false));
      else done(result);
    });
  }

  /** Stops (or times out) every running execution; false when none runs. */
  private stopRunning(how: 'abort' | 'timeout'): boolean | Promise<boolean> {
    const { cloud } = this.world;
    const running = cloud.sfn.executions().filter((e) => e.status === 'RUNNING');
    if (running.length === 0) return false;
    if (how === 'timeout') return running.map((e) => cloud.sfn.timeOut(e.executionArn)).some(Boolean);
    const sfn = client(SFNClient);
    return Promise.all(running.map((e) => sfn.send(new StopExecutionCommand({ executionArn: e.executionArn, error: 'Operator', cause: 'stopped by the fault runner' })))).then(() => true);
  }

  /** The old (live) or the newest group loses up to `count` of its InService instances. */
  private loseInstances(which: 'old' | 'new', count: number, via: 'api' | 'ec2'): boolean | Promise<boolean> {
    const { cloud, cluster } = this.world;
    const name =
      which === 'old'
        ? this.world.liveGroup
        : cloud.autoscaling
            .groupNames()
            .filter((n) => n !== this.world.liveGroup && n.startsWith(`${cluster}-v`))
            .at(-1);
    const group = name ? cloud.autoscaling.DescribeAutoScalingGroups({ AutoScalingGroupNames: [name] }).AutoScalingGroups?.[0] : undefined;
    if (!name || !group || group.Status !== undefined) return false;
    const victims = (group.Instances ?? [])
      .filter((i) => i.LifecycleState === 'InService')
      .slice(0, count)
      .map((i) => i.InstanceId as string);
    if (victims.length === 0) return false;
    this.monitor.markDegraded(name);
    // One injection per instance: `after` counts the first.
    this.actions += victims.length - 1;
    if (via === 'ec2') {
      for (const id of victims) cloud.ec2.terminateForGroup(id);
      return true;
    }
    const asg = client(AutoScalingClient);
    return Promise.all(
      victims.map((id) => asg.send(new TerminateInstanceInAutoScalingGroupCommand({ InstanceId: id, ShouldDecrementDesiredCapacity: false }))),
    ).then(() => true);
  }
}
