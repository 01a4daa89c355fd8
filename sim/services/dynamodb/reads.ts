/** Query and Scan: key conditions, ordering, pagination (Limit and the 1 MB page), filters. */
import { evaluate, project } from './evaluate.js';
import type { Cond, Operand, PathElem } from './parser.js';
import type { Table } from './table.js';
import { compareValues, itemSize, typeOf, validation, type Av, type Item } from './values.js';

const PAGE_BYTES = 1024 * 1024;

export interface PageOptions {
  limit?: number;
  filter?: Cond;
  projection?: PathElem[][];
  countOnly: boolean;
}

export interface Page {
  Items?: Item[];
  Count: number;
  ScannedCount: number;
  LastEvaluatedKey?: Item;
  bytes: number;
}

/**
 * Read items from `start` up to Limit or 1 MB, then filter. Like DynamoDB, a page cut by Limit
 * carries a LastEvaluatedKey even when nothing follows, and filtered-out items still count as read.
 */
export function readPage(table: Table, items: Item[], start: number, o: PageOptions): Page {
  const out: Item[] = [];
  let scanned = 0;
  let bytes = 0;
  let last: Item | undefined;
  let i = start;
  for (; i < items.length; i++) {
    if ((o.limit !== undefined && scanned >= o.limit) || bytes >= PAGE_BYTES) break;
    const item = items[i] as Item;
    scanned++;
    bytes += itemSize(item);
    last = item;
    if (!o.filter || evaluate(o.filter, item)) out.push(o.projection ? project(item, o.projection) : item);
  }
  const cut = i < items.length || (o.limit !== undefined && scanned === o.limit);
  return {
    ...(o.countOnly ? {} : { Items: out }),
    Count: out.length,
    ScannedCount: scanned,
    ...(cut && last ? { LastEvaluatedKey: table.keyOf(last) } : {}),
    bytes,
  };
}

const notSupported = () => validation('Query key condition not supported');

function flatten(c: Cond): Cond[] {
  return c.k === 'and' ? [...flatten(c.l), ...flatten(c.r)] : [c];
}

function operatorName(c: Cond): string {
  if (c.k === 'fn') return c.fn;
  if (c.k === 'cmp') return c.op;
  return c.k.toUpperCase();
}

/** The attribute a key condition constrains, and its value operands. */
function subject(c: Cond): { path: PathElem[]; values: Operand[] } {
  if (c.k === 'cmp') {
    if (c.l.k === 'path' && c.r.k === 'value') return { path: c.l.path, values: [c.r] };
    if (c.r.k === 'path' && c.l.k === 'value') return { path: c.r.path, values: [c.l] };
  } else if (c.k === 'between' && c.v.k === 'path') return { path: c.v.path, values: [c.lo, c.hi] };
  else if (c.k === 'fn' && c.args[0]?.k === 'path' && c.args[1]) return { path: c.args[0].path, values: [c.args[1]] };
  throw notSupported();
}

export interface KeyCondition {
  hash: Av;
  range?: Cond;
}

/** Validate a KeyConditionExpression against the key schema, as Query does. */
export function analyseKeyCondition(table: Table, c: Cond): KeyCondition {
  const parts = flatten(c);
  if (parts.length > 2) throw validation('Conditions can be of length 1 or 2 only');
  let hash: Av | undefined;
  let range: Cond | undefined;
  const seen = new Set<string>();
  for (const p of parts) {
    const allowed = (p.k === 'cmp' && p.op !== '<>') || p.k === 'between' || (p.k === 'fn' && p.fn === 'begins_with');
    if (!allowed) throw validation(`Invalid operator used in KeyConditionExpression: ${operatorName(p)}`);
    const { path, values } = subject(p);
    const name = path[0] as string;
    if (path.length > 1 || !table.isKeyAttr(name)) throw notSupported();
    if (seen.has(name)) throw validation('KeyConditionExpressions must only contain one condition per key');
    seen.add(name);
    const keyType = name === table.hash.name ? table.hash.type : table.range?.type;
    for (const v of values) {
      if (v.k !== 'value' || typeOf(v.v) !== keyType) throw validation('One or more parameter values were invalid: Condition parameter type does not match schema type');
    }
    if (name === table.hash.name) {
      if (p.k !== 'cmp' || p.op !== '=') throw notSupported();
      hash = (values[0] as { v: Av }).v;
    } else range = p;
  }
  if (!hash) throw validation(`Query condition missed key schema element: ${table.hash.name}`);
  return { hash, ...(range ? { range } : {}) };
}

/** FilterExpression of a Query must not use key attributes. */
export function checkQueryFilter(table: Table, c: Cond): void {
  const visit = (x: Cond): void => {
    let ops: Operand[];
    switch (x.k) {
      case 'and':
      case 'or':
        visit(x.l);
        return visit(x.r);
      case 'not':
        return visit(x.c);
      case 'cmp':
        ops = [x.l, x.r];
        break;
      case 'between':
        ops = [x.v, x.lo, x.hi];
        break;
      case 'in':
        ops = [x.v, ...x.list];
        break;
      case 'fn':
        ops = x.args;
    }
    for (const o of ops) {
      if (o.k !== 'value' && table.isKeyAttr(o.path[0] as string)) {
        throw validation(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${o.path[0]}`);
      }
    }
  };
  visit(c);
}

/** Items of the queried partition matching the sort-key condition, in the requested order. */
export function queryItems(table: Table, kc: KeyCondition, forward: boolean): Item[] {
  const items = table.partition(kc.hash).filter((it) => !kc.range || evaluate(kc.range, it));
  return forward ? items : items.reverse();
}

/** Index of the first item after ExclusiveStartKey, in query order. */
export function startAfter(table: Table, items: Item[], start: Item | undefined, kc: KeyCondition, forward: boolean): number {
  if (!start) return 0;
  if (compareValues(start[table.hash.name] as Av, kc.hash) !== 0) {
    throw validation('The provided starting key is invalid: The provided key element does not match the schema');
  }
  if (!table.range) return items.length;
  const i = items.findIndex((it) => (forward ? 1 : -1) * table.compareRange(it, start) > 0);
  return i < 0 ? items.length : i;
}

/** Index of the first item after ExclusiveStartKey, in scan order. */
export function scanStartAfter(table: Table, items: Item[], start: Item | undefined): number {
  if (!start) return 0;
  const i = items.findIndex((it) => table.compareScan(it, start) > 0);
  return i < 0 ? items.length : i;
}
