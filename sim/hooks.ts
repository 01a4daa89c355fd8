/**
 * What the simulated world announces, so invariant checkers can look at every moment that
 * matters (every listener change, every health tick) rather than only at the end of a run.
 */
export interface HookEvents {
  /** A listener's default actions or a rule's actions changed. */
  listenerChanged: { arn: string };
  /** A target group's health checks ran (one tick of the simulated health checker). */
  healthTick: { targetGroupArn: string };
  /** A target's health state changed. */
  targetHealthChanged: { targetGroupArn: string; targetId: string; state: string };
  /** An Auto Scaling group was created, resized or deleted. */
  groupChanged: { name: string };
}

type Listener<K extends keyof HookEvents> = (event: HookEvents[K]) => void;

export class Hooks {
  private readonly listeners: { [K in keyof HookEvents]?: Listener<K>[] } = {};

  on<K extends keyof HookEvents>(name: K, fn: Listener<K>): () => void {
    const list = (this.listeners[name] ??= []) as Listener<K>[];
    list.push(fn);
    return () => {
      const i = list.indexOf(fn);
      if (i >= 0) list.splice(i, 1);
    };
  }

  emit<K extends keyof HookEvents>(name: K, event: HookEvents[K]): void {
    const list = this.listeners[name] as Listener<K>[] | undefined;
    if (list) for (const fn of list) fn(event);
  }
}
