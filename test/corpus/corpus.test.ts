/**
 * The hostile input corpus (test/corpus/*.json, written by generate.ts) through the real entry
 * points on one embedded-cloud world: S3 and EventBridge events into the trigger function,
 * console inputs and cluster configurations through StartExecution, teardown events into the
 * teardown function. Each case gets its typed error naming the problem — or is ignored, where
 * the design says so — and the call log shows no mutating AWS call by any function.
 */
import { readFileSync } from 'node:fs';
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { identityTags } from '../../src/aws/tags.js';
import type { TriggerReport } from '../../src/steps/trigger.js';
import { DemoSession } from '../../local/demo.js';
import { seedDemoWorld } from '../../local/demo-world.js';
import type { Case, Expect } from './generate.js';
import { changesResources } from '../functions/helpers.js';

const load = (name: string): Case[] => JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8')) as Case[];
const FILES = ['s3-events', 'eventbridge-events', 'console-inputs', 'cluster-configs', 'teardown-events'] as const;
const CORPUS = Object.fromEntries(FILES.map((f) => [f, load(f)])) as Record<(typeof FILES)[number], Case[]>;

let s: DemoSession;
let values: Record<string, string>;
let seq = 0;

beforeAll(async () => {
  s = await DemoSession.create('happy', 1);
  // A second cluster, so teardown events can name a group of another cluster.
  await seedDemoWorld({ cluster: 'api-prod', instances: 1 });
  const image = await client(EC2Client).send(
    new RegisterImageCommand({
      Name: 'redblack/web-prod/1.2.0/prebaked',
      Architecture: 'arm64',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
      TagSpecifications: [{ ResourceType: 'image', Tags: identityTags({ cluster: 'web-prod', deployment: 'prebaked', release: '1.2.0' }) }],
    }),
  );
  values = { $BUCKET: s.stack.bucket, $IMAGE: image.ImageId as string, $LISTENER: s.world.listenerArn, $TG_ARN: s.world.liveTargetGroupArn as string };
});
afterAll(() => s?.dispose());

/** Fills the corpus placeholders: $BUCKET & co., `$HUGE:<n>`, `{"$repeat": n, "item": x}`. */
function expand(v: unknown): unknown {
  if (typeof v === 'string') {
    const huge = /^\$HUGE:(\d+)$/.exec(v);
    if (huge) return 'x'.repeat(Number(huge[1]));
    return v.replace(/\$(BUCKET|IMAGE|LISTENER|TG_ARN)/g, (m) => values[m] as string);
  }
  if (Array.isArray(v)) {
    return v.flatMap((x) => {
      const r = x as { $repeat?: number; item?: unknown };
      return r && typeof r === 'object' && typeof r.$repeat === 'number' ? Array.from({ length: r.$repeat }, () => expand(r.item)) : [expand(x)];
    });
  }
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}

function patched(patch: [string, unknown][]): unknown {
  const config = structuredClone(s.world.config) as Record<string, unknown>;
  for (const [path, value] of patch) {
    const keys = path.split('.');
    let at = config;
    for (const k of keys.slice(0, -1)) at = (at[k] ??= {}) as Record<string, unknown>;
    const last = keys.at(-1) as string;
    if (value === '$DELETE') delete at[last];
    else at[last] = expand(value);
  }
  return config;
}

/** Runs `work` with the virtual clock driven until it settles (its failure is handled at once, then rethrown). */
async function driven<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const outcome = work.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  void outcome.then(() => (done = true));
  await s.cloud.clock.runUntil(() => done, { limitMs: 3600_000 });
  const o = await outcome;
  if ('error' in o) throw o.error;
  return o.value;
}

/** A function invoked as its event source would: the error name and message, or its result. */
async function invoke(fn: string, event: unknown): Promise<{ error?: string; message?: string; result?: unknown }> {
  try {
    return { result: await driven(s.cloud.lambda.invoke(fn, event)) };
  } catch (err) {
    const e = err as Error;
    return { error: e.name, message: (JSON.parse(e.message) as { errorMessage: string }).errorMessage };
  }
}

/** StartExecution as the console does; the execution's error and cause. */
async function execute(input: unknown): Promise<{ error?: string; message?: string }> {
  const out = await client(SFNClient).send(
    new StartExecutionCommand({ stateMachineArn: s.stack.stateMachineArn, name: `corpus-${++seq}`, input: JSON.stringify(input) }),
  );
  await driven(s.cloud.sfn.whenDone(out.executionArn as string));
  const e = s.cloud.sfn.execution(out.executionArn as string);
  expect(e?.status).toBe('FAILED');
  let message = e?.cause ?? '';
  try {
    message = (JSON.parse(message) as { errorMessage: string }).errorMessage;
  } catch {
    // a States.* cause is plain text
  }
  return { ...(e?.error ? { error: e.error } : {}), message };
}

function assess(outcome: { error?: string; message?: string; result?: unknown }, expected: Expect): void {
  if ('ignored' in expected) {
    expect(outcome.error, outcome.message).toBeUndefined();
    const report = outcome.result as TriggerReport;
    expect(report.started).toEqual([]);
    if (expected.ignored) expect(report.ignored.join('\n')).toContain(expected.ignored);
    return;
  }
  expect(outcome.error, outcome.message).toBe(expected.error);
  for (const m of expected.mentions) expect(outcome.message).toContain(m);
}

const mutations = (mark: number): string[] =>
  s.cloud.log.calls
    .slice(mark)
    .filter((c) => c.caller !== undefined && c.mutating && changesResources(c))
    .map((c) => `${c.caller}:${c.service}:${c.operation}`);

describe.each([
  ['s3-events', (c: Case) => invoke('trigger', expand(c.event))],
  ['eventbridge-events', (c: Case) => invoke('trigger', expand(c.event))],
  ['console-inputs', (c: Case) => execute(expand(c.input))],
  [
    'cluster-configs',
    async (c: Case) => {
      await putConfig(c.raw === undefined ? JSON.stringify(patched(c.patch as [string, unknown][])) : (c.raw as string));
      return execute({ cluster: 'hostile', release: '1.2.0', imageId: values.$IMAGE });
    },
  ],
  ['teardown-events', (c: Case) => invoke('teardown', expand(c.event))],
] as const)('%s', (file, run) => {
  it.each(CORPUS[file].map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    // Prepare
    const mark = s.cloud.log.mark();
    // Act
    const outcome = await run(c);
    // Assess
    assess(outcome, c.expect);
    expect(mutations(mark)).toEqual([]);
  });
});

/** A configuration document as stored (possibly not JSON); the advanced tier takes documents over 4 KB. */
async function putConfig(raw: string): Promise<void> {
  await client(SSMClient).send(new PutParameterCommand({ Name: '/redblack/clusters/hostile', Type: 'String', Value: raw, Overwrite: true, Tier: 'Advanced' }));
}

it('holds at least 300 cases', () => {
  expect(Object.values(CORPUS).flat().length).toBeGreaterThanOrEqual(300);
});
