/** CreateTable validation and table-name resolution. */
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { validation } from './values.js';

const constraint = (value: unknown, field: string, rule: string) =>
  validation(`1 validation error detected: Value ${value === null ? 'null' : `'${String(value)}'`} at '${field}' failed to satisfy constraint: Member must ${rule}`);
const invalid = (message: string) => validation(`One or more parameter values were invalid: ${message}`);

/** A table name or table ARN → the table name. */
export function tableNameOf(nameOrArn: string | undefined): string {
  if (!nameOrArn) throw constraint(null, 'tableName', 'not be null');
  const m = /^arn:aws[a-z-]*:dynamodb:[^:]*:\d{12}:table\/([^/]+)$/.exec(nameOrArn);
  return m ? (m[1] as string) : nameOrArn;
}

export function checkTableName(name: string | undefined): void {
  if (name === undefined) throw constraint(null, 'tableName', 'not be null');
  if (name.length < 3) throw constraint(name, 'tableName', 'have length greater than or equal to 3');
  if (name.length > 255) throw constraint(name, 'tableName', 'have length less than or equal to 255');
  if (!/^[a-zA-Z0-9_.-]+$/.test(name)) throw constraint(name, 'tableName', 'satisfy regular expression pattern: [a-zA-Z0-9_.-]+');
}

export interface Billing {
  mode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  read?: number;
  write?: number;
}

export function checkTableInput(input: CreateTableCommandInput): Billing {
  checkTableName(input.TableName);
  if (input.GlobalSecondaryIndexes?.length || input.LocalSecondaryIndexes?.length) {
    throw new Error('embedded cloud: DynamoDB secondary indexes are not simulated');
  }
  const keys = input.KeySchema;
  if (!keys) throw constraint(null, 'keySchema', 'not be null');
  if (keys.length < 1 || keys.length > 2) throw constraint(`[${keys.map((k) => k.AttributeName).join(', ')}]`, 'keySchema', 'have length between 1 and 2');
  const defs = input.AttributeDefinitions;
  if (!defs) throw constraint(null, 'attributeDefinitions', 'not be null');
  for (const d of defs) {
    if (!['S', 'N', 'B'].includes(d.AttributeType as string)) throw constraint(d.AttributeType, 'attributeDefinitions.member.attributeType', 'satisfy enum value set: [B, N, S]');
  }
  for (const k of keys) {
    if (!['HASH', 'RANGE'].includes(k.KeyType as string)) throw constraint(k.KeyType, 'keySchema.member.keyType', 'satisfy enum value set: [HASH, RANGE]');
    if (!k.AttributeName) throw constraint(null, 'keySchema.member.attributeName', 'not be null');
  }
  if (keys[0]?.KeyType !== 'HASH') throw validation('Invalid KeySchema: The first KeySchemaElement is not a HASH key type');
  if (keys[1] && keys[1].KeyType !== 'RANGE') throw validation('Invalid KeySchema: The second KeySchemaElement is not a RANGE key type');
  if (keys[1] && keys[1].AttributeName === keys[0].AttributeName) {
    throw invalid('Both the Hash Key and the Range Key element in the KeySchema have the same name');
  }
  const defined = defs.map((d) => d.AttributeName);
  const missing = keys.map((k) => k.AttributeName).filter((n) => !defined.includes(n));
  if (missing.length) {
    throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${missing.join(', ')}], AttributeDefinitions: [${defined.join(', ')}]`);
  }
  if (defs.length !== keys.length || new Set(defined).size !== defined.length) {
    throw invalid('Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions');
  }
  const mode = input.BillingMode ?? 'PROVISIONED';
  if (mode !== 'PROVISIONED' && mode !== 'PAY_PER_REQUEST') throw constraint(mode, 'billingMode', 'satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]');
  const pt = input.ProvisionedThroughput;
  if (mode === 'PAY_PER_REQUEST') {
    if (pt) throw invalid('Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST');
    return { mode };
  }
  if (!pt?.ReadCapacityUnits || !pt.WriteCapacityUnits) throw invalid('ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED');
  return { mode, read: pt.ReadCapacityUnits, write: pt.WriteCapacityUnits };
}
