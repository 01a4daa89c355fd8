/**
 * Applies a parsed UpdateExpression. Like DynamoDB, every operand is read from the item as it
 * was before the update, then SET, REMOVE, ADD and DELETE are applied to a copy.
 */
import { getPath } from './evaluate.js';
import type { PathElem, SetValue, UpdatePlan } from './parser.js';
import { addNumbers, compareNumbers, hex, validation, type Av, type Item } from './values.js';

const badType = () => validation('An operand in the update expression has an incorrect data type');
const badPath = () => validation('The document path provided in the update expression is invalid for update');

function evalSet(v: SetValue, orig: Item): Av {
  switch (v.k) {
    case 'value':
      return v.v;
    case 'path': {
      const found = getPath(orig, v.path);
      if (found === undefined) throw validation('The provided expression refers to an attribute that does not exist in the item');
      return found;
    }
    case 'if_not_exists':
      return getPath(orig, v.path) ?? evalSet(v.dflt, orig);
    case 'arith': {
      const l = evalSet(v.l, orig);
      const r = evalSet(v.r, orig);
      if (l.N === undefined || r.N === undefined) throw badType();
      return { N: addNumbers(l.N, r.N, v.op === '-') };
    }
    case 'list_append': {
      const a = evalSet(v.a, orig);
      const b = evalSet(v.b, orig);
      if (!a.L || !b.L) throw badType();
      return { L: [...a.L, ...b.L] };
    }
  }
}

function parentOf(item: Item, path: PathElem[]): Av | undefined {
  return path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
}

function setAt(item: Item, path: PathElem[], v: Av): void {
  const parent = parentOf(item, path);
  const last = path[path.length - 1] as PathElem;
  if (typeof last === 'string') {
    if (!parent?.M) throw badPath();
    parent.M[last] = v;
  } else {
    if (!parent?.L) throw badPath();
    if (last >= parent.L.length) parent.L.push(v);
    else parent.L[last] = v;
  }
}

function removeAt(item: Item, path: PathElem[]): void {
  const parent = parentOf(item, path);
  const last = path[path.length - 1] as PathElem;
  if (typeof last === 'string') {
    if (parent?.M) delete parent.M[last];
  } else if (parent?.L && last < parent.L.length) parent.L.splice(last, 1);
}

/** Highest list index first, so removing one element does not shift the next one removed. */
function removalOrder(a: PathElem[], b: PathElem[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as PathElem;
    const y = b[i] as PathElem;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

function union(cur: Av, add: Av): Av {
  if (cur.SS && add.SS) return { SS: [...cur.SS, ...add.SS.filter((s) => !cur.SS?.includes(s))] };
  if (cur.NS && add.NS) return { NS: [...cur.NS, ...add.NS.filter((n) => !cur.NS?.some((m) => compareNumbers(m, n) === 0))] };
  if (cur.BS && add.BS) {
    const have = new Set(cur.BS.map(hex));
    return { BS: [...cur.BS, ...add.BS.filter((b) => !have.has(hex(b)))] };
  }
  throw badType();
}

function difference(cur: Av, del: Av): Av | undefined {
  let out: Av;
  if (cur.SS && del.SS) out = { SS: cur.SS.filter((s) => !del.SS?.includes(s)) };
  else if (cur.NS && del.NS) out = { NS: cur.NS.filter((n) => !del.NS?.some((m) => compareNumbers(m, n) === 0)) };
  else if (cur.BS && del.BS) {
    const gone = new Set(del.BS.map(hex));
    out = { BS: cur.BS.filter((b) => !gone.has(hex(b))) };
  } else throw badType();
  return (out.SS ?? out.NS ?? out.BS)?.length ? out : undefined;
}

export interface UpdateResult {
  item: Item;
  /** Every path the expression touched (for ReturnValues UPDATED_OLD / UPDATED_NEW). */
  paths: PathElem[][];
}

export function applyUpdate(old: Item | undefined, plan: UpdatePlan): UpdateResult {
  const orig = old ?? {};
  const item = structuredClone(orig);
  const sets = plan.set.map((s) => ({ path: s.path, v: evalSet(s.value, orig) }));
  const adds = plan.add.map(({ path, value }) => {
    const cur = getPath(orig, path);
    if (cur === undefined) return { path, v: value };
    if (value.N !== undefined) {
      if (cur.N === undefined) throw badType();
      return { path, v: { N: addNumbers(cur.N, value.N) } as Av };
    }
    return { path, v: union(cur, value) };
  });
  const dels = plan.del.map(({ path, value }) => {
    const cur = getPath(orig, path);
    return { path, v: cur === undefined ? null : difference(cur, value) };
  });
  for (const s of sets) setAt(item, s.path, s.v);
  for (const r of [...plan.remove].sort(removalOrder)) removeAt(item, r);
  for (const a of adds) setAt(item, a.path, a.v);
  for (const d of dels) {
    if (d.v === null) continue;
    if (d.v === undefined) removeAt(item, d.path);
    else setAt(item, d.path, d.v);
  }
  return { item, paths: [...plan.set.map((s) => s.path), ...plan.remove, ...plan.add.map((a) => a.path), ...plan.del.map((d) => d.path)] };
}
