/** TransactWriteItems: all conditions are checked first; either every write commits or none. */
import type { TransactWriteItem, TransactWriteItemsCommandInput, TransactWriteItemsCommandOutput } from '@aws-sdk/client-dynamodb';
import { AwsFault } from '../../aws-fault.js';
import type { DynamoDbSim } from '../dynamodb.js';
import { checkReturnOnFailure, consumed, parseExpressions } from './requests.js';
import { validation } from './values.js';
import { commit, faultWith, prepareDelete, preparePut, prepareUpdate, writtenBytes, type Prepared } from './writes.js';

const TOKEN_TTL_MS = 10 * 60_000;

function prepareEntry(sim: DynamoDbSim, e: TransactWriteItem): Prepared {
  const actions = [e.ConditionCheck, e.Put, e.Update, e.Delete].filter((a) => a !== undefined);
  if (actions.length !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
  if (e.ConditionCheck) {
    const c = e.ConditionCheck;
    if (c.ConditionExpression === undefined) throw validation("1 validation error detected: Value null at 'transactItems.1.member.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
    const parsed = parseExpressions(c, ['ConditionExpression']);
    return prepareDelete(sim.table(c.TableName), c.Key, parsed, checkReturnOnFailure(c.ReturnValuesOnConditionCheckFailure), true);
  }
  if (e.Put) {
    const parsed = parseExpressions(e.Put, ['ConditionExpression']);
    return preparePut(sim.table(e.Put.TableName), e.Put.Item, parsed, checkReturnOnFailure(e.Put.ReturnValuesOnConditionCheckFailure));
  }
  if (e.Update) {
    if (e.Update.UpdateExpression === undefined) throw validation("1 validation error detected: Value null at 'transactItems.1.member.update.updateExpression' failed to satisfy constraint: Member must not be null");
    const parsed = parseExpressions(e.Update, ['UpdateExpression', 'ConditionExpression']);
    return prepareUpdate(sim.table(e.Update.TableName), e.Update.Key, parsed, checkReturnOnFailure(e.Update.ReturnValuesOnConditionCheckFailure));
  }
  const d = e.Delete as NonNullable<TransactWriteItem['Delete']>;
  const parsed = parseExpressions(d, ['ConditionExpression']);
  return prepareDelete(sim.table(d.TableName), d.Key, parsed, checkReturnOnFailure(d.ReturnValuesOnConditionCheckFailure));
}

export function transactWrite(sim: DynamoDbSim, input: TransactWriteItemsCommandInput): Omit<TransactWriteItemsCommandOutput, '$metadata'> {
  const list = input.TransactItems;
  if (!list || list.length < 1 || list.length > 100) {
    throw validation(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length between 1 and 100`);
  }
  const now = sim.ctx.clock.now();
  const token = input.ClientRequestToken;
  const fingerprint = JSON.stringify(list);
  if (token !== undefined) {
    const seen = sim.transactionTokens.get(token);
    if (seen && now - seen.at < TOKEN_TTL_MS) {
      if (seen.fingerprint === fingerprint) return {};
      throw new AwsFault('IdempotentParameterMismatchException', 'One or more parameter values were invalid: The request with the provided ClientRequestToken was different from the original request');
    }
  }
  const prepared = list.map((e) => prepareEntry(sim, e));
  const keys = new Set<string>();
  for (const p of prepared) {
    const k = `${p.table.name}\u0001${p.table.textOf(p.key)}`;
    if (keys.has(k)) throw validation('Transaction request cannot include multiple operations on one item');
    keys.add(k);
  }
  if (prepared.some((p) => !p.conditionOk)) {
    const reasons = prepared.map((p) =>
      p.conditionOk
        ? { Code: 'None' }
        : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(p.returnOldOnFailure && p.old ? { Item: p.old } : {}) },
    );
    const codes = reasons.map((r) => r.Code).join(', ');
    throw faultWith('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes}]`, { CancellationReasons: reasons });
  }
  for (const p of prepared) commit(p, sim.ttl);
  if (token !== undefined) sim.transactionTokens.set(token, { fingerprint, at: now });
  const perTable = new Map<string, number>();
  for (const p of prepared) perTable.set(p.table.name, (perTable.get(p.table.name) ?? 0) + 2 * Math.max(1, Math.ceil(writtenBytes(p) / 1024)));
  const capacity = [...perTable].map(([name, units]) => consumed(input.ReturnConsumedCapacity, name, units).ConsumedCapacity).filter((c) => c !== undefined);
  return capacity.length ? { ConsumedCapacity: capacity } : {};
}
