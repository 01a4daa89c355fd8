/**
 * The virtual clock. It installs @sinonjs/fake-timers globally (setTimeout, setInterval, Date) so
 * that Step Functions Wait states, Task timeouts, SDK retry back-off and `Date.now()` in handlers
 * all run on simulated time, and it keeps the simulator's own discrete events in a heap behind a
 * single fake timer. Events at the same instant run in the order they were scheduled, so a run is
 * deterministic for a seed.
 */
import * as FakeTimers from '@sinonjs/fake-timers';
type InstalledClock = ReturnType<typeof FakeTimers.install>;

interface SimEvent {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export interface Cancel {
  cancel(): void;
}

export interface RunOptions {
  /** Give up (throw) when simulated time passes this many ms from now. */
  limitMs?: number;
}

const realSetImmediate = globalThis.setImmediate;
const MAX_TIMER_MS = 2_147_483_647;

export class VirtualClock {
  readonly startMs: number;
  private readonly fake: InstalledClock;
  private readonly heap: SimEvent[] = [];
  private seq = 0;
  private armed?: { at: number; id: unknown };
  private readonly errors: unknown[] = [];

  constructor(startMs = Date.UTC(2026, 10, 26, 9, 0, 0)) {
    this.startMs = startMs;
    this.fake = FakeTimers.install({
      now: startMs,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
      loopLimit: 10_000_000,
    });
  }

  now(): number {
    return this.fake.now;
  }

  /** Simulated seconds since the clock started. */
  elapsedSeconds(): number {
    return (this.fake.now - this.startMs) / 1000;
  }

  /** Run `fn` at simulated time `at` (clamped to now). */
  at(at: number, fn: () => void): Cancel {
    const ev: SimEvent = { at: Math.max(at, this.fake.now), seq: this.seq++, fn, cancelled: false };
    this.push(ev);
    this.arm();
    return { cancel: () => void (ev.cancelled = true) };
  }

  after(ms: number, fn: () => void): Cancel {
    return this.at(this.fake.now + ms, fn);
  }

  /** Resolve after `ms` simulated milliseconds. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }

  /** Number of pending simulator events plus other fake timers (Waits, retries, timeouts). */
  pending(): number {
    return this.fake.countTimers();
  }

  /**
   * Advance simulated time until `done()` holds. Between timer jumps the real event loop gets a
   * few turns, so promise chains (handlers, SDK middleware) settle before time moves on.
   */
  async runUntil(done: () => boolean, options: RunOptions = {}): Promise<void> {
    const deadline = options.limitMs === undefined ? Infinity : this.fake.now + options.limitMs;
    for (;;) {
      await settle();
      this.throwEventErrors();
      if (done()) return;
      if (this.fake.countTimers() === 0) throw new Error('virtual clock: nothing scheduled, and the run is not done');
      const next = this.peekTimer();
      if (next !== undefined && next > deadline) {
        throw new Error(`virtual clock: limit of ${options.limitMs} ms reached before the run was done`);
      }
      await this.fake.nextAsync();
    }
  }

  /** Advance simulated time by `ms`, running everything due on the way. */
  async advance(ms: number): Promise<void> {
    const target = this.fake.now + ms;
    for (;;) {
      await settle();
      this.throwEventErrors();
      const next = this.peekTimer();
      if (next === undefined || next > target) break;
      await this.fake.nextAsync();
    }
    await settle();
    // Ticking (not setSystemTime, which would push pending timers later) keeps every timer on time.
    await this.fake.tickAsync(Math.max(0, target - this.fake.now));
    this.throwEventErrors();
  }

  uninstall(): void {
    this.fake.uninstall();
  }

  private peekTimer(): number | undefined {
    // fake-timers keeps its timers in a Map (v15) or a plain object (older versions).
    const timers = (this.fake as unknown as { timers?: Map<unknown, { callAt: number }> | Record<string, { callAt: number }> }).timers;
    if (!timers) return undefined;
    let min: number | undefined;
    const all = timers instanceof Map ? timers.values() : Object.values(timers);
    for (const t of all) if (min === undefined || t.callAt < min) min = t.callAt;
    return min;
  }

  private throwEventErrors(): void {
    if (this.errors.length > 0) {
      const [first] = this.errors.splice(0);
      throw first;
    }
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.fake.now;
    while (this.heap.length > 0 && (this.heap[0] as SimEvent).at <= now) {
      const ev = this.pop();
      if (ev.cancelled) continue;
      try {
        ev.fn();
      } catch (err) {
        this.errors.push(err);
      }
    }
    this.arm();
  }

  private arm(): void {
    while (this.heap.length > 0 && (this.heap[0] as SimEvent).cancelled) this.pop();
    const head = this.heap[0];
    if (!head) return;
    if (this.armed && this.armed.at <= head.at) return;
    if (this.armed) this.fake.clearTimeout(this.armed.id as number);
    // Timers past 2^31-1 ms fire at once (Node's rule, which fake-timers copies): hop there instead.
    const delay = Math.min(head.at - this.fake.now, MAX_TIMER_MS);
    this.armed = { at: this.fake.now + delay, id: this.fake.setTimeout(() => this.fire(), delay) };
  }

  private push(ev: SimEvent): void {
    const h = this.heap;
    h.push(ev);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(h[i] as SimEvent, h[p] as SimEvent)) break;
      [h[i], h[p]] = [h[p] as SimEvent, h[i] as SimEvent];
      i = p;
    }
  }

  private pop(): SimEvent {
    const h = this.heap;
    const top = h[0] as SimEvent;
    const last = h.pop() as SimEvent;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && before(h[l] as SimEvent, h[m] as SimEvent)) m = l;
        if (r < h.length && before(h[r] as SimEvent, h[m] as SimEvent)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m] as SimEvent, h[i] as SimEvent];
        i = m;
      }
    }
    return top;
  }
}

function before(a: SimEvent, b: SimEvent): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A few real event-loop turns: every pending microtask chain runs to its next timer. */
async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => realSetImmediate(resolve));
}
