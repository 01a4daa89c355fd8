/**
 * Item writes in two steps — prepare (validate, read the old item, check the condition, compute
 * the new item) and commit — so single writes and TransactWriteItems share one code path.
 */
import { AwsFault } from '../../aws-fault.js';
import { evaluate } from './evaluate.js';
import type { PathElem } from './parser.js';
import type { Parsed } from './requests.js';
import type { Table } from './table.js';
import type { TtlReaper } from './ttl.js';
import { applyUpdate } from './update.js';
import { checkItem, itemSize, validation, type Item } from './values.js';

export const MAX_ITEM_BYTES = 400 * 1024;

export interface Prepared {
  kind: 'put' | 'update' | 'delete' | 'check';
  table: Table;
  key: Item;
  old: Item | undefined;
  /** The item after the write (undefined: deleted or unchanged). */
  next: Item | undefined;
  /** Paths an UpdateExpression touched. */
  paths: PathElem[][];
  conditionOk: boolean;
  returnOldOnFailure: boolean;
}

/** Where the AwsFault carries modeled members (e.g. `Item`) for the SDK error object. */
export type FaultWithFields = AwsFault & { fields?: Record<string, unknown> };

export function faultWith(code: string, message: string, fields: Record<string, unknown> | undefined): FaultWithFields {
  const f: FaultWithFields = new AwsFault(code, message);
  if (fields) f.fields = fields;
  return f;
}

export function conditionFailure(p: Prepared): FaultWithFields {
  return faultWith('ConditionalCheckFailedException', 'The conditional request failed', p.returnOldOnFailure && p.old ? { Item: p.old } : undefined);
}

const ok = (parsed: Parsed, old: Item | undefined) => (parsed.condition ? evaluate(parsed.condition, old) : true);

export function preparePut(table: Table, rawItem: unknown, parsed: Parsed, returnOld: boolean): Prepared {
  const item = checkItem(rawItem);
  table.checkItemKey(item);
  if (itemSize(item) > MAX_ITEM_BYTES) throw validation('Item size has exceeded the maximum allowed size');
  const key = table.keyOf(item);
  const old = table.get(key);
  return { kind: 'put', table, key, old, next: item, paths: [], conditionOk: ok(parsed, old), returnOldOnFailure: returnOld };
}

export function prepareUpdate(table: Table, rawKey: unknown, parsed: Parsed, returnOld: boolean): Prepared {
  const key = table.checkKey(rawKey);
  const plan = parsed.update ?? { set: [], remove: [], add: [], del: [] };
  for (const p of [...plan.set.map((s) => s.path), ...plan.remove, ...plan.add.map((a) => a.path), ...plan.del.map((d) => d.path)]) {
    const top = p[0] as string;
    if (table.isKeyAttr(top)) throw validation(`One or more parameter values were invalid: Cannot update attribute ${top}. This attribute is part of the key`);
  }
  const old = table.get(key);
  const conditionOk = ok(parsed, old);
  let next: Item | undefined;
  let paths: PathElem[][] = [];
  if (conditionOk) {
    ({ item: next, paths } = applyUpdate(old ?? key, plan));
    if (itemSize(next) > MAX_ITEM_BYTES) throw validation('Item size to update has exceeded the maximum allowed size');
  }
  return { kind: 'update', table, key, old, next, paths, conditionOk, returnOldOnFailure: returnOld };
}

export function prepareDelete(table: Table, rawKey: unknown, parsed: Parsed, returnOld: boolean, check = false): Prepared {
  const key = table.checkKey(rawKey);
  const old = table.get(key);
  return { kind: check ? 'check' : 'delete', table, key, old, next: undefined, paths: [], conditionOk: ok(parsed, old), returnOldOnFailure: returnOld };
}

export function commit(p: Prepared, ttl: TtlReaper): void {
  if (p.kind === 'check') return;
  if (p.next) p.table.put(p.next);
  else p.table.delete(p.key);
  ttl.track(p.table, p.table.textOf(p.key), p.next);
}

/** The bytes a write is billed for. */
export const writtenBytes = (p: Prepared): number => Math.max(p.old ? itemSize(p.old) : 0, p.next ? itemSize(p.next) : 0);
