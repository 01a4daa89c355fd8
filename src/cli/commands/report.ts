/**
 * report: one self-contained HTML file about a deployment, from its execution history, its ledger
 * record and the load balancer's metrics. The charts are uPlot, inlined with the data: the file
 * makes no network request when opened (test/cli/report-browser.test.ts checks it in Chromium).
 */
import { writeFileSync } from 'node:fs';
import { getDeployment } from '../../aws/store.js';
import { albSeries, type SeriesQuery } from '../../aws/metrics.js';
import { getParameter } from '../../aws/ssm.js';
import type { Ctx, Outcome } from '../command.js';
import { readJudgments } from '../judgments.js';
import { type ReportData, reportHtml } from '../report-html.js';
import type { Timeline } from '../timeline.js';
import { readTimeline, summary } from './deployments.js';

const PRICE = { transition: 0.000025, invocation: 0.0000002 + 0.25 * 0.0000133334 };

/** `arn:…:targetgroup/name/id` → `targetgroup/name/id`; `arn:…:listener/app/name/id/l` → `app/name/id`. */
const tgDimension = (arn: string) => arn.slice(arn.indexOf('targetgroup/'));
const lbDimension = (swapArn: string) => swapArn.split(':').at(-1)?.split('/').slice(1, 4).join('/') ?? '';

export async function reportData(ctx: Ctx, deployment: string): Promise<ReportData> {
  const t = await readTimeline(ctx, deployment);
  const record = t.cluster ? await getDeployment(t.cluster, deployment) : undefined;
  const r = await ctx.resources();
  const raw = t.cluster ? await getParameter(`${r.configPath}/${t.cluster}`) : undefined;
  const config = raw ? (JSON.parse(raw) as { traffic?: { alarmNames?: string[] }; healthGate?: { alarmNames?: string[] } }) : undefined;
  const alarms = [...new Set([...(config?.healthGate?.alarmNames ?? []), ...(config?.traffic?.alarmNames ?? [])])];
  const end = (t.endedAt ?? Date.now()) + 120_000;
  const start = t.startedAt - 120_000;
  const groups = Object.keys(t.targetGroups);
  const lb = t.swapArn ? lbDimension(t.swapArn) : '';
  // Metric ids are per group index: h0 (healthy), r0 (requests), e0 (target 5xx), …
  const queries: SeriesQuery[] = lb.startsWith('app/')
    ? groups.flatMap((g, i) => {
        const dims = { targetGroup: tgDimension(t.targetGroups[g] as string), loadBalancer: lb };
        return [
          { id: `h${i}`, metric: 'HealthyHostCount', stat: 'Minimum' as const, ...dims },
          { id: `r${i}`, metric: 'RequestCount', stat: 'Sum' as const, ...dims },
          { id: `e${i}`, metric: 'HTTPCode_Target_5XX_Count', stat: 'Sum' as const, ...dims },
        ];
      })
    : [];
  const series = await albSeries(queries, start, end);
  const judgments = t.cluster ? await readJudgments(t.cluster, deployment) : [];
  const byGroup = (kind: string) => Object.fromEntries(groups.map((g, i) => [g, series[`${kind}${i}`] ?? []]));
  return {
    generatedAt: new Date().toISOString(),
    summary: summary(t),
    groups,
    traffic: trafficSeries(t, groups),
    healthy: byGroup('h'),
    requests: byGroup('r'),
    errors: byGroup('e'),
    gateLooks: t.health.map((h) => ({ at: h.at, healthy: h.healthy, required: h.required })),
    alarms,
    alarmFired: t.error === 'AlarmTriggered' ? (t.cause ?? 'an alarm fired') : null,
    judgments,
    canaryFailed: t.error === 'CanaryFailed' ? { failing: judgments.at(-1)?.failing ?? [], cause: t.cause ?? null } : null,
    approvals: t.approvals.map((a) => ({ step: a.step ?? null, requestedAt: new Date(a.requestedAt).toISOString(), answeredAt: a.answeredAt === undefined ? null : new Date(a.answeredAt).toISOString(), outcome: a.outcome, by: a.by ?? null, reason: a.reason ?? null })),
    ledger: record ?? null,
    cost: { stateTransitions: t.transitions, lambdaInvocations: t.invocations, usd: Number((t.transitions * PRICE.transition + t.invocations * PRICE.invocation).toFixed(5)) },
  };
}

/** Percent per group at each change, starting from the listener as Plan found it. */
function trafficSeries(t: Timeline, groups: string[]): { at: number; percent: Record<string, number> }[] {
  const points: { at: number; percent: Record<string, number> }[] = [];
  const start: Record<string, number> = Object.fromEntries(groups.map((g) => [g, g === t.from ? 100 : 0]));
  points.push({ at: t.startedAt, percent: start });
  for (const c of t.traffic) {
    const total = Object.values(c.weights).reduce((n, w) => n + w, 0) || 1;
    points.push({ at: c.at, percent: Object.fromEntries(groups.map((g) => [g, Math.round(((c.weights[g] ?? 0) * 100) / total)])) });
  }
  const last = points.at(-1) as { percent: Record<string, number> };
  points.push({ at: t.endedAt ?? Date.now(), percent: { ...last.percent } });
  return points;
}

export async function report(ctx: Ctx, deployment: string, o: { out?: string }): Promise<Outcome> {
  const data = await reportData(ctx, deployment);
  const file = o.out ?? 'redblack-report.html';
  const html = reportHtml(data);
  writeFileSync(file, html);
  return { json: { deployment, file, bytes: Buffer.byteLength(html), outcome: data.summary.outcome }, text: `wrote ${file} (${Math.round(Buffer.byteLength(html) / 1024)} KB): ${deployment} ${data.summary.outcome}\n` };
}
