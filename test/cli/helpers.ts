/** Runs the CLI in-process against a demo world on the embedded cloud, driving the virtual clock meanwhile. */
import { preloadCommands, runCli } from '../../src/cli/main.js';
import { DemoSession } from '../../local/demo.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** The `--json` document, when one was printed. */
  json: any;
}

export async function openWorld(scenario = 'happy', seed = 1): Promise<DemoSession> {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  return DemoSession.create(scenario, seed);
}

/** `redblack <args>` against the session's cloud; simulated time runs until the command ends. */
export async function cli(session: DemoSession, args: string[], options: { tty?: boolean; limitMs?: number } = {}): Promise<CliRun> {
  await preloadCommands();
  let out = '';
  let err = '';
  let done = false;
  const running = runCli(args, { io: { out: (s) => void (out += s), err: (s) => void (err += s), tty: options.tty ?? false }, wired: true }).finally(() => {
    done = true;
  });
  await session.cloud.clock.runUntil(() => done, { limitMs: options.limitMs ?? 3 * 3600_000 });
  const code = await running;
  let json: unknown;
  if (args.includes('--json')) json = JSON.parse(out.trim().split('\n').at(-1) as string);
  return { code, out, err, json };
}
