/**
 * The timeline and its renderer: phases, durations and traffic read from an execution history;
 * output that only grows (nothing printed is ever erased, only the status line under it); on a
 * terminal a status line with countdowns; plain lines otherwise; causes as text.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { statusLine, TimelineRenderer, timelineLines } from '../../src/cli/render.js';
import { buildTimeline, readableCause } from '../../src/cli/timeline.js';

const T0 = Date.UTC(2026, 10, 26, 9, 0, 0);
let id = 0;
const ev = (s: number, type: string, details: Record<string, unknown> = {}): HistoryEvent => ({ id: ++id, timestamp: new Date(T0 + s * 1000), type, ...details }) as HistoryEvent;
const enter = (s: number, name: string, input: unknown = {}) => ev(s, 'TaskStateEntered', { stateEnteredEventDetails: { name, input: JSON.stringify(input) } });
const exit = (s: number, name: string, output: unknown) => ev(s, 'TaskStateExited', { stateExitedEventDetails: { name, output: JSON.stringify(output) } });

/** A canary deployment's history: plan, launch, gate (one wait), three traffic steps, finalize. */
function canary(): HistoryEvent[] {
  const plan = { cluster: 'web', release: '2.0', live: { serverGroup: 'web-v001', targetGroupArn: 'arn:tg1' }, next: { serverGroup: 'web-v002' }, swap: { arn: 'arn:aws:elasticloadbalancing:us-east-1:1:listener/app/web/1/2' } };
  const launched = { ...plan, launched: { serverGroup: 'web-v002', targetGroupArn: 'arn:tg2', desired: 2, required: 2, deadline: T0 + 900_000, waitSeconds: 30 } };
  return [
    ev(0, 'ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify({ cluster: 'web', release: '2.0', imageId: 'ami-12345678' }) } }),
    enter(0, 'Plan'),
    exit(1, 'Plan', plan),
    enter(1, 'LaunchGroup', plan),
    exit(3, 'LaunchGroup', launched),
    enter(3, 'WaitForInstances', launched),
    enter(33, 'HealthGate', launched),
    exit(34, 'HealthGate', { ...launched, gate: { status: 'waiting', healthy: 1, required: 2, waitSeconds: 20 } }),
    enter(34, 'WaitForHealth', { ...launched, gate: { status: 'waiting', healthy: 1, required: 2, waitSeconds: 20 } }),
    enter(54, 'HealthGate', launched),
    exit(55, 'HealthGate', { ...launched, gate: { status: 'passed', healthy: 2, required: 2, waitSeconds: 0 } }),
    ...[10, 50, 100].flatMap((step, i) => [
      enter(55 + i * 120, 'SwapTargetGroup'),
      exit(56 + i * 120, 'SwapTargetGroup', { ...launched, traffic: { step, weights: { 'web-v002': step, 'web-v001': 100 - step }, waitSeconds: step === 100 ? 0 : 119, stepEndsAt: T0 + (175 + i * 120) * 1000 } }),
      ...(step === 100 ? [] : [enter(56 + i * 120, 'WaitBetweenSteps', { traffic: { waitSeconds: 119 } })]),
    ]),
    enter(297, 'Finalize'),
    exit(298, 'Finalize', {}),
    ev(298, 'ExecutionSucceeded'),
  ];
}

describe('the timeline', () => {
  test('phases with durations and details, each traffic change, the outcome', () => {
    const t = buildTimeline('web-2_0-abc', canary());
    expect(t.phases.map((p) => [p.phase, (p.endedAt! - p.startedAt) / 1000])).toEqual([
      ['Plan', 1],
      ['Launch', 32],
      ['HealthGate', 22],
      ['Traffic', 242],
      ['Finalize', 1],
    ]);
    expect(t.traffic.map((c) => c.weights['web-v002'])).toEqual([10, 50, 100]);
    expect(t).toMatchObject({ outcome: 'succeeded', from: 'web-v001', to: 'web-v002', targetGroups: { 'web-v001': 'arn:tg1', 'web-v002': 'arn:tg2' } });
    expect(timelineLines(t)).toEqual([
      '[00:00:00] Plan          ',
      '[00:00:01] Launch          ← Plan 1s (web 2.0: web-v001 → web-v002)',
      '[00:00:33] HealthGate      ← Launch 32s (web-v002: 2 instances, 2 healthy required)',
      '[00:00:55] Traffic         ← HealthGate 22s (2/2 healthy, passed)',
      '[00:00:56]   traffic     web-v001 90% · web-v002 10%',
      '[00:02:56]   traffic     web-v001 50% · web-v002 50%',
      '[00:04:56]   traffic     web-v002 100% · web-v001 0%',
      '[00:04:57] Finalize        ← Traffic 4m02s (web-v002 100% · web-v001 0%)',
      '[00:04:58] Succeeded       ← Finalize 1s',
    ]);
  });

  test('a Lambda error cause is shown as its message, not as JSON', () => {
    expect(readableCause('{"errorType":"HealthGateTimedOut","errorMessage":"server group web-v002 has 0 of 2 required healthy targets after 8 minutes"}')).toBe(
      'server group web-v002 has 0 of 2 required healthy targets after 8 minutes',
    );
    expect(readableCause('plain text\n  on two lines')).toBe('plain text on two lines');
  });

  test('while waiting in the health gate: healthy x/y and the countdowns to the next look and the deadline', () => {
    const events = canary().slice(0, 9);
    const t = buildTimeline('d', events);
    expect(statusLine(t, T0 + 40_000)).toBe('⠋ HealthGate (WaitForHealth) 6s · 1/2 healthy · next look in 14s · gate gives up in 14m20s');
  });
});

describe('the renderer', () => {
  test('on a terminal: lines are never erased, only the status line under them is redrawn', () => {
    const out: string[] = [];
    const events = canary();
    const r = new TimelineRenderer({ write: (s) => void out.push(s), tty: true, now: () => T0 + 40_000 });
    for (let n = 1; n <= events.length; n++) r.update(buildTimeline('d', events.slice(0, n)));
    r.close();
    const text = out.join('');
    // Remove each status line (it starts after a newline and is cleared by \r\x1b[2K): what is left is every line once, in order.
    const kept = text.split('\r\x1b[2K').map((chunk, i, all) => (i < all.length - 1 ? chunk.slice(0, chunk.lastIndexOf('\n') + 1) : chunk)).join('');
    expect(kept).toBe(`${timelineLines(buildTimeline('d', events)).join('\n')}\n`);
    expect(text).toContain('next look in');
  });

  test('not on a terminal: plain lines only, each once, nothing when nothing changed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 30 }), (cuts) => {
        const events = canary();
        const out: string[] = [];
        const r = new TimelineRenderer({ write: (s) => void out.push(s), tty: false, now: () => T0 });
        for (const n of [...cuts].sort((a, b) => a - b)) r.update(buildTimeline('d', events.slice(0, n)));
        r.update(buildTimeline('d', events));
        r.update(buildTimeline('d', events));
        expect(out.join('')).toBe(`${timelineLines(buildTimeline('d', events)).join('\n')}\n`);
        expect(out.join('')).not.toContain('\x1b');
      }),
    );
  });
});
