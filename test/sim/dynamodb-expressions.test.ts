import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { failure, cloudPerTest } from './common.js';

const ddb = () => client(DynamoDBClient);
const TABLE = 'exprs';

describe('DynamoDB expressions', () => {
  cloudPerTest({ seed: 3 });
  beforeEach(async () => {
    await ddb().send(
      new CreateTableCommand({
        TableName: TABLE,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await ddb().send(
      new PutItemCommand({
        TableName: TABLE,
        Item: marshall({ pk: 'a', n: 5, s: 'release-1.4.2', tags: new Set(['blue', 'red']), list: ['x', 'y'], m: { deep: { v: 1 } }, flag: true, nil: null }),
      }),
    );
  });

  /** Does the condition hold for item `a`? (a conditional no-op update tells) */
  const holds = async (cond: string, values?: Record<string, unknown>, names?: Record<string, string>): Promise<boolean> => {
    try {
      await ddb().send(
        new UpdateItemCommand({
          TableName: TABLE,
          Key: marshall({ pk: 'a' }),
          ConditionExpression: cond,
          ...(values ? { ExpressionAttributeValues: marshall(values) } : {}),
          ...(names ? { ExpressionAttributeNames: names } : {}),
        }),
      );
      return true;
    } catch (err) {
      if ((err as Error).name === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  };

  it('evaluates comparators, BETWEEN, IN and the boolean operators with precedence', async () => {
    // Act + Assess
    expect(await holds('n = :v', { ':v': 5 })).toBe(true);
    expect(await holds('n <> :v', { ':v': 5 })).toBe(false);
    expect(await holds('n < :v AND n >= :w', { ':v': 6, ':w': 5 })).toBe(true);
    expect(await holds('n BETWEEN :lo AND :hi', { ':lo': 1, ':hi': 5 })).toBe(true);
    expect(await holds('n IN (:a, :b)', { ':a': 1, ':b': 2 })).toBe(false);
    expect(await holds('NOT n IN (:a, :b)', { ':a': 1, ':b': 2 })).toBe(true);
    expect(await holds('n = :a OR n = :b AND n = :c', { ':a': 5, ':b': 1, ':c': 2 })).toBe(true);
    expect(await holds('(n = :a OR n = :b) AND n = :c', { ':a': 5, ':b': 1, ':c': 2 })).toBe(false);
    expect(await holds('s > :v', { ':v': 5 })).toBe(false);
    expect(await holds('absent <> :v', { ':v': 5 })).toBe(true);
    expect(await holds('absent = :v', { ':v': 5 })).toBe(false);
    expect(await holds('n > :v', { ':v': '10' })).toBe(false);
  });

  it('evaluates the functions and nested paths', async () => {
    // Act + Assess
    expect(await holds('attribute_exists(m.deep.v) AND attribute_not_exists(m.deep.w)')).toBe(true);
    expect(await holds('attribute_type(tags, :t) AND attribute_type(nil, :null)', { ':t': 'SS', ':null': 'NULL' })).toBe(true);
    expect(await holds('begins_with(s, :p)', { ':p': 'release-' })).toBe(true);
    expect(await holds('contains(tags, :t) AND contains(s, :sub) AND contains(#l, :y)', { ':t': 'red', ':sub': '1.4', ':y': 'y' }, { '#l': 'list' })).toBe(true);
    expect(await holds('size(#l) = :two AND size(tags) > :one AND size(s) = :len', { ':two': 2, ':one': 1, ':len': 13 }, { '#l': 'list' })).toBe(true);
    expect(await holds('#l[1] = :y AND m.deep.v = :one', { ':y': 'y', ':one': 1 }, { '#l': 'list' })).toBe(true);
    expect(await holds('flag = :t', { ':t': true })).toBe(true);
  });

  it('rejects undefined and unused placeholders like AWS', async () => {
    // Act
    const undefinedValue = await failure(holds('n = :nope', { ':v': 1 }));
    const undefinedName = await failure(holds('#nope = :v', { ':v': 1 }));
    const unusedValue = await failure(holds('n = :v', { ':v': 1, ':extra': 2 }));
    const unusedName = await failure(holds('n = :v', { ':v': 1 }, { '#x': 'x' }));
    const emptyValues = await failure(
      ddb().send(new UpdateItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a' }), ConditionExpression: 'attribute_exists(n)', ExpressionAttributeValues: {} })),
    );
    const valuesWithoutExpr = await failure(ddb().send(new DeleteItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a' }), ExpressionAttributeValues: marshall({ ':v': 1 }) })));
    // Assess
    expect(undefinedValue.message).toBe('Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :nope');
    expect(undefinedName.message).toBe('Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #nope');
    expect(unusedValue.message).toBe('Value provided in ExpressionAttributeValues unused in expressions: keys: {:extra}');
    expect(unusedName.message).toBe('Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}');
    expect(emptyValues.message).toBe('ExpressionAttributeValues must not be empty');
    expect(valuesWithoutExpr.message).toBe('ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null');
    for (const e of [undefinedValue, undefinedName, unusedValue, unusedName, emptyValues, valuesWithoutExpr]) expect(e.name).toBe('ValidationException');
  });

  it('rejects syntax errors, reserved words, unknown functions and overlapping update paths', async () => {
    // Act
    const syntax = await failure(holds('n = = :v', { ':v': 1 }));
    const reserved = await failure(holds('status = :v', { ':v': 1 }));
    const fn = await failure(holds('exists(n)'));
    const caseSensitive = await failure(holds('ATTRIBUTE_EXISTS(n)'));
    const arity = await failure(holds('begins_with(s)'));
    const between = await failure(holds('n BETWEEN :hi AND :lo', { ':lo': 1, ':hi': 5 }));
    const empty = await failure(holds(' '));
    const overlap = await failure(
      ddb().send(new UpdateItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a' }), UpdateExpression: 'SET m = :v REMOVE m.deep', ExpressionAttributeValues: marshall({ ':v': 1 }) })),
    );
    const twice = await failure(
      ddb().send(new UpdateItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a' }), UpdateExpression: 'SET a = :v SET b = :v', ExpressionAttributeValues: marshall({ ':v': 1 }) })),
    );
    const addString = await failure(
      ddb().send(new UpdateItemCommand({ TableName: TABLE, Key: marshall({ pk: 'a' }), UpdateExpression: 'ADD n :v', ExpressionAttributeValues: marshall({ ':v': 'x' }) })),
    );
    // Assess
    expect(syntax.message).toMatch(/^Invalid ConditionExpression: Syntax error; token: "=", near: /);
    expect(reserved.message).toBe('Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status');
    expect(fn.message).toBe('Invalid ConditionExpression: Invalid function name; function: exists');
    expect(caseSensitive.message).toBe('Invalid ConditionExpression: Invalid function name; function: ATTRIBUTE_EXISTS');
    expect(arity.message).toMatch(/Incorrect number of operands for operator or function; operator or function: begins_with, number of operands: 1/);
    expect(between.message).toMatch(/BETWEEN operator requires upper bound to be greater than or equal to lower bound/);
    expect(empty.message).toBe('Invalid ConditionExpression: The expression can not be empty;');
    expect(overlap.message).toBe('Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, deep]');
    expect(twice.message).toBe('Invalid UpdateExpression: The "SET" section can only be used once in an update expression;');
    expect(addString.message).toMatch(/^Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD/);
  });

  it('filters a scan with names, values and NOT/OR', async () => {
    // Prepare
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'b', n: 1, s: 'other' }) }));
    await ddb().send(new PutItemCommand({ TableName: TABLE, Item: marshall({ pk: 'c', n: 9 }) }));
    // Act
    const out = await ddb().send(
      new ScanCommand({
        TableName: TABLE,
        FilterExpression: 'NOT begins_with(#s, :p) OR #n > :big',
        ExpressionAttributeNames: { '#s': 's', '#n': 'n' },
        ExpressionAttributeValues: marshall({ ':p': 'release', ':big': 8 }),
        ProjectionExpression: 'pk',
      }),
    );
    // Assess
    expect(out.Items?.map((i) => i.pk?.S).sort()).toEqual(['b', 'c']);
    expect(out.ScannedCount).toBe(3);
    expect(out.Count).toBe(2);
  });
});
