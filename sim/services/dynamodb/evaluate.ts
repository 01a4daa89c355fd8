/** Evaluation of parsed conditions and projections against stored items. */
import type { Cond, Operand, PathElem } from './parser.js';
import { compareValues, setHas, typeOf, valuesEqual, type Av, type Item } from './values.js';

/** The value at a document path, or undefined when any step is missing or of the wrong type. */
export function getPath(item: Item | undefined, path: PathElem[]): Av | undefined {
  if (!item) return undefined;
  let cur: Av | undefined = { M: item };
  for (const e of path) {
    if (cur === undefined) return undefined;
    if (typeof e === 'string') cur = cur.M && Object.hasOwn(cur.M, e) ? cur.M[e] : undefined;
    else cur = cur.L?.[e];
  }
  return cur;
}

function sizeOf(v: Av | undefined): Av | undefined {
  if (!v) return undefined;
  let n: number | undefined;
  if (v.S !== undefined) n = Buffer.byteLength(v.S, 'utf8');
  else if (v.B !== undefined) n = v.B.length;
  else n = (v.SS ?? v.NS ?? v.BS ?? v.L)?.length ?? (v.M ? Object.keys(v.M).length : undefined);
  return n === undefined ? undefined : { N: String(n) };
}

function operandValue(o: Operand, item: Item | undefined): Av | undefined {
  if (o.k === 'value') return o.v;
  if (o.k === 'path') return getPath(item, o.path);
  return sizeOf(getPath(item, o.path));
}

function startsWith(a: Av, b: Av): boolean {
  if (a.S !== undefined && b.S !== undefined) return a.S.startsWith(b.S);
  if (a.B !== undefined && b.B !== undefined) return b.B.length <= a.B.length && b.B.every((x, i) => a.B?.[i] === x);
  return false;
}

function contains(a: Av, b: Av): boolean {
  if (a.S !== undefined) return b.S !== undefined && a.S.includes(b.S);
  if (a.B !== undefined) return b.B !== undefined && Buffer.from(a.B).includes(Buffer.from(b.B));
  if (a.SS || a.NS || a.BS) return setHas(a, b);
  if (a.L) return a.L.some((x) => valuesEqual(x, b));
  return false;
}

function compare(op: string, l: Av | undefined, r: Av | undefined): boolean {
  // `<>` against a missing attribute holds, as in DynamoDB; every other comparison fails.
  if (op === '<>') return l === undefined || r === undefined || !valuesEqual(l, r);
  if (l === undefined || r === undefined) return false;
  if (op === '=') return valuesEqual(l, r);
  const c = compareValues(l, r);
  if (c === undefined) return false;
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

export function evaluate(c: Cond, item: Item | undefined): boolean {
  switch (c.k) {
    case 'and':
      return evaluate(c.l, item) && evaluate(c.r, item);
    case 'or':
      return evaluate(c.l, item) || evaluate(c.r, item);
    case 'not':
      return !evaluate(c.c, item);
    case 'cmp':
      return compare(c.op, operandValue(c.l, item), operandValue(c.r, item));
    case 'between': {
      const v = operandValue(c.v, item);
      return compare('>=', v, operandValue(c.lo, item)) && compare('<=', v, operandValue(c.hi, item));
    }
    case 'in': {
      const v = operandValue(c.v, item);
      return v !== undefined && c.list.some((o) => compare('=', v, operandValue(o, item)));
    }
    case 'fn': {
      const a = operandValue(c.args[0] as Operand, item);
      const b = c.args[1] ? operandValue(c.args[1], item) : undefined;
      switch (c.fn) {
        case 'attribute_exists':
          return a !== undefined;
        case 'attribute_not_exists':
          return a === undefined;
        case 'attribute_type':
          return a !== undefined && b?.S === typeOf(a);
        case 'begins_with':
          return a !== undefined && b !== undefined && startsWith(a, b);
        case 'contains':
          return a !== undefined && b !== undefined && contains(a, b);
      }
    }
  }
}

// ---- projection ----

type Tree = Map<PathElem, Tree | true>;

function buildTree(paths: PathElem[][]): Tree {
  const root: Tree = new Map();
  for (const p of paths) {
    let node = root;
    p.forEach((e, i) => {
      if (i === p.length - 1) node.set(e, true);
      else {
        let child = node.get(e);
        if (child === undefined || child === true) node.set(e, (child = new Map()));
        node = child;
      }
    });
  }
  return root;
}

function projectValue(v: Av, tree: Tree | true): Av | undefined {
  if (tree === true) return v;
  if (v.M) {
    const out: Item = {};
    for (const [k, sub] of tree) {
      if (typeof k !== 'string' || !Object.hasOwn(v.M, k)) continue;
      const p = projectValue(v.M[k] as Av, sub);
      if (p) out[k] = p;
    }
    return Object.keys(out).length ? { M: out } : undefined;
  }
  if (v.L) {
    const idx = [...tree.keys()].filter((k): k is number => typeof k === 'number').sort((a, b) => a - b);
    const out: Av[] = [];
    for (const i of idx) {
      const el = v.L[i];
      const p = el && projectValue(el, tree.get(i) as Tree | true);
      if (p) out.push(p);
    }
    return out.length ? { L: out } : undefined;
  }
  return undefined;
}

/** The item reduced to the given paths (lists keep the selected elements, in index order). */
export function project(item: Item, paths: PathElem[][]): Item {
  return projectValue({ M: item }, buildTree(paths))?.M ?? {};
}
