/**
 * EventBridge event patterns: validation (InvalidEventPatternException) and matching.
 * Supported: exact values (a list is an OR), nested objects, `$or`, `prefix`, `suffix` (both also
 * with `equals-ignore-case`), `anything-but` (values, or prefix/suffix/wildcard/equals-ignore-case),
 * `exists`, `numeric`, `wildcard`, `equals-ignore-case`. An array in the event matches when any
 * element matches, as EventBridge flattens arrays.
 */
import { AwsFault } from '../../aws-fault.js';

type Scalar = string | number | boolean | null;

type Matcher =
  | { t: 'eq'; v: Scalar }
  | { t: 'prefix' | 'suffix'; v: string; ci: boolean }
  | { t: 'eqic'; v: string }
  | { t: 'wildcard'; re: RegExp }
  | { t: 'exists'; v: boolean }
  | { t: 'numeric'; conds: [string, number][] }
  | { t: 'not'; inner: Matcher[] };

interface Leaf {
  kind: 'leaf';
  matchers: Matcher[];
}
interface Obj {
  kind: 'obj';
  fields: [string, Node][];
  or: Obj[][];
}
type Node = Leaf | Obj;

export type CompiledPattern = Obj;

const bad = (reason: string) => new AwsFault('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function compilePattern(text: string): CompiledPattern {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw bad(`Invalid JSON: ${(err as Error).message}`);
  }
  if (!isPlainObject(json)) throw bad('Filter is not an object');
  return compileObject(json);
}

function compileObject(o: Record<string, unknown>): Obj {
  const out: Obj = { kind: 'obj', fields: [], or: [] };
  for (const [key, value] of Object.entries(o)) {
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isPlainObject)) throw bad('$or must be an array of at least two objects');
      out.or.push(value.map((v) => compileObject(v as Record<string, unknown>)));
    } else if (Array.isArray(value)) {
      if (value.length === 0) throw bad(`Empty arrays are not allowed (field "${key}")`);
      out.fields.push([key, { kind: 'leaf', matchers: value.map(compileMatcher) }]);
    } else if (isPlainObject(value)) {
      out.fields.push([key, compileObject(value)]);
    } else {
      throw bad(`Match value for "${key}" must be an array or an object`);
    }
  }
  return out;
}

function compileMatcher(v: unknown): Matcher {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return { t: 'eq', v };
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad('Numbers must be finite');
    return { t: 'eq', v };
  }
  if (!isPlainObject(v)) throw bad('Match value must be String, number, true, false, null, or an object');
  const entries = Object.entries(v);
  if (entries.length !== 1) throw bad('A match expression must have exactly one key');
  const [op, arg] = entries[0] as [string, unknown];
  switch (op) {
    case 'prefix':
    case 'suffix':
      return affix(op, arg);
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw bad('equals-ignore-case match pattern must be a string');
      return { t: 'eqic', v: arg };
    case 'wildcard':
      return { t: 'wildcard', re: wildcard(arg) };
    case 'exists':
      if (typeof arg !== 'boolean') throw bad('exists match pattern must be either true or false');
      return { t: 'exists', v: arg };
    case 'numeric':
      return { t: 'numeric', conds: numeric(arg) };
    case 'anything-but':
      return { t: 'not', inner: anythingBut(arg) };
    default:
      throw bad(`Unrecognized match type ${op}`);
  }
}

function affix(op: 'prefix' | 'suffix', arg: unknown): Matcher {
  if (typeof arg === 'string') return { t: op, v: arg, ci: false };
  if (isPlainObject(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return { t: op, v: arg['equals-ignore-case'] as string, ci: true };
  }
  throw bad(`${op} match pattern must be a string or an equals-ignore-case object`);
}

function wildcard(arg: unknown): RegExp {
  if (typeof arg !== 'string') throw bad('wildcard match pattern must be a string');
  if (/(?<!\\)\*\*/.test(arg)) throw bad('Consecutive wildcard characters at pos');
  let re = '';
  for (let i = 0; i < arg.length; i++) {
    const c = arg[i] as string;
    if (c === '\\' && (arg[i + 1] === '*' || arg[i + 1] === '\\')) {
      re += `\\${arg[++i]}`;
    } else if (c === '*') {
      re += '.*';
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^${re}$`, 's');
}

const NUMERIC_OPS = new Set(['<', '<=', '=', '>', '>=']);

function numeric(arg: unknown): [string, number][] {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) throw bad('Value of numeric must be an array of operator/number pairs');
  const conds: [string, number][] = [];
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof op !== 'string' || !NUMERIC_OPS.has(op)) throw bad(`Unrecognized numeric range operator: ${String(op)}`);
    if (typeof n !== 'number' || !Number.isFinite(n)) throw bad('Value of numeric must be numbers');
    conds.push([op, n]);
  }
  if (conds.length === 2) {
    const [[a, lo], [b, hi]] = conds as [[string, number], [string, number]];
    if (!(a === '>' || a === '>=') || !(b === '<' || b === '<=') || lo >= hi) throw bad('Bad numeric range');
  } else if (conds.length > 2) {
    throw bad('Too many elements in numeric expression');
  }
  return conds;
}

function anythingBut(arg: unknown): Matcher[] {
  if (typeof arg === 'string' || (typeof arg === 'number' && Number.isFinite(arg))) return [{ t: 'eq', v: arg }];
  if (Array.isArray(arg)) {
    if (arg.length === 0) throw bad('Empty arrays are not allowed in anything-but');
    const allStrings = arg.every((x) => typeof x === 'string');
    const allNumbers = arg.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (!allStrings && !allNumbers) throw bad('Inside anything-but list, all values must be strings or all numbers');
    return arg.map((x) => ({ t: 'eq', v: x as Scalar }));
  }
  if (isPlainObject(arg) && Object.keys(arg).length === 1) {
    const [op, inner] = Object.entries(arg)[0] as [string, unknown];
    if (op === 'prefix' || op === 'suffix') {
      if (typeof inner !== 'string') throw bad(`anything-but ${op} must be a string`);
      return [{ t: op, v: inner, ci: false }];
    }
    if (op === 'wildcard') return [{ t: 'wildcard', re: wildcard(inner) }];
    if (op === 'equals-ignore-case') {
      const list = Array.isArray(inner) ? inner : [inner];
      if (list.length === 0 || !list.every((x) => typeof x === 'string')) throw bad('anything-but equals-ignore-case must be a string or a list of strings');
      return list.map((x) => ({ t: 'eqic', v: x as string }));
    }
  }
  throw bad('Value of anything-but must be an array or single string/number value, or a prefix/suffix/wildcard/equals-ignore-case object');
}

// ---- matching ----

export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  return matchObj(pattern, event);
}

function matchObj(p: Obj, value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => matchObj(p, v));
  const o = isPlainObject(value) ? value : undefined;
  for (const [key, node] of p.fields) {
    const v = o ? o[key] : undefined;
    if (node.kind === 'obj' ? !matchObj(node, v) : !matchLeaf(node, v)) return false;
  }
  return p.or.every((alternatives) => alternatives.some((alt) => matchObj(alt, value)));
}

function matchLeaf(leaf: Leaf, value: unknown): boolean {
  const present = value !== undefined && !isPlainObject(value) && !(Array.isArray(value) && value.length === 0);
  const values: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return leaf.matchers.some((m) => {
    if (m.t === 'exists') return m.v === present;
    if (!present) return false;
    return values.some((v) => matchOne(m, v));
  });
}

function matchOne(m: Matcher, v: unknown): boolean {
  switch (m.t) {
    case 'eq':
      return v === m.v;
    case 'prefix':
      return typeof v === 'string' && (m.ci ? v.toLowerCase().startsWith(m.v.toLowerCase()) : v.startsWith(m.v));
    case 'suffix':
      return typeof v === 'string' && (m.ci ? v.toLowerCase().endsWith(m.v.toLowerCase()) : v.endsWith(m.v));
    case 'eqic':
      return typeof v === 'string' && v.toLowerCase() === m.v.toLowerCase();
    case 'wildcard':
      return typeof v === 'string' && m.re.test(v);
    case 'numeric':
      return typeof v === 'number' && m.conds.every(([op, n]) => compare(op, v, n));
    case 'not':
      // anything-but matches any present scalar that none of the inner matchers take.
      return (v === null || typeof v !== 'object') && !m.inner.some((i) => matchOne(i, v));
    case 'exists':
      return false;
  }
}

function compare(op: string, a: number, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '=':
      return a === b;
    case '>':
      return a > b;
    default:
      return a >= b;
  }
}
