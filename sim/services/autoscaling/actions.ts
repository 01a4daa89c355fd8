/** Lifecycle actions: an instance waits on each hook of its transition until completed or timed out. */
import type { LifecycleHook } from '@aws-sdk/client-auto-scaling';
import type { Engine } from './engine.js';
import { type AsgInstance, type AsgState, iso, setActivity } from './model.js';

export class LifecycleActions {
  constructor(
    private readonly s: AsgState,
    private readonly engine: Engine,
  ) {}

  start(inst: AsgInstance, hooks: LifecycleHook[]): void {
    for (const h of hooks) {
      const name = h.LifecycleHookName as string;
      const heartbeat = (h.HeartbeatTimeout ?? 3600) * 1000;
      inst.actions.set(name, {
        hook: name,
        token: this.s.ctx.ids.uuid(),
        timer: this.s.ctx.clock.after(heartbeat, () => this.timeout(inst, name)),
        globalDeadline: this.s.ctx.clock.now() + (h.GlobalTimeout ?? Math.min(172_800, 100 * (h.HeartbeatTimeout ?? 3600))) * 1000,
      });
    }
  }

  private timeout(inst: AsgInstance, hook: string): void {
    this.complete(inst, hook, inst.group.hooks.get(hook)?.DefaultResult ?? 'ABANDON');
  }

  /** Extend the wait by the hook's heartbeat timeout, never past its global timeout. */
  heartbeat(inst: AsgInstance, hook: string): void {
    const action = inst.actions.get(hook);
    if (!action) return;
    action.timer.cancel();
    const heartbeat = (inst.group.hooks.get(hook)?.HeartbeatTimeout ?? 3600) * 1000;
    action.timer = this.s.ctx.clock.at(Math.min(this.s.ctx.clock.now() + heartbeat, action.globalDeadline), () => this.timeout(inst, hook));
  }

  complete(inst: AsgInstance, hook: string, result: string): void {
    const action = inst.actions.get(hook);
    if (!action) return;
    action.timer.cancel();
    inst.actions.delete(hook);
    const launching = inst.lifecycle === 'Pending:Wait';
    if (result === 'ABANDON') {
      this.clear(inst);
      if (!launching) return this.engine.proceedTerminate(inst);
      setActivity(this.s, inst.launchActivity, 'Failed', `Instance failed to complete user's Lifecycle Action: Lifecycle Action with token ${action.token} was abandoned: Lifecycle Action Completed with ABANDON Result`);
      return this.engine.startTermination(inst, `At ${iso(this.s.ctx.clock.now())} an instance was taken out of service in response to a launch lifecycle action that was abandoned.`);
    }
    if (inst.actions.size > 0) return;
    if (launching) {
      inst.lifecycle = 'Pending:Proceed';
      this.engine.enterService(inst);
    } else {
      this.engine.proceedTerminate(inst);
    }
  }

  clear(inst: AsgInstance): void {
    for (const a of inst.actions.values()) a.timer.cancel();
    inst.actions.clear();
  }
}
