/**
 * The deployment report as one HTML file: uPlot and its CSS inlined, the data inlined as JSON,
 * no external reference of any kind (no fonts, images or scripts from the network).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { summary } from './commands/deployments.js';
import type { JudgmentView } from './judgments.js';

export interface ReportData {
  generatedAt: string;
  summary: ReturnType<typeof summary>;
  groups: string[];
  traffic: { at: number; percent: Record<string, number> }[];
  healthy: Record<string, [number, number][]>;
  requests: Record<string, [number, number][]>;
  errors: Record<string, [number, number][]>;
  gateLooks: { at: number; healthy: number; required: number }[];
  alarms: string[];
  alarmFired: string | null;
  judgments: JudgmentView[];
  /** The metrics that failed the canary, when the deployment ended with CanaryFailed. */
  canaryFailed: { failing: string[]; cause: string | null } | null;
  approvals: { step: number | null; requestedAt: string; answeredAt: string | null; outcome: string; by: string | null; reason: string | null }[];
  ledger: unknown;
  cost: { stateTransitions: number; lambdaInvocations: number; usd: number };
}

const require = createRequire(import.meta.url);
const asset = (path: string) => readFileSync(require.resolve(`uplot/${path}`), 'utf8');

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** JSON safe inside a <script> element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

const OUTCOME_COLOR: Record<string, string> = { succeeded: '#1a7f37', 'rolled-back': '#9a6700', failed: '#cf222e', aborted: '#cf222e', 'timed-out': '#cf222e', running: '#0969da' };

const VERDICT_COLOR: Record<string, string> = { pass: '#1a7f37', high: '#cf222e', low: '#cf222e', nodata: '#59636e' };

/** The score of each look over time (a chart), and a row per look with each metric's verdict. */
function judgmentsHtml(d: ReportData): string {
  const metrics = [...new Set(d.judgments.flatMap((j) => j.metrics.map((m) => m.metric)))];
  const failed = d.canaryFailed
    ? `<p class="cause" id="canary-failed"><b>CanaryFailed</b> on ${escapeHtml(d.canaryFailed.failing.join(', ') || 'the score')}${d.canaryFailed.cause ? `: ${escapeHtml(d.canaryFailed.cause)}` : ''}</p>`
    : '';
  const cell = (j: JudgmentView, metric: string) => {
    const m = j.metrics.find((x) => x.metric === metric);
    if (!m) return '<td>-</td>';
    const change = m.change === null ? '' : ` ${m.change >= 0 ? '+' : ''}${Math.round(m.change * 100)}%`;
    return `<td style="color:${VERDICT_COLOR[m.verdict] ?? '#1f2328'}${j.failing.includes(metric) ? ';font-weight:600' : ''}">${escapeHtml(m.verdict)}${change}</td>`;
  };
  const rows = d.judgments
    .map((j) => `<tr><td>${j.at.slice(11, 19)}</td><td>${j.step}%</td><td>${j.score === null ? '-' : Math.round(j.score)}</td><td>${escapeHtml(j.decision)}</td>${metrics.map((m) => cell(j, m)).join('')}<td>${escapeHtml(j.failing.join(', '))}</td></tr>`)
    .join('\n');
  return `${failed}<div class="chart" id="chart-judgments"></div>
<table id="judgments"><thead><tr><th>look (UTC)</th><th>step</th><th>score</th><th>decision</th>${metrics.map((m) => `<th>${escapeHtml(m)}</th>`).join('')}<th>failing</th></tr></thead><tbody>
${rows}
</tbody></table>`;
}

export function reportHtml(d: ReportData): string {
  const s = d.summary;
  const started = Date.parse(s.startedAt);
  const ended = s.endedAt ? Date.parse(s.endedAt) : Date.now();
  const total = Math.max(1, ended - started);
  const phaseRows = s.phases
    .map((p) => {
      const at = Date.parse(p.startedAt);
      const left = ((at - started) * 100) / total;
      const width = Math.max(0.5, (((p.seconds ?? (ended - at) / 1000) * 1000) * 100) / total);
      return `<tr><td>${escapeHtml(p.phase)}</td><td>${p.startedAt.slice(11, 19)}</td><td>${p.seconds ?? '…'} s</td><td class="bar"><span style="margin-left:${left.toFixed(2)}%;width:${width.toFixed(2)}%"></span></td><td>${escapeHtml(p.detail ?? '')}</td></tr>`;
    })
    .join('\n');
  const judgments = d.judgments.length === 0 ? '<p id="judgments">No canary judgment recorded for this deployment.</p>' : judgmentsHtml(d);
  const approvals =
    d.approvals.length === 0
      ? '<p id="approvals">No approval requested.</p>'
      : `<table id="approvals"><thead><tr><th>step</th><th>requested (UTC)</th><th>answer</th><th>answered (UTC)</th><th>by</th><th>reason</th></tr></thead><tbody>
${d.approvals.map((a) => `<tr><td>${a.step === null ? '-' : `${a.step}%`}</td><td>${a.requestedAt.slice(11, 19)}</td><td>${escapeHtml(a.outcome)}</td><td>${a.answeredAt ? a.answeredAt.slice(11, 19) : '-'}</td><td>${escapeHtml(a.by ?? '-')}</td><td>${escapeHtml(a.reason ?? '')}</td></tr>`).join('\n')}
</tbody></table>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>redblack — ${escapeHtml(s.deployment)}</title>
<style>${asset('dist/uPlot.min.css')}
body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1100px;color:#1f2328;padding:0 16px}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;font-weight:600}
table{border-collapse:collapse;width:100%} td,th{padding:4px 8px;border-bottom:1px solid #eaeef2;text-align:left;vertical-align:top}
td.bar{width:35%} td.bar span{display:block;height:10px;background:#0969da;border-radius:3px}
.cause{background:#fff8c5;border:1px solid #d4a72c;padding:8px 12px;border-radius:6px}
.chart{margin:8px 0 4px} dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px} dt{color:#59636e}
</style>
</head>
<body>
<h1>${escapeHtml(s.cluster ?? '')} ${escapeHtml(s.release ?? '')} <span class="outcome" id="outcome" style="background:${OUTCOME_COLOR[s.outcome] ?? '#59636e'}">${escapeHtml(s.outcome)}</span></h1>
<dl>
<dt>deployment</dt><dd>${escapeHtml(s.deployment)} (${escapeHtml(s.kind)})</dd>
<dt>server groups</dt><dd id="groups">${escapeHtml(s.from ?? '(none)')} → ${escapeHtml(s.to ?? '(none)')}</dd>
<dt>started</dt><dd>${escapeHtml(s.startedAt)}</dd>
<dt>took</dt><dd>${Math.round(total / 1000)} s${s.endedAt ? '' : ' so far'}</dd>
</dl>
${s.cause || s.error ? `<h2>Cause</h2><p class="cause" id="cause"><b>${escapeHtml(s.error ?? '')}</b> ${escapeHtml(s.cause ?? '')}</p>` : ''}
<h2>Timeline</h2>
<table><thead><tr><th>phase</th><th>start (UTC)</th><th>took</th><th></th><th>what happened</th></tr></thead><tbody>
${phaseRows}
</tbody></table>
<h2>Traffic per server group (% of the listener; times UTC)</h2><div class="chart" id="chart-traffic"></div>
<h2>Healthy targets per server group</h2><div class="chart" id="chart-healthy"></div>
<h2>Requests and target 5xx per minute</h2><div class="chart" id="chart-requests"></div>
<h2>Alarms</h2>
<p>Watched alarms: ${d.alarms.length === 0 ? 'none' : d.alarms.map(escapeHtml).join(', ')}. ${d.alarmFired ? `<b>Fired:</b> ${escapeHtml(d.alarmFired)}` : 'None fired during the deployment.'}</p>
<h2>Canary judgments</h2>
${judgments}
<h2>Approvals</h2>
${approvals}
<h2>Cost of the run</h2>
<p id="cost">${d.cost.stateTransitions} state transitions, ${d.cost.lambdaInvocations} Lambda invocations: ≈ $${d.cost.usd} (Step Functions $0.025 per 1,000 transitions; Lambda at 1 s × 256 MB each), plus EC2 for the builder and both groups while they overlap.</p>
<p style="color:#59636e">Generated ${escapeHtml(d.generatedAt)} by redblack report.</p>
<script>${asset('dist/uPlot.iife.min.js')}</script>
<script type="application/json" id="data">${scriptJson(d)}</script>
<script>
(function () {
  var d = JSON.parse(document.getElementById('data').textContent);
  var palette = ['#cf222e', '#0969da', '#1a7f37', '#9a6700', '#8250df', '#bf3989'];
  var width = Math.min(1060, document.body.clientWidth - 16);
  function aligned(byGroup) {
    var xs = {};
    d.groups.forEach(function (g) { (byGroup[g] || []).forEach(function (p) { xs[p[0]] = true; }); });
    var x = Object.keys(xs).map(Number).sort(function (a, b) { return a - b; });
    var cols = d.groups.map(function (g) {
      var m = {}; (byGroup[g] || []).forEach(function (p) { m[p[0]] = p[1]; });
      return x.map(function (t) { return t in m ? m[t] : null; });
    });
    return [x.map(function (t) { return t / 1000; })].concat(cols);
  }
  function chart(id, data, label, stepped, extra) {
    var series = [{}].concat(d.groups.map(function (g, i) {
      return { label: g, stroke: palette[i % palette.length], width: 2, spanGaps: true, paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined };
    }));
    if (extra) { series.push(extra.series); data.push(extra.values); }
    new uPlot({ width: width, height: 220, series: series, tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); }, axes: [{}, { label: label }], scales: { x: { time: true } } }, data, document.getElementById(id));
  }
  var traffic = {};
  d.groups.forEach(function (g) { traffic[g] = d.traffic.map(function (p) { return [p.at, p.percent[g] || 0]; }); });
  chart('chart-traffic', aligned(traffic), '%', true);
  chart('chart-healthy', aligned(d.healthy), 'healthy targets', false);
  var requests = {};
  d.groups.forEach(function (g) { requests[g] = d.requests[g] || []; });
  var req = aligned(requests);
  var errs = {}; (d.groups).forEach(function (g) { (d.errors[g] || []).forEach(function (p) { errs[p[0] / 1000] = (errs[p[0] / 1000] || 0) + p[1]; }); });
  chart('chart-requests', req, 'per minute', false, { series: { label: 'target 5xx (all groups)', stroke: '#000', dash: [4, 4], width: 1 }, values: req[0].map(function (x) { return errs[x] == null ? null : errs[x]; }) });
  if (d.judgments.length > 0) {
    var looks = d.judgments.map(function (j) { return Date.parse(j.at) / 1000; });
    new uPlot({ width: width, height: 180, series: [{}, { label: 'canary score', stroke: '#8250df', width: 2, spanGaps: true, points: { size: 7 } }], tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'); }, axes: [{}, { label: 'score' }], scales: { x: { time: true }, y: { range: [0, 100] } } }, [looks, d.judgments.map(function (j) { return j.score; })], document.getElementById('chart-judgments'));
  }
  document.body.setAttribute('data-rendered', String(document.querySelectorAll('.uplot').length));
})();
</script>
</body>
</html>
`;
}
