/**
 * `npm start -- --endpoint <url>`: the demo against an AWS-compatible API (moto, LocalStack). Every
 * AWS call goes to the endpoint; the state machine runs here, on real time, with the functions in
 * process. Such endpoints run no user data and serve no requests, so the demo deploys an image it
 * registers through the API (no bake), and a scenario that needs a failing app or install is
 * refused. Same timeline and `--json` contract as the embedded run, read back from the endpoint.
 */
import { readFileSync } from 'node:fs';
import { CloudWatchClient, SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import type { Context } from 'aws-lambda';
import { StateMachine } from 'aws-local-stepfunctions';
import { describeGroup } from '../src/aws/autoscaling.js';
import { client, configureClients } from '../src/aws/clients.js';
import { forwardTargets, readSwapPoint, targetStates } from '../src/aws/elbv2.js';
import { identityTags } from '../src/aws/tags.js';
import { countHealthy } from '../src/domain/health.js';
import { executionName, scheduleName } from '../src/domain/names.js';
import { resolveDefinition, staticFunctionOf, taskKind, taskStates } from '../sim/asl.js';
import { DEMO_RELEASE, type DemoResult, type Progress } from './demo.js';
import { seedDemoWorld } from './demo-world.js';
import { resetDemoWorld } from './endpoint-reset.js';
import { FUNCTIONS } from './functions.js';
import { type EndpointApi, SCENARIOS } from './scenarios.js';
import { createStack } from './stack.js';

export interface EndpointOptions {
  endpoint: string;
  scenario?: string;
  seed?: number;
  /**
   * Every Wait state and Retry interval lasts one second and traffic steps wait five: for an
   * endpoint whose resources are ready at once (moto), nothing is worth waiting for in real time.
   */
  shortWaits?: boolean;
  onProgress?: (p: Progress) => void;
  /** Lines about the run itself (what was seeded, what the endpoint could not do). */
  say?: (line: string) => void;
}

export interface EndpointResult extends DemoResult {
  endpoint: string;
  seed: number;
  /** Against an endpoint the clock is real: `deploySeconds` and `simulatedSeconds` are wall seconds. */
  clock: 'real';
  /** What the endpoint could not do, and how the run did without it. */
  notes: string[];
}

/** What the execution ends with: Finalize's result, or Rollback's `committed` through the Committed state. */
interface ExecutionOutput {
  outcome?: string;
  from?: string | null;
  to?: string;
  teardown?: { serverGroup: string; at: string } | null;
  warnings?: string[];
  cause?: string;
}

/** A scenario the endpoint cannot express: the CLI exits 2 with this one line. */
export class EndpointRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointRefused';
  }
}

const ACCOUNT = '000000000000';
const arnOf = (key: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:redblack-local-${key}`;
const SHORT_WAIT_MS = 1000;

/** Reads an emulator may lack (moto 5.2.1: notification configurations), with AWS's answer for a group that has none. */
const UNIMPLEMENTED_READS: Record<string, Record<string, unknown>> = {
  DescribeNotificationConfigurationsCommand: { NotificationConfigurations: [] },
};
const SHORT_STEP_WAIT_SECONDS = 5;

export async function runOnEndpoint(options: EndpointOptions): Promise<EndpointResult> {
  let url: URL;
  try {
    url = new URL(options.endpoint);
  } catch {
    throw new Error(`--endpoint must be a URL such as http://localhost:4566 (got ${options.endpoint})`);
  }
  const name = options.scenario ?? 'happy';
  const scenario = SCENARIOS[name];
  if (!scenario) throw new EndpointRefused(`unknown scenario "${name}"`);
  const on = scenario.onEndpoint;
  if (on && 'refused' in on) throw new EndpointRefused(`scenario ${name} cannot run against an endpoint: ${on.refused}`);
  const seed = options.seed ?? 1;
  const say = options.say ?? (() => undefined);

  let apiCalls = 0;
  let observing = false;
  const notes: string[] = [];
  configureClients({
    endpoint: url.toString(),
    region: process.env.AWS_REGION ?? 'us-east-1',
    credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'test' },
    // The pipeline's calls are counted; the runner's own looks at the endpoint (the timeline) are
    // not. A read the endpoint does not implement (HTTP 500) is answered as AWS answers a group
    // without that setting, and said so in `notes`.
    tap: (next, context: { commandName?: string }) => async (args) => {
      if (!observing) apiCalls++;
      try {
        return await next(args);
      } catch (err) {
        const empty = context.commandName ? UNIMPLEMENTED_READS[context.commandName] : undefined;
        if (!empty || (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 500) throw err;
        const note = `${url.origin} does not implement ${context.commandName?.replace(/Command$/, '')} (HTTP 500): answered as empty, so the clone copied none`;
        if (!notes.includes(note)) notes.push(note);
        return { response: { statusCode: 200, headers: {} }, output: { ...empty, $metadata: { httpStatusCode: 200 } } };
      }
    },
  });
  const observe = async <T>(fn: () => Promise<T>): Promise<T> => {
    observing = true;
    try {
      return await fn();
    } finally {
      observing = false;
    }
  };

  let stack;
  try {
    stack = await createStack({ account: ACCOUNT, functionArn: arnOf });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') throw new Error(`cannot reach the endpoint ${url.origin} (${code})`);
    throw err;
  }
  const worldOptions = {
    ...scenario.world,
    ...(options.shortWaits && scenario.world.stepWaitSeconds ? { stepWaitSeconds: Math.min(scenario.world.stepWaitSeconds, SHORT_STEP_WAIT_SECONDS) } : {}),
  };
  const cluster = worldOptions.cluster ?? 'web-prod';
  const removed = await resetDemoWorld(cluster, stack, worldOptions.alarms ?? []);
  if (removed.length > 0) say(`removed what an earlier run left on ${url.origin}: ${removed.length} resources`);
  const world = await seedDemoWorld(worldOptions);
  say(`seeded ${world.cluster} on ${url.origin}; the endpoint runs no user data, so ${DEMO_RELEASE} is a registered image (no bake)`);
  const image = await client(EC2Client).send(
    new RegisterImageCommand({
      Name: `redblack/${world.cluster}/${DEMO_RELEASE}/prebaked`,
      Architecture: 'arm64',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      TagSpecifications: [{ ResourceType: 'image', Tags: identityTags({ cluster: world.cluster, deployment: 'prebaked', release: DEMO_RELEASE }) }],
    }),
  );
  const imageId = image.ImageId as string;

  const t0 = Date.now();
  const elapsed = () => Math.round((Date.now() - t0) / 1000);
  const groupOf = (arn: string) => arn.split(':targetgroup/')[1]?.split('/')[0] ?? arn;
  const traffic = async (): Promise<Record<string, number>> => {
    const targets = forwardTargets((await readSwapPoint(world.listenerArn)).actions);
    const total = targets.reduce((n, t) => n + t.weight, 0);
    return Object.fromEntries(targets.map((t) => [groupOf(t.targetGroupArn), total === 0 ? 0 : Math.round((t.weight * 100) / total)]));
  };
  const snapshot = async (step: string): Promise<Progress> => {
    const targets = forwardTargets((await readSwapPoint(world.listenerArn)).actions);
    const groups = [];
    for (const t of targets) groups.push({ serverGroup: groupOf(t.targetGroupArn), healthy: countHealthy((await targetStates(t.targetGroupArn)).map((x) => x.state)), weight: t.weight });
    return { simulatedSeconds: elapsed(), step, groups };
  };
  const api: EndpointApi = {
    setAlarm: async (alarm, state, reason) => {
      await client(CloudWatchClient).send(new SetAlarmStateCommand({ AlarmName: alarm, StateValue: state, StateReason: reason }));
    },
  };

  const definition = resolveDefinition(JSON.parse(readFileSync(new URL('../statemachines/deploy.asl.json', import.meta.url), 'utf8')), arnOf);
  const handlers: Record<string, (input: any) => Promise<any>> = {};
  let lambdaInvocations = 0;
  let rolledBack = false;
  for (const task of taskStates(definition)) {
    const fn = staticFunctionOf(task);
    const key = Object.keys(FUNCTIONS).find((k) => fn === arnOf(k));
    const handler = key ? FUNCTIONS[key] : undefined;
    if (!handler) throw new Error(`no local function for state ${task.state}`);
    // A task token needs the embedded cloud's Step Functions (SendTaskSuccess answers it there);
    // no endpoint scenario configures an approval gate, so reaching one is a bug, said plainly.
    const waitsForToken = taskKind(task.resource) === 'invoke.waitForTaskToken';
    handlers[task.state] = async (input) => {
      if (waitsForToken) throw new Error(`endpoint mode: ${task.state} waits for a task token, which only the embedded cloud answers`);
      lambdaInvocations++;
      try {
        const output = await handler(input, { functionName: key } as Context);
        if (task.state === 'Rollback' && (output as { outcome?: string })?.outcome === 'rolled-back') rolledBack = true;
        if (on && 'afterStep' in on) await observe(() => on.afterStep(task.state, output, api));
        return output;
      } catch (err) {
        const e = err as Error;
        const wrapped = new Error(JSON.stringify({ errorType: e.name, errorMessage: e.message }));
        wrapped.name = e.name;
        throw wrapped;
      } finally {
        if (options.onProgress) options.onProgress(await observe(() => snapshot(task.state)));
      }
    };
  }
  const waits = Object.entries((definition as { States: Record<string, { Type: string; Retry?: unknown[] }> }).States);
  const short = (pick: (s: { Type: string; Retry?: unknown[] }) => boolean, value: (s: { Retry?: unknown[] }) => unknown) =>
    Object.fromEntries(waits.filter(([, s]) => pick(s)).map(([n, s]) => [n, value(s)]));
  const overrides = options.shortWaits
    ? {
        waitTimeOverrides: short((s) => s.Type === 'Wait', () => SHORT_WAIT_MS),
        retryIntervalOverrides: short((s) => Array.isArray(s.Retry), () => SHORT_WAIT_MS),
      }
    : {};

  // The deployment's name is the embedded run's rule (cluster, release, identity) with the seed as
  // the identity: the same seed names the same deployment, run after run.
  const deployment = executionName({ cluster: world.cluster, release: DEMO_RELEASE, identity: `endpoint-seed-${seed}` });
  const input = { cluster: world.cluster, release: DEMO_RELEASE, imageId };
  const machine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
  const run = machine.run(input as never, {
    overrides: { taskResourceLocalHandlers: handlers, ...overrides } as never,
    context: {
      Execution: { Id: `arn:aws:states:us-east-1:${ACCOUNT}:execution:redblack-local-deploy:${deployment}`, Name: deployment, Input: input as never, StartTime: new Date().toISOString() },
    },
  });
  let stateTransitions = 0;
  const counting = (async () => {
    for await (const event of run.eventLogs) if (event.type === 'StateEntered') stateTransitions++;
  })();

  const warnings: string[] = [];
  let output = null as ExecutionOutput | null;
  let error: string | null = null;
  let cause: string | null = null;
  try {
    output = (await run.result) as ExecutionOutput | null;
  } catch (err) {
    // As Step Functions reports it: the Fail state's Error and Cause (the library wraps them).
    const inner = (err as Error & { cause?: unknown }).cause as Error | undefined;
    error = inner?.name && inner.name !== 'FailStateError' ? inner.name : (err as Error).name;
    cause = inner?.message ?? (err as Error).message;
  }
  await counting.catch(() => undefined);
  const deploySeconds = elapsed();
  for (const note of notes) say(`note: ${note}`);
  warnings.push(...(output?.warnings ?? []));
  if (output?.outcome === 'committed') warnings.push(`Finalize failed after its commit point; the deployment stands: ${output.cause ?? ''}`);
  const succeeded = output !== null && (output.outcome === 'succeeded' || output.outcome === 'committed');

  let teardown: DemoResult['teardown'] = null;
  if (output?.teardown) {
    teardown = { ...output.teardown, done: false };
    try {
      teardown.done = await fireTeardown(output.teardown.serverGroup, stack.scheduleGroup);
    } catch (err) {
      warnings.push(`teardown of ${output.teardown.serverGroup}: ${(err as Error).name}: ${(err as Error).message}`);
    }
    options.onProgress?.(await observe(() => snapshot('Teardown')));
  }

  return {
    scenario: name,
    outcome: succeeded ? 'succeeded' : rolledBack ? 'rolled-back' : 'failed',
    cluster: world.cluster,
    release: DEMO_RELEASE,
    deployment,
    from: output?.from !== undefined ? output.from : (world.liveGroup ?? null),
    to: succeeded ? (output?.to ?? null) : null,
    traffic: await observe(traffic),
    teardown,
    error,
    cause,
    deploySeconds,
    simulatedSeconds: elapsed(),
    stateTransitions,
    apiCalls,
    lambdaInvocations,
    warnings,
    endpoint: url.origin,
    seed,
    clock: 'real',
    notes,
  };
}

/**
 * The endpoint keeps the teardown schedule but fires nothing: read it back (what to run, with
 * which input) and run it now, as Scheduler would at its time. True when the group is gone.
 */
async function fireTeardown(serverGroup: string, group: string): Promise<boolean> {
  const schedule = await client(SchedulerClient).send(new GetScheduleCommand({ Name: scheduleName(serverGroup), GroupName: group }));
  const payload = JSON.parse(schedule.Target?.Input ?? '{}') as unknown;
  const teardown = FUNCTIONS.teardown;
  if (!teardown) throw new Error('no local teardown function');
  await teardown(payload, { functionName: 'teardown' } as Context);
  return (await describeGroup(serverGroup)) === undefined;
}
