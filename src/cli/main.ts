/**
 * `redblack`: the operator's tool. One table of commands on commander; every command has
 * `--help` and `--json` (one JSON document on stdout: `{command, exitCode, …}` or
 * `{command, exitCode, error: {code, message}}`), and exits with the codes of ./errors.ts.
 * `runCli` runs in-process: the bin (bin/redblack.js) points the clients at AWS first; the demo and
 * the tests wire them to the embedded cloud instead.
 */
import { Command, CommanderError, Option } from 'commander';
import type { Ctx, Outcome } from './command.js';
import type { GlobalOptions, Io, Resources } from './context.js';
import { classify, EXIT } from './errors.js';

export interface RunOptions {
  io: Io;
  /** The clients are already wired (the embedded cloud): ignore --region, --profile, --endpoint. */
  wired?: boolean;
  sleep?: (ms: number) => Promise<void>;
}

type Handler = (ctx: Ctx, ...args: any[]) => Promise<Outcome> | Outcome;

/** The command table: a name, its arguments, its options and a handler returning an Outcome. */
// Each command loads its modules (and their SDK clients) when it runs: `--help` and usage errors stay fast.
const cluster = () => import('./commands/cluster.js');
const deployments = () => import('./commands/deployments.js');
const status = () => import('./commands/status.js');
const approvals = () => import('./commands/approvals.js');

/**
 * Loads every command's modules now. On the embedded cloud, a module loaded while the virtual clock
 * is being driven would let simulated time run ahead during the real disk I/O: load them first.
 */
export async function preloadCommands(): Promise<void> {
  await Promise.all([cluster(), deployments(), status(), approvals(), import('./commands/plan.js'), import('./commands/report.js'), import('./context.js')]);
}

function commands(program: Command, run: (name: string, handler: Handler) => (...args: any[]) => Promise<void>): void {
  const source = (c: Command) =>
    c
      .option('--release <release>', 'the release name (required; letters, digits, . _ + -)')
      .option('--artifact <s3-uri>', 'an artifact already in S3: s3://bucket/key[?versionId=…]')
      .option('--file <path>', 'a local artifact: uploaded to the stack bucket under releases/<cluster>/<release>/')
      .option('--image <ami-id>', 'a prebaked image of this account: the bake is skipped');

  source(program.command('deploy').argument('<cluster>').description('start a deployment (the same deduplication as the S3 and EventBridge triggers)'))
    .option('--wait', 'then follow it as watch does, and exit with its outcome')
    .action(run('deploy', async (ctx, c, o) => (await deployments()).deploy(ctx, c, o)));
  program
    .command('status')
    .argument('[cluster]')
    .description('server groups, traffic, health, lock, pins, teardowns and the deployment in progress (all clusters without an argument)')
    .action(run('status', async (ctx, c) => (await status()).status(ctx, c)));
  program
    .command('watch')
    .argument('<cluster|deployment>')
    .description("follow a deployment to its end: a line per phase change, countdowns on a terminal; exits with the outcome's code")
    .action(run('watch', async (ctx, target) => (await deployments()).watch(ctx, target)));
  program
    .command('history')
    .argument('<cluster>')
    .option('--limit <n>', 'how many, newest first', '20')
    .description('deployments, rollbacks, recoveries, teardowns and Plan failures from the ledger')
    .action(run('history', async (ctx, c, o) => (await status()).history(ctx, c, o)));
  program
    .command('rollback')
    .argument('<cluster>')
    .option('--to <server-group>', 'the group to give the traffic back to (default: the one the last deployment replaced; any older group of the cluster that still exists)')
    .option('--reason <text>', 'recorded in the ledger and the notification')
    .option('--wait', 'follow it to its end')
    .description('undo the last successful deployment while its previous group is still warm')
    .action(run('rollback', async (ctx, c, o) => (await deployments()).rollback(ctx, c, o)));
  program
    .command('abort')
    .argument('<cluster|deployment>')
    .option('--reason <text>', 'recorded as the stop cause')
    .option('--wait', 'wait until the recovery is recorded (listener restored, new group removed, lock free)')
    .option('--wait-minutes <n>', 'give up waiting after this long', '15')
    .description('stop a deployment in progress; the recover function restores the cluster exactly')
    .action(run('abort', async (ctx, target, o) => (await deployments()).abort(ctx, target, o)));
  program
    .command('promote')
    .argument('<cluster>')
    .description("approve the traffic step the cluster's deployment waits on (config approval)")
    .action(run('promote', async (ctx, c) => (await approvals()).promote(ctx, c)));
  program
    .command('reject')
    .argument('<cluster>')
    .option('--reason <text>', 'recorded as the rollback cause')
    .description("refuse the traffic step the cluster's deployment waits on: it rolls back (ApprovalRejected)")
    .action(run('reject', async (ctx, c, o) => (await approvals()).reject(ctx, c, o)));
  source(program.command('plan').argument('<cluster>').description('a dry run: the group that would be made, its differences, the traffic schedule, duration, cost, blockers'))
    .action(run('plan', async (ctx, c, o) => (await import('./commands/plan.js')).plan(ctx, c, o)));
  program
    .command('report')
    .argument('<deployment>')
    .option('-o, --out <file.html>', 'where to write the report', 'redblack-report.html')
    .description('write a self-contained HTML report of a deployment: phases, traffic, health, alarms, cause, cost')
    .action(run('report', async (ctx, deployment, o) => (await import('./commands/report.js')).report(ctx, deployment, o)));

  const clusters = program.command('cluster').description('the cluster configuration in SSM');
  clusters.command('get').argument('<cluster>').description('print the stored configuration').action(run('cluster get', async (ctx, c) => (await cluster()).get(ctx, c)));
  clusters
    .command('put')
    .argument('<cluster>')
    .argument('<file.json>')
    .option('--yes', 'write it (without: show the diff only)')
    .description('validate, show the diff against the stored one, write with --yes')
    .action(run('cluster put', async (ctx, c, file, o) => (await cluster()).put(ctx, c, file, o)));
  clusters
    .command('validate')
    .argument('<cluster>')
    .argument('<file.json>')
    .description('check a configuration against the schema (no AWS call)')
    .action(run('cluster validate', async (_ctx, c, file) => (await cluster()).validate(c, file)));
  clusters
    .command('adopt')
    .argument('<cluster>')
    .argument('<auto-scaling-group>')
    .option('--yes', 'tag it (without: show what would be tagged)')
    .description("bring an existing Auto Scaling group (any name) under redblack as the cluster's live group; its first deployment creates <cluster>-v001")
    .action(run('cluster adopt', async (ctx, c, group, o) => (await cluster()).adopt(ctx, c, group, o)));
}

export async function runCli(argv: string[], options: RunOptions): Promise<number> {
  const { io } = options;
  let exitCode: number = EXIT.ok;
  let command = 'redblack';
  let json = argv.includes('--json');
  const fail = (err: unknown) => {
    const { exitCode: code, code: name, message } = classify(err);
    io.err(`redblack: ${message}\n`);
    if (json) io.out(`${JSON.stringify({ command, exitCode: code, error: { code: name, message } })}\n`);
    return code;
  };

  const program = new Command('redblack')
    .description('Red/black deployments of EC2 Auto Scaling groups behind an ALB: deploy, watch, look back, roll back.')
    .addOption(new Option('--stage <stage>', 'the stack stage (stack redblack-<stage>)').env('REDBLACK_STAGE').default('dev'))
    .option('--region <region>', 'AWS region (default: the standard chain, AWS_REGION …)')
    .option('--profile <profile>', 'AWS profile of the shared config files')
    .option('--endpoint <url>', 'an AWS-compatible API (LocalStack, moto) instead of AWS')
    .option('--json', 'one JSON document on stdout')
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: () => undefined, outputError: () => undefined });

  const run = (name: string, handler: Handler) =>
    async (...args: any[]) => {
      command = name;
      const cmd = args.at(-1) as Command;
      const globals = cmd.optsWithGlobals() as GlobalOptions & Record<string, unknown>;
      json = globals.json === true;
      const { connect, resolveResources } = await import('./context.js');
      if (!options.wired) connect(globals);
      let resources: Promise<Resources> | undefined;
      const ctx: Ctx = {
        io,
        options: { ...globals, json },
        resources: () => (resources ??= resolveResources(globals.stage)),
        sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      };
      const positional = args.slice(0, -1);
      const outcome = await handler(ctx, ...positional);
      exitCode = outcome.exitCode ?? EXIT.ok;
      if (json) io.out(`${JSON.stringify({ command: name, exitCode, ...outcome.json })}\n`);
      else if (outcome.text) io.out(outcome.text);
    };
  commands(program, run);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // No command: commander shows the help and asks for one.
      const message = err.code === 'commander.help' ? 'a command is required (redblack --help lists them)' : err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
      io.err(`redblack: ${message}\n`);
      if (json) io.out(`${JSON.stringify({ command, exitCode: EXIT.usage, error: { code: 'UsageError', message } })}\n`);
      return EXIT.usage;
    }
    return fail(err);
  }
}
