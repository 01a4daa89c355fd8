/**
 * The operator's tool on the demo's world: the demo renders its deployment with `redblack watch`'s
 * renderer (read from the simulated execution history, so it adds no AWS call to the run's
 * figures), and `--then` / `--report` run redblack commands against the same cloud.
 */
import { preloadCommands, runCli } from '../src/cli/main.js';
import { TimelineRenderer } from '../src/cli/render.js';
import { buildTimeline } from '../src/cli/timeline.js';
import type { DemoSession, Progress } from './demo.js';

/**
 * An onProgress for DemoSession.run that renders the newest execution's timeline, and runs the
 * `during` commands (in order) once the deployment reaches its health gate — while it runs, on
 * the same simulated clock. `finish()` waits for them once the deployment is over.
 */
export function renderDemo(session: DemoSession, tty: boolean, during: string[][] = []): { onProgress: (p: Progress) => void; finish: () => Promise<number> } {
  const renderer = new TimelineRenderer({ write: (s) => void process.stdout.write(s), tty, now: () => session.cloud.clock.now() });
  let teardown = false;
  let started: Promise<number> | undefined;
  let done = during.length === 0;
  const startDuring = (): Promise<number> => {
    let worst = 0;
    return during
      .reduce(async (previous, command) => {
        await previous;
        // Buffered: printed whole when the command ends, between the timeline's lines.
        let out = '';
        const code = await runCli(['--stage', 'local', ...command], { io: { out: (s) => void (out += s), err: (s) => void (out += s), tty: false }, wired: true });
        worst = code === 2 ? 2 : worst;
        renderer.close();
        process.stdout.write(`\n$ redblack ${command.join(' ')}    # during the deployment\n${out}\n`);
      }, Promise.resolve())
      .then(() => {
        done = true;
        return worst;
      });
  };
  const onProgress = (p: Progress) => {
    const execution = session.cloud.sfn.executions().at(-1);
    if (!execution) return;
    const t = buildTimeline(execution.name, session.cloud.sfn.historyEvents(execution.executionArn));
    renderer.update(t);
    if (!started && during.length > 0 && t.current?.phase === 'HealthGate') started = startDuring();
    if (t.outcome !== 'running') renderer.close();
    if (p.step === 'Teardown' && !teardown) {
      teardown = true;
      const left = p.groups.map((g) => `${g.serverGroup} (${g.healthy} healthy)`).join(', ');
      process.stdout.write(`[${clockOf(p.simulatedSeconds)}] Teardown        old group removed; serving: ${left}\n`);
    }
  };
  const finish = async (): Promise<number> => {
    if (!started) return during.length > 0 ? 1 : 0;
    await session.cloud.clock.runUntil(() => done, { limitMs: 6 * 3600_000 });
    return started;
  };
  return { onProgress, finish };
}

const clockOf = (s: number) => `${String(Math.floor(s / 3600)).padStart(2, '0')}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;

/** `redblack <args>` against the session's cloud (stage local); simulated time runs until it ends. */
export async function runOnSession(session: DemoSession, args: string[], options: { json?: boolean } = {}): Promise<number> {
  await preloadCommands();
  let done = false;
  const argv = ['--stage', 'local', ...args, ...(options.json && !args.includes('--json') ? ['--json'] : [])];
  const running = runCli(argv, {
    io: { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s), tty: false },
    wired: true,
  }).finally(() => {
    done = true;
  });
  await session.cloud.clock.runUntil(() => done, { limitMs: 6 * 3600_000 });
  return running;
}
