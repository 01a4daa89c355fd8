/**
 * What the functions really do: the demo scenarios, plus the paths they do not take (a manual
 * rollback, a prebaked image through a Deploy Requested event, a console input without a version
 * id, a teardown deferred behind a held lock, the daily sweep finding a stray builder and expired
 * images), run on the embedded cloud. Every AWS call is logged with the function that made it;
 * every REDBLACK_* setting a function reads is recorded too.
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { marshall } from '@aws-sdk/util-dynamodb';
import { promote } from '../../../src/aws/approvals.js';
import { client } from '../../../src/aws/clients.js';
import { currentCaller } from '../../../sim/caller.js';
import type { Call } from '../../../tools/deploy/iam-actions.js';
import { DemoSession } from '../../../local/demo.js';
import { putClusterConfig } from '../../../local/demo-world.js';

export interface Observed {
  /** Calls made by a function (caller = serverless key); setup calls by the test are left out. */
  calls: (Call & { caller: string })[];
  /** Function key → REDBLACK_* variables it read. */
  settings: Map<string, Set<string>>;
  /** Scenario → how its deployment(s) ended, to show the paths were really taken. */
  outcomes: Record<string, string[]>;
  account: string;
  region: string;
}

/** The functions that create teardown schedules (and so pass the scheduler role). */
export const SCHEDULE_CREATORS = ['finalize', 'manualRollback', 'recover', 'teardown'];

export const SCENARIOS = [
  'happy',
  'unhealthy-release',
  'bake-failure',
  'alarm-during-shift',
  'first-deploy',
  'canary-steps',
  'subtle-errors',
  'noisy-healthy',
  'fresh-baseline',
  'fresh-baseline-subtle-errors',
] as const;

export async function observe(): Promise<Observed> {
  const observed: Observed = { calls: [], settings: new Map(), outcomes: {}, account: '', region: '' };
  const realEnv = process.env;
  // Which function reads which setting: src/env.ts reads process.env lazily, inside the handler.
  process.env = new Proxy(realEnv, {
    get(target, key) {
      const caller = currentCaller();
      if (caller && typeof key === 'string' && key.startsWith('REDBLACK_')) {
        if (!observed.settings.has(caller)) observed.settings.set(caller, new Set());
        observed.settings.get(caller)?.add(key);
      }
      return Reflect.get(target, key);
    },
    // Straight to the real environment object: it accepts plain assignments only.
    set(target, key, value) {
      (target as Record<string | symbol, unknown>)[key] = value;
      return true;
    },
  });
  try {
    for (const name of [...SCENARIOS, APPROVAL, APPROVAL_CANARY]) {
      const s =
        name === APPROVAL
          ? await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval: {} })
          : name === APPROVAL_CANARY
            ? await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 300, canary: {}, approval: {} })
            : await DemoSession.create(name, 1);
      try {
        observed.account = s.cloud.accountId;
        observed.region = s.cloud.region;
        observed.outcomes[name] = name === 'happy' ? await extendedHappy(s) : name === APPROVAL ? await approved(s) : name === APPROVAL_CANARY ? await wentBad(s) : await plain(s);
        for (const c of s.cloud.log.calls) {
          if (c.caller) observed.calls.push({ caller: c.caller, service: c.service, operation: c.operation, input: c.input });
        }
      } finally {
        s.dispose();
      }
    }
  } finally {
    process.env = realEnv;
  }
  return observed;
}

/** Not a demo scenario: the happy world with an approval before 100 %, answered by promote. */
const APPROVAL = 'approval';

async function approved(s: DemoSession): Promise<string[]> {
  await s.upload();
  await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
  await promote(s.world.cluster, 'iam test');
  return [(await s.awaitExecutions(1)).status];
}

/** Not a demo scenario either: a judged canary that starts failing while the approval waits. */
const APPROVAL_CANARY = 'approval-canary';

async function wentBad(s: DemoSession): Promise<string[]> {
  await s.upload();
  await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
  s.cloud.apps.set('1.1.0', { errorRate: 0.05 });
  const done = await s.awaitExecutions(1);
  return [`${done.status} ${done.error}`];
}

/** The scenario as the demo runs it: upload, the deployment, the old group's teardown. */
async function plain(s: DemoSession): Promise<string[]> {
  await s.upload();
  const done = await s.awaitExecutions(1);
  const out: string[] = [done.status];
  const teardown = done.output ? (JSON.parse(done.output) as { teardown?: { serverGroup: string } | null }).teardown : null;
  if (teardown) out.push(`teardown ${(await s.awaitTeardown(teardown.serverGroup)) ? 'done' : 'pending'}`);
  return out;
}

const ended = (s: DemoSession) => s.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING').length;

async function start(s: DemoSession, name: string, input: unknown): Promise<string> {
  const before = ended(s);
  await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: s.stack.stateMachineArn, name, input: JSON.stringify(input) }));
  return (await s.awaitExecutions(before + 1)).status;
}

async function extendedHappy(s: DemoSession): Promise<string[]> {
  const cluster = s.world.cluster;
  const out: string[] = [];
  // 1. The demo's deployment: 1.1.0 baked, v002 takes all traffic, v001 scaled down
  // (teardown.scaleDownOld, its capacity saved in a tag) and scheduled for teardown.
  await putClusterConfig(cluster, { ...s.world.config, teardown: { ...s.world.config.teardown, scaleDownOld: true } });
  await s.upload();
  const first = await s.awaitExecutions(1);
  out.push(`deploy ${first.status}`);
  const imageId = (JSON.parse(first.output ?? '{}') as { imageId?: string }).imageId;

  // 2. Manual rollback (the console input of docs/deploy.md): v001 resized, gated, back in traffic; v002 scheduled instead.
  out.push(`manual rollback ${await start(s, 'manual-rollback-1', { action: 'rollback', cluster, reason: 'iam test' })}`);
  await putClusterConfig(cluster, s.world.config);
  out.push(`teardown v002 ${(await s.awaitTeardown(`${cluster}-v002`)) ? 'done' : 'pending'}`);

  // 3. The prebaked image through EventBridge (Deploy Requested → trigger → VerifyImage).
  const before = ended(s);
  await client(EventBridgeClient).send(
    new PutEventsCommand({ Entries: [{ Source: 'redblack', DetailType: 'Deploy Requested', Detail: JSON.stringify({ cluster, release: '1.1.0', imageId }) }] }),
  );
  out.push(`prebaked ${(await s.awaitExecutions(before + 1)).status}`);

  // 4. A teardown that finds the cluster locked reschedules itself behind the lock holder.
  const now = Math.floor(Date.now() / 1000);
  const lockKey = { pk: `cluster#${cluster}`, sk: 'lock' };
  const table = s.stack.table;
  await client(DynamoDBClient).send(new PutItemCommand({ TableName: table, Item: marshall({ ...lockKey, deployment: 'held-by-test', acquiredAt: now, expiresAt: now + 3600 }) }));
  const report = (await s.cloud.lambda.invoke('teardown', { serverGroup: `${cluster}-v001`, deployment: 'iam-test' })) as { deferred: string[] };
  out.push(`teardown deferred ${report.deferred.join(',')}`);
  await client(DynamoDBClient).send(new DeleteItemCommand({ TableName: table, Key: marshall(lockKey) }));

  // 5. Console input without a version id: HeadObject without VersionId is s3:GetObject.
  const key = s.artifactKey;
  out.push(`console ${await start(s, 'console-no-version', { cluster, release: '1.1.1', artifact: { bucket: s.stack.bucket, key } })}`);

  // 6. A manual rollback that flipped the listener but failed before its bookkeeping: Recover finishes it.
  s.cloud.faults.add({ service: 'scheduler', operation: 'DeleteSchedule', error: 'ValidationException', times: 1 });
  out.push(`manual rollback failing after the flip ${await start(s, 'manual-rollback-2', { action: 'rollback', cluster })}`);
  await s.cloud.clock.advance(10 * 60_000);
  out.push(`recoveries ${s.cloud.lambda.invocations.filter((i) => i.function === 'recover').length}`);

  // 7. The daily sweep (the EventBridge rule, on the clock) with a stray builder and images past retention.
  await putClusterConfig(cluster, { ...s.world.config, teardown: { ...s.world.config.teardown, imageRetentionDays: 1 } });
  await client(EC2Client).send(
    new RunInstancesCommand({
      ImageId: s.world.baseImageId,
      InstanceType: 't4g.small',
      SubnetId: s.world.subnets[0],
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'redblack:cluster', Value: cluster }, { Key: 'redblack:role', Value: 'builder' }] }],
    }),
  );
  const sweeps = s.cloud.lambda.count('teardown');
  await s.cloud.clock.advance(2 * 86_400_000);
  out.push(`sweeps ${s.cloud.lambda.count('teardown') - sweeps}`);

  // 8. Stop and roll back: a deployment stopped while its new group warms up → Recover undoes it.
  const sfn = client(SFNClient);
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn: s.stack.stateMachineArn, name: 'stopped-1', input: JSON.stringify({ cluster, release: '1.1.2', imageId, force: true }) }),
  );
  await s.cloud.clock.runUntil(() => s.cloud.lambda.count('healthGate') > 0 || s.cloud.sfn.execution(executionArn as string)?.status !== 'RUNNING', { limitMs: 3600_000 });
  await sfn.send(new StopExecutionCommand({ executionArn }));
  await s.cloud.clock.advance(10 * 60_000);
  out.push(`stopped → ${s.cloud.lambda.invocations.filter((i) => i.function === 'recover').map((i) => i.outcome).join(',')}`);

  // 9. A console start of an artifact that is not there: Validate refuses it and says so (Deployment Failed).
  out.push(`refused ${await start(s, 'no-such-artifact', { cluster, release: '1.1.3', artifact: { bucket: s.stack.bucket, key: `releases/${cluster}/1.1.3/missing.tgz` } })}`);

  return out;
}
