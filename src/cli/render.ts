/**
 * The one renderer of a deployment's progress, used by `redblack watch` and by the demo
 * (`npm start`). Nothing is erased: a line per phase change (with the phase that ended, its
 * duration and what it did) and per traffic step; on a terminal one status line at the bottom is
 * redrawn with a countdown to the end of the current wait or gate. Not on a terminal: lines only.
 */
import { duration, type Timeline, weightsText } from './timeline.js';

export interface RenderOptions {
  write: (text: string) => void;
  /** A terminal: draw (and redraw) the status line. */
  tty: boolean;
  /** Epoch ms now (the clock the deployment runs on). */
  now: () => number;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const CLEAR_LINE = '\r\x1b[2K';

const OUTCOME_TEXT: Record<string, string> = {
  succeeded: 'Succeeded',
  'rolled-back': 'RolledBack',
  failed: 'Failed',
  aborted: 'Aborted',
  'timed-out': 'TimedOut',
};

export const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/** Every line the timeline has to show so far, in order (the renderer prints the new ones). */
export function timelineLines(t: Timeline): string[] {
  const lines: { at: number; order: number; text: string }[] = [];
  const at = (ms: number) => `[${clock(ms - t.startedAt)}]`;
  t.phases.forEach((p, i) => {
    const previous = t.phases[i - 1];
    const ended = previous ? `  ← ${previous.phase} ${duration((previous.endedAt ?? p.startedAt) - previous.startedAt)}${previous.detail ? ` (${previous.detail})` : ''}` : '';
    lines.push({ at: p.startedAt, order: i * 2, text: `${at(p.startedAt)} ${p.phase.padEnd(14)}${ended}` });
  });
  for (const c of t.traffic) {
    lines.push({ at: c.at, order: c.phase * 2 + 1, text: `${at(c.at)} ${'  traffic'.padEnd(14)}${weightsText(c.weights)}` });
  }
  if (t.outcome !== 'running' && t.endedAt !== undefined) {
    const last = t.phases.at(-1);
    const ended = last ? `  ← ${last.phase} ${duration((last.endedAt ?? t.endedAt) - last.startedAt)}${last.detail ? ` (${last.detail})` : ''}` : '';
    lines.push({ at: t.endedAt, order: Number.MAX_SAFE_INTEGER, text: `${at(t.endedAt)} ${(OUTCOME_TEXT[t.outcome] ?? t.outcome).padEnd(14)}${ended}` });
    if (t.cause) lines.push({ at: t.endedAt, order: Number.MAX_SAFE_INTEGER, text: `${' '.repeat(11)}cause: ${t.error ? `${t.error}: ` : ''}${t.cause}` });
  }
  return lines.sort((a, b) => a.at - b.at || a.order - b.order).map((l) => l.text);
}

/** The status line: the current phase and what it waits for, with countdowns. */
export function statusLine(t: Timeline, now: number, frame = 0): string {
  const c = t.current;
  if (!c) return '';
  const parts = [`${SPINNER[frame % SPINNER.length]} ${c.phase} (${c.state}) ${duration(now - c.since)}`];
  if (c.phase === 'HealthGate') {
    const h = t.health.at(-1);
    if (h) parts.push(`${h.healthy}/${h.required} healthy`);
  }
  if (c.waitEndsAt !== undefined) parts.push(`next look in ${duration(c.waitEndsAt - now)}`);
  if (c.stepEndsAt !== undefined) parts.push(`step ends in ${duration(c.stepEndsAt - now)}`);
  if (c.gateDeadline !== undefined) parts.push(`gate gives up in ${duration(c.gateDeadline - now)}`);
  return parts.join(' · ');
}

export class TimelineRenderer {
  private printed = 0;
  private status = '';
  private frame = 0;

  constructor(private readonly options: RenderOptions) {}

  /** Print what is new in `t`; on a terminal redraw the status line under it. */
  update(t: Timeline): void {
    const lines = timelineLines(t);
    const fresh = lines.slice(this.printed);
    this.printed = lines.length;
    const next = this.options.tty ? statusLine(t, this.options.now(), this.frame++) : '';
    if (fresh.length === 0 && next === this.status) return;
    let out = this.status ? CLEAR_LINE : '';
    for (const l of fresh) out += `${l}\n`;
    if (next) out += next;
    this.status = next;
    this.options.write(out);
  }

  /** Leave the terminal on a fresh line. */
  close(): void {
    if (this.status) this.options.write(CLEAR_LINE);
    this.status = '';
  }
}
