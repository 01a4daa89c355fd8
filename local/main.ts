/**
 * npm start [-- --scenario <name>] [--json] [--seed <n>] [--endpoint <url>]
 *
 * Runs the demo world on the embedded cloud: uploads releases/web-prod/1.1.0/web-1.1.0.tgz,
 * shows the deployment live, then fast-forwards to the old group's teardown.
 *
 * On the embedded cloud the deployment is shown with the renderer of `redblack watch`; `--during`
 * runs redblack commands while it is in its health gate, `--then` after it (before the old group's
 * teardown, so `rollback` has a group to go back to), `--report` writes its HTML report.
 */
import { parseArgs } from 'node:util';
import '../sim/polyfills.js';
import type { DemoResult, Progress } from './demo.js';
import { SCENARIO_NAMES, SCENARIOS } from './scenarios.js';
import { readableCause } from '../src/cli/timeline.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

function usage(code: number): never {
  const lines = [
    'usage: npm start -- [--scenario <name>] [--json] [--seed <n>] [--endpoint <url> [--short-waits]] [--verbose] [--during "<redblack command>"]… [--then "<redblack command>"]… [--report <file.html>]',
    '',
    'scenarios:',
    ...SCENARIO_NAMES.map((n) => `  ${n.padEnd(20)} ${SCENARIOS[n]?.summary}`),
  ];
  (code === 0 ? process.stdout : process.stderr).write(`${lines.join('\n')}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        scenario: { type: 'string', default: 'happy' },
        json: { type: 'boolean', default: false },
        seed: { type: 'string', default: '1' },
        endpoint: { type: 'string' },
        'short-waits': { type: 'boolean', default: false },
        verbose: { type: 'boolean', short: 'v', default: false },
        then: { type: 'string', multiple: true, default: [] },
        during: { type: 'string', multiple: true, default: [] },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    usage(2);
  }
  if (args.help) usage(0);
  // The functions' own JSON logs only with --verbose: the demo shows its own progress lines.
  // Set before the functions load: their logger reads it once.
  process.env.POWERTOOLS_LOG_LEVEL = args.verbose ? 'INFO' : 'SILENT';
  // Metrics are EMF log lines on stdout: shown with the logs, never in the --json output.
  process.env.POWERTOOLS_METRICS_DISABLED = args.verbose && !args.json ? 'false' : 'true';
  const { DemoSession } = await import('./demo.js');
  const scenario = args.scenario as string;
  if (!SCENARIOS[scenario]) {
    process.stderr.write(`unknown scenario "${scenario}"\n`);
    usage(2);
  }
  const seed = Number(args.seed);
  if (!Number.isInteger(seed) || seed < 0) {
    process.stderr.write(`--seed must be a non-negative integer (got ${args.seed})\n`);
    process.exit(2);
  }
  const live = !args.json;
  const tty = live && process.stdout.isTTY;
  let drawn = 0;
  let last = '';
  const show = (p: Progress) => {
    const total = p.groups.reduce((n, g) => n + g.weight, 0) || 1;
    const groups = p.groups.map((g) => `${g.serverGroup} ${String(Math.round((g.weight * 100) / total)).padStart(3)}% (${g.healthy} healthy)`).join('  ');
    const state = `${p.step.padEnd(16)} ${groups}`;
    // A log (not a terminal) gets a line only when something changed.
    if (!tty && state === last) return;
    last = state;
    const line = `[${clock(p.simulatedSeconds)}] ${state}`;
    if (tty) {
      if (drawn > 0) process.stdout.write('\x1b[1A\x1b[2K');
      process.stdout.write(`${line}\n`);
      drawn++;
    } else process.stdout.write(`${line}\n`);
  };
  if (args['short-waits'] && !args.endpoint) {
    process.stderr.write('--short-waits only applies with --endpoint (the embedded cloud runs on simulated time)\n');
    process.exit(2);
  }
  const refused = args.endpoint ? SCENARIOS[scenario]?.onEndpoint : undefined;
  if (refused && 'refused' in refused) {
    process.stderr.write(`redblack: scenario ${scenario} cannot run against an endpoint: ${refused.refused}\n`);
    process.exit(2);
  }
  const then = (args.then as string[]).map(words);
  const during = (args.during as string[]).map(words);
  if (args.endpoint && (then.length > 0 || during.length > 0 || args.report)) {
    process.stderr.write('--during, --then and --report run on the embedded cloud; against an endpoint, run redblack --endpoint <url> --stage local\n');
    process.exit(2);
  }
  const wall = Date.now();
  let result: DemoResult;
  if (args.endpoint) {
    const { EndpointRefused, runOnEndpoint } = await import('./endpoint.js');
    if (live) process.stdout.write(`redblack demo — scenario ${scenario} against ${args.endpoint}: ${SCENARIOS[scenario]?.summary}\n`);
    try {
      result = await runOnEndpoint({
        endpoint: args.endpoint,
        scenario,
        seed,
        shortWaits: !!args['short-waits'],
        ...(live ? { onProgress: show, say: (line: string) => process.stdout.write(`${line}\n`) } : {}),
      });
    } catch (err) {
      if (!(err instanceof EndpointRefused)) throw err;
      process.stderr.write(`redblack: ${err.message}\n`);
      process.exit(2);
    }
  } else {
    const { renderDemo, runOnSession } = await import('./watch.js');
    // Only when commands will run: the demo alone loads none of the CLI's commands.
    if (during.length > 0 || then.length > 0 || args.report) await (await import('../src/cli/main.js')).preloadCommands();
    if (live) process.stdout.write(`redblack demo — scenario ${scenario}: ${SCENARIOS[scenario]?.summary}\n`);
    // performance.now(): Date is simulated while the session is open.
    const started = performance.now();
    const session = await DemoSession.create(scenario, seed);
    let code: number;
    try {
      const demo = renderDemo(session, tty === true, live ? during : []);
      // With --then, stop before the old group's teardown: `rollback` then has a group to go back to.
      result = await session.run({ ...(live ? { onProgress: demo.onProgress } : {}), ...(then.length > 0 ? { awaitTeardown: false } : {}) });
      const duringCode = await demo.finish();
      if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else summary(result, Math.round(performance.now() - started), 'simulated');
      code = result.outcome === SCENARIOS[scenario]?.expect ? 0 : 1;
      if (duringCode === 2) code = 2;
      if (args.report) code = Math.max(code, await runOnSession(session, ['report', result.deployment, '-o', args.report as string], { json: !!args.json }));
      for (const command of then) {
        if (live) process.stdout.write(`\n$ redblack ${command.join(' ')}\n`);
        const exit = await runOnSession(session, command, { json: !!args.json });
        if (exit === 2) code = 2;
      }
    } finally {
      session.dispose();
    }
    process.exit(code);
  }
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else summary(result, Date.now() - wall, 'real');
  process.exit(result.outcome === SCENARIOS[scenario]?.expect ? 0 : 1);
}

/** `status web-prod --json` → words; quotes group words as a shell would. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

function summary(r: DemoResult, wallMs: number, clockKind: 'simulated' | 'real'): void {
  const out = [
    '',
    `outcome        ${r.outcome}${r.error ? ` (${r.error})` : ''}`,
    `deployment     ${r.deployment}  ${r.cluster} ${r.release}: ${r.from ?? '(none)'} → ${r.to ?? '(none)'}`,
    `traffic        ${Object.entries(r.traffic).map(([g, w]) => `${g} ${w}`).join(', ')}`,
    ...(r.cause ? [`cause          ${readableCause(r.cause)}`] : []),
    `teardown       ${r.teardown ? `${r.teardown.serverGroup} at ${r.teardown.at}: ${r.teardown.done ? 'done' : 'pending'}` : '(none)'}`,
    ...(r.baseline ? [`baseline       ${r.baseline.serverGroup} (fresh): created, ${r.baseline.removed ? 'removed' : 'STILL PRESENT'}`] : []),
    ...r.warnings.map((w) => `warning        ${w}`),
    `deploy time    ${clock(r.deploySeconds)} ${clockKind} (${clock(r.simulatedSeconds)} with teardown), ${wallMs} ms wall`,
    `cost drivers   ${r.stateTransitions} state transitions, ${r.lambdaInvocations} Lambda invocations, ${r.apiCalls} AWS API calls`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

const clock = (s: number): string => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

main().catch((err: unknown) => {
  // One line for the user; the stack only when asked for.
  const e = err as Error & { code?: string };
  const detail = process.argv.includes('--verbose') ? (e.stack ?? String(err)) : `${e.message}${e.code && !e.message.includes(e.code) ? ` (${e.code})` : ''}`;
  process.stderr.write(`redblack: ${detail}\n`);
  process.exit(1);
});
