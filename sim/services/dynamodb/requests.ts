/** Request-level checks shared by the DynamoDB operations: expressions, enums, capacity. */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { ExprEnv, parseCondition, parseProjection, parseUpdate, type Cond, type PathElem, type UpdatePlan } from './parser.js';
import { validation } from './values.js';

export interface ExpressionInput {
  ConditionExpression?: string;
  UpdateExpression?: string;
  ProjectionExpression?: string;
  FilterExpression?: string;
  KeyConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

export interface Parsed {
  condition?: Cond;
  filter?: Cond;
  keyCondition?: Cond;
  update?: UpdatePlan;
  projection?: PathElem[][];
}

const LEGACY = ['Expected', 'ConditionalOperator', 'AttributeUpdates', 'AttributesToGet', 'KeyConditions', 'QueryFilter', 'ScanFilter'];

/** The legacy (pre-expression) parameters are not simulated: fail loudly rather than ignore them. */
export function rejectLegacy(input: object): void {
  for (const p of LEGACY) {
    if ((input as Record<string, unknown>)[p] !== undefined) throw new Error(`embedded cloud: DynamoDB legacy parameter ${p} is not simulated; use expressions`);
  }
}

type Kind = 'ConditionExpression' | 'UpdateExpression' | 'ProjectionExpression' | 'FilterExpression' | 'KeyConditionExpression';

/** Parse the expressions an operation accepts; placeholders must all be defined and all used. */
export function parseExpressions(input: ExpressionInput, kinds: Kind[]): Parsed {
  rejectLegacy(input);
  const env = new ExprEnv(input.ExpressionAttributeNames, input.ExpressionAttributeValues);
  const present = kinds.filter((k) => input[k] !== undefined);
  if (input.ExpressionAttributeNames && present.length === 0) throw validation('ExpressionAttributeNames can only be specified when using expressions');
  const valueKinds = kinds.filter((k) => k !== 'ProjectionExpression');
  if (input.ExpressionAttributeValues && !valueKinds.some((k) => input[k] !== undefined)) {
    const nulls = valueKinds.join(' and ');
    throw validation(`ExpressionAttributeValues can only be specified when using expressions: ${nulls} ${valueKinds.length > 1 ? 'are' : 'is'} null`);
  }
  const out: Parsed = {};
  if (input.KeyConditionExpression !== undefined) out.keyCondition = parseCondition(input.KeyConditionExpression, 'KeyConditionExpression', env);
  if (input.UpdateExpression !== undefined) out.update = parseUpdate(input.UpdateExpression, env);
  if (input.ConditionExpression !== undefined) out.condition = parseCondition(input.ConditionExpression, 'ConditionExpression', env);
  if (input.FilterExpression !== undefined) out.filter = parseCondition(input.FilterExpression, 'FilterExpression', env);
  if (input.ProjectionExpression !== undefined) out.projection = parseProjection(input.ProjectionExpression, env);
  env.checkUnused();
  return out;
}

const ALL_RETURN_VALUES = ['NONE', 'ALL_OLD', 'UPDATED_OLD', 'ALL_NEW', 'UPDATED_NEW'];

export function checkReturnValues(value: string | undefined, allowed: string[]): string {
  if (value === undefined) return 'NONE';
  if (!ALL_RETURN_VALUES.includes(value)) {
    throw validation(`1 validation error detected: Value '${value}' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]`);
  }
  if (!allowed.includes(value)) throw validation('Return values set to invalid value');
  return value;
}

export function checkReturnOnFailure(value: string | undefined): boolean {
  if (value === undefined || value === 'NONE') return false;
  if (value === 'ALL_OLD') return true;
  throw validation(
    `1 validation error detected: Value '${value}' at 'returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`,
  );
}

export function checkEnum(value: string | undefined, field: string, allowed: string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw validation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
}

/** ConsumedCapacity when the caller asks for it (writes: 1 unit per KB; reads: 1 per 4 KB, halved when eventually consistent). */
export function consumed(mode: string | undefined, tableName: string, units: number): { ConsumedCapacity?: ConsumedCapacity } {
  checkEnum(mode, 'returnConsumedCapacity', ['INDEXES', 'TOTAL', 'NONE']);
  if (mode !== 'TOTAL' && mode !== 'INDEXES') return {};
  return { ConsumedCapacity: { TableName: tableName, CapacityUnits: units, ...(mode === 'INDEXES' ? { Table: { CapacityUnits: units } } : {}) } };
}

export const writeUnits = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));
export const readUnits = (bytes: number, consistent: boolean): number => Math.max(1, Math.ceil(bytes / 4096)) * (consistent ? 1 : 0.5);
