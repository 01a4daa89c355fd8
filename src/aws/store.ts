/**
 * The DynamoDB table: one lease lock per cluster, one record per deployment, and a pointer to each
 * cluster's last successful deployment (what an on-demand rollback undoes).
 *
 * Keys: pk = `cluster#<cluster>`; sk = `lock` | `deployment#<id>` | `last-success` |
 * `judgment#<id>#<nnnn>` (each canary judgment of a deployment, in order).
 * `expiresAt` (epoch seconds) is the table's TTL attribute: DynamoDB deletes expired locks
 * eventually, but an expired lock may still be read for hours, so expiry is also checked here.
 */
import {
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { Judgment } from '../domain/notifications.js';
import { setting } from '../env.js';
import { client } from './clients.js';
import { isAwsError, tolerate } from './not-found.js';

const ddb = () => client(DynamoDBClient);
const pk = (cluster: string) => `cluster#${cluster}`;
const epoch = (ms: number) => Math.floor(ms / 1000);
const CONDITION_FAILED = 'ConditionalCheckFailedException';
const isConditionFailure = (err: unknown) => isAwsError(err, CONDITION_FAILED);

export interface LockHolder {
  deployment: string;
  acquiredAt: number;
  expiresAt: number;
}

export type LockResult = { acquired: true } | { acquired: false; holder: LockHolder };

/** Takes the cluster's lease, or renews it when `deployment` already holds it. */
export async function acquireLock(cluster: string, deployment: string, leaseSeconds: number, now: number): Promise<LockResult> {
  try {
    await ddb().send(
      new PutItemCommand({
        TableName: setting('tableName'),
        Item: marshall({ pk: pk(cluster), sk: 'lock', deployment, acquiredAt: epoch(now), expiresAt: epoch(now) + leaseSeconds }),
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now OR deployment = :me',
        ExpressionAttributeValues: marshall({ ':now': epoch(now), ':me': deployment }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { acquired: true };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const item = (err as { Item?: Record<string, any> }).Item;
    const holder = item ? (unmarshall(item) as LockHolder) : await lockHolder(cluster);
    return { acquired: false, holder: holder ?? { deployment: 'unknown', acquiredAt: 0, expiresAt: 0 } };
  }
}

/** Releases the lease if `deployment` holds it; anything else (gone, someone else's) is left alone. */
export async function releaseLock(cluster: string, deployment: string): Promise<void> {
  await tolerate(
    CONDITION_FAILED,
    ddb().send(
      new DeleteItemCommand({
        TableName: setting('tableName'),
        Key: marshall({ pk: pk(cluster), sk: 'lock' }),
        ConditionExpression: 'deployment = :me',
        ExpressionAttributeValues: marshall({ ':me': deployment }),
      }),
    ),
  );
}

export async function lockHolder(cluster: string): Promise<LockHolder | undefined> {
  const out = await ddb().send(
    new GetItemCommand({ TableName: setting('tableName'), Key: marshall({ pk: pk(cluster), sk: 'lock' }), ConsistentRead: true }),
  );
  return out.Item ? (unmarshall(out.Item) as LockHolder) : undefined;
}

export type DeploymentStatus = 'RUNNING' | 'SUCCEEDED' | 'ROLLED_BACK' | 'FAILED';

export interface DeploymentRecord {
  deployment: string;
  cluster: string;
  release: string;
  status: DeploymentStatus;
  from?: string;
  to?: string;
  startedAt: number;
  endedAt?: number;
  cause?: string;
  kind?: 'deploy' | 'rollback' | 'teardown' | 'recovery';
  /** Who or what started it: `s3`, `eventbridge`, `cli:<user>`, `console`, `schedule`, `daily-sweep`. */
  trigger?: string;
  /** Epoch seconds: the table's TTL deletes the record then (LEDGER_RETENTION_DAYS after it started). */
  expiresAt?: number;
  /** A deploy's artifact identity (domain/input.ts `artifactIdentity`): how a later start of the same artifact is recognised. */
  artifact?: string;
  /**
   * What an undo needs, as JSON (src/steps/shared/undo.ts): for a deploy, the listener as Plan
   * found it, the live and next groups and the config; for a manual rollback, the groups and the
   * capacity it restored. Recovery reads it when the execution itself can no longer act.
   */
  plan?: string;
  /** The approval request the deployment waits on, if any (src/steps/request-approval.ts). */
  approval?: PendingApproval;
}

export interface PendingApproval {
  /** The Step Functions task token promote/reject answer. */
  token: string;
  stepIndex: number;
  /** Percent of traffic the approved step moves to the new group. */
  step: number;
  requestedAt: number;
  expiresAt: number;
  /** The exact SendTaskSuccess output that approves this step. */
  output: string;
}

/** How long the ledger keeps a record (docs/deploy.md "The ledger"). */
export const LEDGER_RETENTION_DAYS = 400;

/** Records a deployment; a retry of the same step writes the same item again. */
export async function putDeployment(record: DeploymentRecord): Promise<void> {
  await ddb().send(
    new PutItemCommand({
      TableName: setting('tableName'),
      Item: marshall(
        { pk: pk(record.cluster), sk: `deployment#${record.deployment}`, expiresAt: epoch(record.startedAt) + LEDGER_RETENTION_DAYS * 86_400, ...record },
        { removeUndefinedValues: true },
      ),
    }),
  );
}

export async function endDeployment(
  cluster: string,
  deployment: string,
  status: DeploymentStatus,
  endedAt: number,
  cause?: string,
): Promise<void> {
  await ddb().send(
    new UpdateItemCommand({
      TableName: setting('tableName'),
      Key: marshall({ pk: pk(cluster), sk: `deployment#${deployment}` }),
      UpdateExpression: cause === undefined ? 'SET #s = :s, endedAt = :e' : 'SET #s = :s, endedAt = :e, #c = :c',
      ExpressionAttributeNames: cause === undefined ? { '#s': 'status' } : { '#s': 'status', '#c': 'cause' },
      ExpressionAttributeValues: marshall(cause === undefined ? { ':s': status, ':e': endedAt } : { ':s': status, ':e': endedAt, ':c': cause }),
    }),
  );
}

export async function getDeployment(cluster: string, deployment: string): Promise<DeploymentRecord | undefined> {
  const out = await ddb().send(
    new GetItemCommand({ TableName: setting('tableName'), Key: marshall({ pk: pk(cluster), sk: `deployment#${deployment}` }) }),
  );
  return out.Item ? (unmarshall(out.Item) as DeploymentRecord) : undefined;
}

export interface LastSuccess {
  deployment: string;
  from?: string;
  to: string;
  at: number;
}

export async function setLastSuccess(cluster: string, last: LastSuccess): Promise<void> {
  await ddb().send(
    new PutItemCommand({
      TableName: setting('tableName'),
      Item: marshall({ pk: pk(cluster), sk: 'last-success', ...last }, { removeUndefinedValues: true }),
    }),
  );
}

export async function getLastSuccess(cluster: string): Promise<LastSuccess | undefined> {
  const out = await ddb().send(
    new GetItemCommand({ TableName: setting('tableName'), Key: marshall({ pk: pk(cluster), sk: 'last-success' }), ConsistentRead: true }),
  );
  return out.Item ? (unmarshall(out.Item) as LastSuccess) : undefined;
}

export async function clearLastSuccess(cluster: string): Promise<void> {
  await ddb().send(new DeleteItemCommand({ TableName: setting('tableName'), Key: marshall({ pk: pk(cluster), sk: 'last-success' }) }));
}

/** One canary judgment as the ledger keeps it (src/steps/judge-canary.ts writes them). */
export interface JudgmentRecord extends Judgment {
  deployment: string;
}

const judgmentKey = (deployment: string, seq: number) => `judgment#${deployment}#${String(seq).padStart(4, '0')}`;

/** Records a judgment; a retried look writes the same item again (its key is the look's number). */
export async function putJudgment(cluster: string, j: JudgmentRecord): Promise<void> {
  await ddb().send(
    new PutItemCommand({
      TableName: setting('tableName'),
      Item: marshall({ pk: pk(cluster), sk: judgmentKey(j.deployment, j.seq), ...j }, { removeUndefinedValues: true, convertClassInstanceToMap: true }),
    }),
  );
}

/** Every judgment of a deployment, in order. */
export async function listJudgments(cluster: string, deployment: string): Promise<JudgmentRecord[]> {
  const out: JudgmentRecord[] = [];
  let start: Record<string, any> | undefined;
  do {
    const page = await ddb().send(
      new QueryCommand({
        TableName: setting('tableName'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: marshall({ ':pk': pk(cluster), ':prefix': `judgment#${deployment}#` }),
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of page.Items ?? []) {
      const { pk: _pk, sk: _sk, ...rest } = unmarshall(item);
      out.push(rest as JudgmentRecord);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Records the approval request a deployment now waits on (a retry writes the same). */
export async function setApproval(cluster: string, deployment: string, approval: PendingApproval): Promise<void> {
  await ddb().send(
    new UpdateItemCommand({
      TableName: setting('tableName'),
      Key: marshall({ pk: pk(cluster), sk: `deployment#${deployment}` }),
      UpdateExpression: 'SET approval = :a',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: marshall({ ':a': approval }),
    }),
  );
}

/** Removes an answered request, only if it is still `token`'s (a newer request is left alone). False when it was already gone. */
export async function clearApproval(cluster: string, deployment: string, token: string): Promise<boolean> {
  const removed = ddb()
    .send(
      new UpdateItemCommand({
        TableName: setting('tableName'),
        Key: marshall({ pk: pk(cluster), sk: `deployment#${deployment}` }),
        UpdateExpression: 'REMOVE approval',
        ConditionExpression: 'approval.#t = :t',
        ExpressionAttributeNames: { '#t': 'token' },
        ExpressionAttributeValues: marshall({ ':t': token }),
      }),
    )
    .then(() => true);
  return tolerate(CONDITION_FAILED, removed, false);
}

/** The cluster's ledger, newest first: deployments, rollbacks, recoveries, teardowns, Plan failures. */
export async function listDeployments(cluster: string, limit: number): Promise<DeploymentRecord[]> {
  const items: DeploymentRecord[] = [];
  let start: Record<string, any> | undefined;
  do {
    const out = await ddb().send(
      new QueryCommand({
        TableName: setting('tableName'),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)',
        ExpressionAttributeValues: marshall({ ':pk': pk(cluster), ':d': 'deployment#' }),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    for (const item of out.Items ?? []) items.push(unmarshall(item) as DeploymentRecord);
    start = out.LastEvaluatedKey;
  } while (start);
  // Sort keys are deployment names, not times: order by when each started.
  return items.sort((a, b) => b.startedAt - a.startedAt).slice(0, limit);
}
