import {
  CreateTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  paginateQuery,
  type QueryCommandInput,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { failure, cloudPerTest } from './common.js';

const ddb = () => client(DynamoDBClient);
const TABLE = 'history';

async function createTable(name: string, sortType: 'S' | 'N' = 'S') {
  await ddb().send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: sortType },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

describe('DynamoDB Query and Scan', () => {
  cloudPerTest({ seed: 5 });
  beforeEach(async () => {
    await createTable(TABLE);
    for (let i = 0; i < 25; i++) {
      const sk = `deploy#${String(i).padStart(3, '0')}`;
      await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'cluster#web', sk, ok: i % 2 === 0 }) }));
    }
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'cluster#web', sk: 'event#1' }) }));
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'cluster#api', sk: 'deploy#000' }) }));
  });

  const base: QueryCommandInput = {
    TableName: TABLE,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
    ExpressionAttributeValues: marshall({ ':pk': 'cluster#web', ':p': 'deploy#' }),
  };

  it('queries with begins_with in sort order and pages with Limit / ExclusiveStartKey', async () => {
    // Act
    const page1 = await ddb().send(new QueryCommand({ ...base, Limit: 10 }));
    const page2 = await ddb().send(new QueryCommand({ ...base, Limit: 10, ExclusiveStartKey: page1.LastEvaluatedKey }));
    const page3 = await ddb().send(new QueryCommand({ ...base, Limit: 10, ExclusiveStartKey: page2.LastEvaluatedKey }));
    const exact = await ddb().send(new QueryCommand({ ...base, Limit: 5, ExclusiveStartKey: page2.LastEvaluatedKey }));
    // Assess
    const sks = (p: { Items?: Record<string, any>[] }) => (p.Items ?? []).map((i) => i.sk.S);
    expect(sks(page1)[0]).toBe('deploy#000');
    expect(page1.Count).toBe(10);
    expect(page1.LastEvaluatedKey).toEqual(marshall({ pk: 'cluster#web', sk: 'deploy#009' }));
    expect(sks(page2)[0]).toBe('deploy#010');
    expect(sks(page3)).toEqual(['deploy#020', 'deploy#021', 'deploy#022', 'deploy#023', 'deploy#024']);
    expect(page3.LastEvaluatedKey).toBeUndefined();
    // A page cut by Limit carries a LastEvaluatedKey even when nothing follows (DynamoDB does too).
    expect(exact.LastEvaluatedKey).toEqual(marshall({ pk: 'cluster#web', sk: 'deploy#024' }));
  });

  it('reads backwards, filters after Limit, counts, and works with the SDK paginator', async () => {
    // Act
    const backwards = await ddb().send(new QueryCommand({ ...base, ScanIndexForward: false, Limit: 2 }));
    const filtered = await ddb().send(
      new QueryCommand({
        ...base,
        Limit: 4,
        FilterExpression: 'ok = :t',
        ExpressionAttributeValues: marshall({ ':pk': 'cluster#web', ':p': 'deploy#', ':t': true }),
      }),
    );
    const counted = await ddb().send(new QueryCommand({ ...base, Select: 'COUNT' }));
    const all: string[] = [];
    for await (const page of paginateQuery({ client: ddb(), pageSize: 7 }, { ...base })) all.push(...(page.Items ?? []).map((i) => unmarshall(i).sk));
    // Assess
    expect(backwards.Items?.map((i) => i.sk?.S)).toEqual(['deploy#024', 'deploy#023']);
    expect(filtered.ScannedCount).toBe(4);
    expect(filtered.Count).toBe(2);
    expect(filtered.LastEvaluatedKey).toBeDefined();
    expect(counted.Items).toBeUndefined();
    expect(counted.Count).toBe(25);
    expect(all).toHaveLength(25);
    expect(new Set(all).size).toBe(25);
  });

  it('supports the sort-key comparators and orders numbers numerically', async () => {
    // Prepare
    await createTable('numbers', 'N');
    for (const n of [10, 2, 1, 33, -4]) await ddb().send(new PutItemCommand({ TableName: 'numbers', Item: marshall({ pk: 'p', sk: n }) }));
    const q = (cond: string, values: Record<string, unknown>) =>
      ddb()
        .send(new QueryCommand({ TableName: 'numbers', KeyConditionExpression: `pk = :pk AND ${cond}`, ExpressionAttributeValues: marshall({ ':pk': 'p', ...values }) }))
        .then((r) => r.Items?.map((i) => Number(i.sk?.N)));
    // Act + Assess
    expect(await q('sk BETWEEN :a AND :b', { ':a': 1, ':b': 10 })).toEqual([1, 2, 10]);
    expect(await q('sk < :a', { ':a': 2 })).toEqual([-4, 1]);
    expect(await q('sk <= :a', { ':a': 2 })).toEqual([-4, 1, 2]);
    expect(await q('sk > :a', { ':a': 2 })).toEqual([10, 33]);
    expect(await q('sk >= :a', { ':a': 33 })).toEqual([33]);
    expect(await q('sk = :a', { ':a': 10 })).toEqual([10]);
  });

  it('rejects invalid key conditions and key attributes in the filter', async () => {
    // Act
    const noHash = await failure(ddb().send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'begins_with(sk, :p)', ExpressionAttributeValues: marshall({ ':p': 'x' }) })));
    const or = await failure(ddb().send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :a OR pk = :b', ExpressionAttributeValues: marshall({ ':a': 'x', ':b': 'y' }) })));
    const nonKey = await failure(ddb().send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :a AND ok = :b', ExpressionAttributeValues: marshall({ ':a': 'x', ':b': true }) })));
    const hashRange = await failure(ddb().send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk > :a', ExpressionAttributeValues: marshall({ ':a': 'x' }) })));
    const wrongType = await failure(ddb().send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'pk = :a', ExpressionAttributeValues: marshall({ ':a': 1 }) })));
    const keyFilter = await failure(ddb().send(new QueryCommand({ ...base, FilterExpression: 'sk <> :x', ExpressionAttributeValues: marshall({ ':pk': 'cluster#web', ':p': 'deploy#', ':x': 'y' }) })));
    const badLimit = await failure(ddb().send(new QueryCommand({ ...base, Limit: 0 })));
    // Assess
    expect(noHash.message).toBe('Query condition missed key schema element: pk');
    expect(or.message).toBe('Invalid operator used in KeyConditionExpression: OR');
    expect(nonKey.message).toBe('Query key condition not supported');
    expect(hashRange.message).toBe('Query key condition not supported');
    expect(wrongType.message).toBe('One or more parameter values were invalid: Condition parameter type does not match schema type');
    expect(keyFilter.message).toBe('Filter Expression can only contain non-primary key attributes: Primary key attribute: sk');
    expect(badLimit.name).toBe('ValidationException');
    for (const e of [noHash, or, nonKey, hashRange, wrongType, keyFilter]) expect(e.name).toBe('ValidationException');
  });

  it('scans every item exactly once across pages and segments', async () => {
    // Act
    const seen: string[] = [];
    let start: Record<string, any> | undefined;
    let pages = 0;
    do {
      const page = await ddb().send(new ScanCommand({ TableName: TABLE, Limit: 6, ...(start ? { ExclusiveStartKey: start } : {}) }));
      seen.push(...(page.Items ?? []).map((i) => `${i.pk?.S}/${i.sk?.S}`));
      start = page.LastEvaluatedKey;
      pages++;
    } while (start);
    const segments = await Promise.all([0, 1, 2].map((Segment) => ddb().send(new ScanCommand({ TableName: TABLE, Segment, TotalSegments: 3 }))));
    // Assess
    expect(seen).toHaveLength(27);
    expect(new Set(seen).size).toBe(27);
    expect(pages).toBe(5);
    expect(segments.reduce((n, s) => n + (s.Count ?? 0), 0)).toBe(27);
  });
});

describe('DynamoDB TTL', () => {
  const cloud = cloudPerTest({ seed: 9 });
  const TTL_TABLE = 'leases';
  beforeEach(async () => {
    await ddb().send(
      new CreateTableCommand({
        TableName: TTL_TABLE,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await ddb().send(new UpdateTimeToLiveCommand({ TableName: TTL_TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } }));
  });

  const nowSeconds = () => Math.floor(cloud.clock.now() / 1000);
  /** Let `ms` of simulated time pass, running every clock event due on the way. */
  const wait = async (ms: number) => {
    let done = false;
    void cloud.clock.sleep(ms).then(() => (done = true));
    await cloud.clock.runUntil(() => done);
  };
  const get = (pk: string) => ddb().send(new GetItemCommand({ TableName: TTL_TABLE, Key: marshall({ pk }) }));

  it('describes TTL and refuses a repeated or too early change', async () => {
    // Act
    const described = await ddb().send(new DescribeTimeToLiveCommand({ TableName: TTL_TABLE }));
    const again = await failure(ddb().send(new UpdateTimeToLiveCommand({ TableName: TTL_TABLE, TimeToLiveSpecification: { Enabled: true, AttributeName: 'expiresAt' } })));
    const tooSoon = await failure(ddb().send(new UpdateTimeToLiveCommand({ TableName: TTL_TABLE, TimeToLiveSpecification: { Enabled: false, AttributeName: 'expiresAt' } })));
    // Assess
    expect(described.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
    expect(again.message).toBe('TimeToLive is already enabled');
    expect(tooSoon.message).toBe('Time to live has been modified multiple times within a fixed interval');
  });

  it('still returns an expired item until the sweep deletes it some minutes later', async () => {
    // Prepare
    cloud.dynamodb.ttl.delayMs = { min: 5 * 60_000, max: 5 * 60_000 };
    await ddb().send(new PutItemCommand({ TableName: TTL_TABLE, Item: marshall({ pk: 'lock', expiresAt: nowSeconds() + 60 }) }));
    // Act
    await wait(61_000);
    const expiredButThere = await get('lock');
    const filtered = await ddb().send(
      new ScanCommand({ TableName: TTL_TABLE, FilterExpression: 'expiresAt > :now', ExpressionAttributeValues: marshall({ ':now': nowSeconds() }) }),
    );
    await wait(5 * 60_000);
    const swept = await get('lock');
    // Assess
    expect(expiredButThere.Item).toBeDefined();
    expect(filtered.Count).toBe(0);
    expect(swept.Item).toBeUndefined();
    expect(cloud.dynamodb.ttl.deletions).toBe(1);
  });

  it('deletes within the default delay, and a renewed lease survives its old expiry', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TTL_TABLE, Item: marshall({ pk: 'old', expiresAt: nowSeconds() + 30 }) }));
    await ddb().send(new PutItemCommand({ TableName: TTL_TABLE, Item: marshall({ pk: 'renewed', expiresAt: nowSeconds() + 30 }) }));
    await ddb().send(new PutItemCommand({ TableName: TTL_TABLE, Item: marshall({ pk: 'no-ttl', other: 1 }) }));
    await wait(20_000);
    await ddb().send(
      new UpdateItemCommand({ TableName: TTL_TABLE, Key: marshall({ pk: 'renewed' }), UpdateExpression: 'SET expiresAt = :e', ExpressionAttributeValues: marshall({ ':e': nowSeconds() + 3600 }) }),
    );
    // Act
    await wait(16 * 60_000);
    // Assess
    expect((await get('old')).Item).toBeUndefined();
    expect((await get('renewed')).Item).toBeDefined();
    expect((await get('no-ttl')).Item).toBeDefined();
  });
});
