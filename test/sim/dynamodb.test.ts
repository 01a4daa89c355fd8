import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { failure, cloudPerTest } from './common.js';

const ddb = () => client(DynamoDBClient);
const TABLE = 'redblack-locks';

async function createTable(name = TABLE, range = false) {
  await ddb().send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, ...(range ? [{ AttributeName: 'sk', KeyType: 'RANGE' as const }] : [])],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, ...(range ? [{ AttributeName: 'sk', AttributeType: 'S' as const }] : [])],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

describe('DynamoDB tables', () => {
  cloudPerTest({ seed: 1 });

  it('creates, describes, lists and deletes a table', async () => {
    // Act
    const created = await ddb().send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const described = await ddb().send(new DescribeTableCommand({ TableName: TABLE }));
    const listed = await ddb().send(new ListTablesCommand({}));
    await ddb().send(new DeleteTableCommand({ TableName: TABLE }));
    const gone = await failure(ddb().send(new DescribeTableCommand({ TableName: TABLE })));
    // Assess
    expect(created.TableDescription?.TableStatus).toBe('ACTIVE');
    expect(described.Table).toMatchObject({
      TableName: TABLE,
      TableArn: `arn:aws:dynamodb:us-east-1:123456789012:table/${TABLE}`,
      BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
      ItemCount: 0,
    });
    expect(described.Table?.CreationDateTime).toBeInstanceOf(Date);
    expect(listed.TableNames).toEqual([TABLE]);
    expect(gone).toBeInstanceOf(ResourceNotFoundException);
  });

  it('rejects a duplicate table, a bad key schema and a bad name', async () => {
    // Prepare
    await createTable();
    // Act
    const dup = await failure(createTable());
    const noDef = await failure(
      ddb().send(
        new CreateTableCommand({
          TableName: 'other',
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    );
    const badName = await failure(
      ddb().send(
        new CreateTableCommand({
          TableName: 'a b',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
          BillingMode: 'PAY_PER_REQUEST',
        }),
      ),
    );
    const noThroughput = await failure(
      ddb().send(
        new CreateTableCommand({
          TableName: 'prov',
          KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        }),
      ),
    );
    // Assess
    expect(dup).toBeInstanceOf(ResourceInUseException);
    expect(noDef.name).toBe('ValidationException');
    expect(noDef.message).toMatch(/Some index key attributes are not defined/);
    expect(badName.name).toBe('ValidationException');
    expect(noThroughput.message).toMatch(/ReadCapacityUnits and WriteCapacityUnits must both be specified/);
  });

  it('answers ResourceNotFoundException for items of a missing table', async () => {
    // Act
    const err = await failure(ddb().send(new GetItemCommand({ TableName: 'nope', Key: marshall({ pk: 'a' }) })));
    // Assess
    expect(err).toBeInstanceOf(ResourceNotFoundException);
    expect(err.message).toBe('Requested resource not found');
  });
});

describe('DynamoDB items', () => {
  const cloud = cloudPerTest({ seed: 1 });
  beforeEach(async () => {
    await createTable();
  });

  it('puts, gets with a projection, and deletes idempotently', async () => {
    // Prepare
    const item = { pk: 'cluster#web', owner: 'exec-1', big: 123456789012345678901234567890n.toString(), tags: ['a', 'b'], nested: { n: 1, l: [1, 2, 3] } };
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ ...item, n: 1.5 }) }));
    // Act
    const full = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'cluster#web' }), ConsistentRead: true }));
    const part = await ddb().send(
      new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'cluster#web' }), ProjectionExpression: '#o, nested.l[1]', ExpressionAttributeNames: { '#o': 'owner' } }),
    );
    const del1 = await ddb().send(new DeleteItemCommand({ TableName: TABLE, Key: marshall({ pk: 'cluster#web' }), ReturnValues: 'ALL_OLD' }));
    const del2 = await ddb().send(new DeleteItemCommand({ TableName: TABLE, Key: marshall({ pk: 'cluster#web' }), ReturnValues: 'ALL_OLD' }));
    const after = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'cluster#web' }) }));
    // Assess
    expect(unmarshall(full.Item ?? {})).toEqual({ ...item, n: 1.5 });
    expect(part.Item).toEqual({ owner: { S: 'exec-1' }, nested: { M: { l: { L: [{ N: '2' }] } } } });
    expect(del1.Attributes?.owner).toEqual({ S: 'exec-1' });
    expect(del2.Attributes).toBeUndefined();
    expect(after.Item).toBeUndefined();
  });

  it('keeps numbers as decimal strings, normalised like DynamoDB', async () => {
    // Act
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'n' }, a: { N: '0012.500' }, b: { N: '12345678901234567890123456789012345678' } } }));
    const got = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: { pk: { S: 'n' } } }));
    const tooPrecise = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'x' }, a: { N: '1234567890123456789012345678901234567891' } } })));
    const notNumber = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'x' }, a: { N: 'abc' } } })));
    // Assess
    expect(got.Item?.a).toEqual({ N: '12.5' });
    expect(got.Item?.b).toEqual({ N: '12345678901234567890123456789012345678' });
    expect(tooPrecise.message).toMatch(/38 significant digits/);
    expect(notNumber.name).toBe('ValidationException');
  });

  it('validates keys and item size', async () => {
    // Act
    const missing = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ other: 'x' }) })));
    const wrongType = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { N: '1' } } })));
    const emptyKey = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: '' } } })));
    const badGetKey = await failure(ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a', extra: 'b' }) })));
    const tooBig = await failure(ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'big', blob: 'x'.repeat(401 * 1024) }) })));
    // Assess
    expect(missing.message).toBe('One or more parameter values were invalid: Missing the key pk in the item');
    expect(wrongType.message).toBe('One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N');
    expect(emptyKey.message).toMatch(/cannot contain an empty string value. Key: pk/);
    expect(badGetKey.message).toBe('The provided key element does not match the schema');
    expect(tooBig.message).toBe('Item size has exceeded the maximum allowed size');
    for (const e of [missing, wrongType, emptyKey, badGetKey, tooBig]) expect(e.name).toBe('ValidationException');
  });

  it('runs a lease lock: acquire once, conflict, re-acquire after expiry', async () => {
    // Prepare
    const acquire = (owner: string) => {
      const now = Math.floor(Date.now() / 1000);
      return ddb().send(
        new PutItemCommand({
          TableName: TABLE,
          Item: marshall({ pk: 'lock#web-prod', owner, expiresAt: now + 900 }),
          ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
          ExpressionAttributeValues: marshall({ ':now': now }),
        }),
      );
    };
    // Act
    await acquire('exec-1');
    const conflict = await failure(acquire('exec-2'));
    await cloud.clock.advance(901_000);
    await acquire('exec-3');
    const holder = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'lock#web-prod' }) }));
    // Assess
    expect(conflict).toBeInstanceOf(ConditionalCheckFailedException);
    expect(conflict.message).toBe('The conditional request failed');
    expect(conflict.$metadata.httpStatusCode).toBe(400);
    expect(unmarshall(holder.Item ?? {}).owner).toBe('exec-3');
    expect(cloud.log.filter({ service: 'dynamodb', outcome: 'ConditionalCheckFailedException' })).toHaveLength(1);
  });

  it('carries the old item on a failed condition when ReturnValuesOnConditionCheckFailure is ALL_OLD', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'lock', owner: 'a' }) }));
    // Act
    const err = await failure(
      ddb().send(
        new PutItemCommand({
          TableName: TABLE,
          Item: marshall({ pk: 'lock', owner: 'b' }),
          ConditionExpression: 'attribute_not_exists(pk)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    // Assess
    expect(err).toBeInstanceOf(ConditionalCheckFailedException);
    expect(err.Item).toEqual({ pk: { S: 'lock' }, owner: { S: 'a' } });
  });

  it('releases a lease only for its owner (conditional delete)', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'lock', owner: 'a' }) }));
    const release = (owner: string) =>
      ddb().send(new DeleteItemCommand({ TableName: TABLE, Key: marshall({ pk: 'lock' }), ConditionExpression: '#o = :me', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: marshall({ ':me': owner }) }));
    // Act
    const wrong = await failure(release('b'));
    await release('a');
    // Assess
    expect(wrong).toBeInstanceOf(ConditionalCheckFailedException);
    expect((await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'lock' }) }))).Item).toBeUndefined();
  });

  it('commits a transaction atomically or cancels it with reasons', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'lock', owner: 'a' }) }));
    // Act
    const cancelled = await failure(
      ddb().send(
        new TransactWriteItemsCommand({
          TransactItems: [
            { Put: { TableName: TABLE, Item: marshall({ pk: 'record' }) } },
            { ConditionCheck: { TableName: TABLE, Key: marshall({ pk: 'lock' }), ConditionExpression: 'attribute_not_exists(pk)' } },
          ],
        }),
      ),
    );
    const record1 = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'record' }) }));
    await ddb().send(
      new TransactWriteItemsCommand({
        TransactItems: [
          { Put: { TableName: TABLE, Item: marshall({ pk: 'record' }) } },
          { Delete: { TableName: TABLE, Key: marshall({ pk: 'lock' }), ConditionExpression: 'attribute_exists(pk)' } },
        ],
      }),
    );
    const record2 = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'record' }) }));
    // Assess
    expect(cancelled.name).toBe('TransactionCanceledException');
    expect(cancelled.message).toMatch(/\[None, ConditionalCheckFailed\]/);
    expect(record1.Item).toBeUndefined();
    expect(record2.Item).toEqual({ pk: { S: 'record' } });
    expect(cancelled.CancellationReasons?.map((r: { Code: string }) => r.Code)).toEqual(['None', 'ConditionalCheckFailed']);
  });
});

describe('DynamoDB UpdateItem', () => {
  cloudPerTest({ seed: 1 });
  beforeEach(async () => {
    await createTable();
  });

  const update = (expr: string, values?: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    ddb().send(
      new UpdateItemCommand({
        TableName: TABLE,
        Key: marshall({ pk: 'd1' }),
        UpdateExpression: expr,
        ...(values ? { ExpressionAttributeValues: marshall(values) } : {}),
        ReturnValues: 'ALL_NEW',
        ...extra,
      }),
    );

  it('upserts with SET, if_not_exists, arithmetic and list_append', async () => {
    // Act
    const first = await update('SET attempts = if_not_exists(attempts, :zero) + :one, steps = list_append(if_not_exists(steps, :empty), :step), meta.#s = :s', undefined, {
      ExpressionAttributeValues: marshall({ ':zero': 0, ':one': 1, ':empty': [], ':step': ['bake'], ':s': 'x' }),
      ExpressionAttributeNames: { '#s': 'state' },
    }).catch((e) => e);
    const created = await update('SET attempts = if_not_exists(attempts, :zero) + :one, steps = list_append(if_not_exists(steps, :empty), :step), meta = :meta', {
      ':zero': 0,
      ':one': 1,
      ':empty': [],
      ':step': ['bake'],
      ':meta': { state: 'new' },
    });
    const again = await update('SET attempts = attempts + :one, steps = list_append(steps, :step), meta.#s = :s', { ':one': 1, ':step': ['swap'], ':s': 'done' }, { ExpressionAttributeNames: { '#s': 'state' } });
    // Assess
    expect(first.name).toBe('ValidationException');
    expect(first.message).toBe('The document path provided in the update expression is invalid for update');
    expect(unmarshall(created.Attributes ?? {})).toEqual({ pk: 'd1', attempts: 1, steps: ['bake'], meta: { state: 'new' } });
    expect(unmarshall(again.Attributes ?? {})).toEqual({ pk: 'd1', attempts: 2, steps: ['bake', 'swap'], meta: { state: 'done' } });
  });

  it('applies REMOVE, ADD and DELETE and returns UPDATED_OLD / UPDATED_NEW', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'd1' }, a: { S: 'x' }, n: { N: '5' }, s: { SS: ['a', 'b'] }, l: { L: [{ S: '0' }, { S: '1' }, { S: '2' }] } } }));
    // Act
    const oldVals = await update('REMOVE a, l[0] ADD n :two, s :c', { ':two': 2, ':c': new Set(['c']) }, { ReturnValues: 'UPDATED_OLD' });
    const newVals = await update('DELETE s :ab ADD #c :one', { ':ab': new Set(['a', 'b']), ':one': 1 }, { ReturnValues: 'UPDATED_NEW', ExpressionAttributeNames: { '#c': 'counter' } });
    const none = await update('SET x = :x', { ':x': 1 }, { ReturnValues: 'NONE' });
    const item = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'd1' }) }));
    // Assess
    expect(oldVals.Attributes).toEqual({ a: { S: 'x' }, n: { N: '5' }, s: { SS: ['a', 'b'] }, l: { L: [{ S: '0' }] } });
    expect(newVals.Attributes).toEqual({ s: { SS: ['c'] }, counter: { N: '1' } });
    expect(none.Attributes).toBeUndefined();
    expect(item.Item).toEqual({ pk: { S: 'd1' }, n: { N: '7' }, s: { SS: ['c'] }, l: { L: [{ S: '1' }, { S: '2' }] }, counter: { N: '1' }, x: { N: '1' } });
  });

  it('removes a set attribute emptied by DELETE and rejects type errors', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: { pk: { S: 'd1' }, s: { SS: ['a'] }, str: { S: 'x' } } }));
    // Act
    await update('DELETE s :a', { ':a': new Set(['a']) });
    const after = await ddb().send(new GetItemCommand({ TableName: TABLE, Key: marshall({ pk: 'd1' }) }));
    const badAdd = await failure(update('ADD str :one', { ':one': 1 }));
    const badArith = await failure(update('SET str = str + :one', { ':one': 1 }));
    const missing = await failure(update('SET y = nothere + :one', { ':one': 1 }));
    const keyAttr = await failure(update('SET pk = :v', { ':v': 'other' }));
    // Assess
    expect(after.Item).toEqual({ pk: { S: 'd1' }, str: { S: 'x' } });
    expect(badAdd.message).toBe('An operand in the update expression has an incorrect data type');
    expect(badArith.message).toBe('An operand in the update expression has an incorrect data type');
    expect(missing.message).toBe('The provided expression refers to an attribute that does not exist in the item');
    expect(keyAttr.message).toBe('One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key');
  });

  it('honours a condition on update and returns the old item on failure', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'd1', version: 3 }) }));
    // Act
    const ok = await update('SET version = :next', { ':next': 4, ':expected': 3 }, { ConditionExpression: 'version = :expected' });
    const stale = await failure(update('SET version = :next', { ':next': 4, ':expected': 3 }, { ConditionExpression: 'version = :expected', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
    const upsertBlocked = await failure(
      ddb().send(new UpdateItemCommand({ TableName: TABLE, Key: marshall({ pk: 'new' }), UpdateExpression: 'SET a = :a', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: marshall({ ':a': 1 }) })),
    );
    // Assess
    expect(unmarshall(ok.Attributes ?? {}).version).toBe(4);
    expect(stale).toBeInstanceOf(ConditionalCheckFailedException);
    expect(upsertBlocked).toBeInstanceOf(ConditionalCheckFailedException);
    expect(stale.Item).toEqual({ pk: { S: 'd1' }, version: { N: '4' } });
  });
});
