/**
 * Time to Live. AWS deletes an expired item some time after its TTL (epoch seconds) passes —
 * "typically within a few days" — and until then reads still return it. The simulator keeps
 * one clock event per item with a TTL, due at expiry plus a delay drawn from the cloud's RNG
 * (`delayMs`, 0–15 min by default), re-armed whenever the item is written.
 */
import type { SimContext } from '../../context.js';
import type { Table } from './table.js';
import type { Item } from './values.js';

const FIVE_YEARS_MS = 5 * 365 * 24 * 3600_000;
/** Clock events are kept within a week (far-future timers overflow Node's 32-bit timeout). */
const HORIZON_MS = 7 * 24 * 3600_000;

export class TtlReaper {
  /** Delay between expiry and deletion, drawn uniformly per item. */
  delayMs = { min: 0, max: 15 * 60_000 };
  /** Items deleted by TTL so far (for tests and benchmarks). */
  deletions = 0;

  constructor(private readonly ctx: SimContext) {}

  /** Call after every write of the item with this key text (`item` undefined when deleted). */
  track(table: Table, text: string, item: Item | undefined): void {
    table.ttlTimers.get(text)?.cancel();
    table.ttlTimers.delete(text);
    if (!item || !table.ttl.enabled || !table.ttl.attribute) return;
    const n = item[table.ttl.attribute]?.N;
    if (n === undefined) return;
    const expiresMs = Number(n) * 1000;
    const now = this.ctx.clock.now();
    // AWS ignores TTL values more than five years in the past.
    if (!Number.isFinite(expiresMs) || expiresMs < now - FIVE_YEARS_MS) return;
    const delay = this.ctx.rng.int(this.delayMs.min, this.delayMs.max);
    this.arm(table, text, item, Math.max(expiresMs, now) + delay);
  }

  private arm(table: Table, text: string, item: Item, at: number): void {
    const wake = Math.min(at, this.ctx.clock.now() + HORIZON_MS);
    const timer = this.ctx.clock.at(wake, () => {
      if (wake < at) return this.arm(table, text, item, at);
      table.ttlTimers.delete(text);
      const key = table.keyOf(item);
      if (table.ttl.enabled && table.get(key) === item) {
        table.delete(key);
        this.deletions++;
      }
    });
    table.ttlTimers.set(text, timer);
  }

  enable(table: Table): void {
    for (const [text, item] of [...table.allItems()]) this.track(table, text, item);
  }

  disable(table: Table): void {
    for (const t of table.ttlTimers.values()) t.cancel();
    table.ttlTimers.clear();
  }
}
