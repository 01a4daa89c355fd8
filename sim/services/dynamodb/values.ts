/**
 * DynamoDB attribute values: validation, number arithmetic on decimal strings (numbers never pass
 * through a JS double, so 38-digit values survive), ordering, equality and the size rules.
 */
import { AwsFault } from '../../aws-fault.js';

/** The wire shape of an AttributeValue (the SDK's union, flattened for the simulator). */
export interface Av {
  S?: string;
  N?: string;
  B?: Uint8Array;
  SS?: string[];
  NS?: string[];
  BS?: Uint8Array[];
  M?: Record<string, Av>;
  L?: Av[];
  NULL?: boolean;
  BOOL?: boolean;
}
export type Item = Record<string, Av>;
export type AvType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';
export const AV_TYPES: readonly AvType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

export const validation = (message: string): AwsFault => new AwsFault('ValidationException', message);
const invalid = (message: string): AwsFault => validation(`One or more parameter values were invalid: ${message}`);

export function typeOf(v: Av): AvType {
  for (const t of AV_TYPES) if ((v as Record<string, unknown>)[t] !== undefined) return t;
  throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
}

// ---- numbers: value = m × 10^e -------------------------------------------------------------

interface Dec {
  m: bigint;
  e: number;
}

function parseDec(s: string): Dec {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s.trim());
  if (!match || (match[2] ?? '') + (match[3] ?? '') === '') throw validation('A value provided cannot be converted into a number');
  const frac = match[3] ?? '';
  let m = BigInt((match[2] ?? '') + frac || '0');
  let e = Number(match[4] ?? 0) - frac.length;
  if (match[1] === '-') m = -m;
  if (m === 0n) return { m, e: 0 };
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  return { m, e };
}

function formatDec({ m, e }: Dec): string {
  const neg = m < 0n;
  const digits = (neg ? -m : m).toString();
  let out: string;
  if (e >= 0) out = digits + '0'.repeat(e);
  else if (digits.length > -e) out = `${digits.slice(0, digits.length + e)}.${digits.slice(digits.length + e)}`;
  else out = `0.${'0'.repeat(-e - digits.length)}${digits}`;
  return neg ? `-${out}` : out;
}

function checkRange(d: Dec): void {
  if (d.m === 0n) return;
  const digits = (d.m < 0n ? -d.m : d.m).toString().length;
  if (digits > 38) throw validation('Attempting to store more than 38 significant digits in a Number');
  const magnitude = d.e + digits - 1;
  if (magnitude > 125) throw validation('Number overflow. Attempting to store a number with magnitude larger than supported range');
  if (magnitude < -130) throw validation('Number underflow. Attempting to store a number with magnitude smaller than supported range');
}

/** The canonical text DynamoDB stores and returns ("01.50" → "1.5"). */
export function normalizeNumber(s: string): string {
  const d = parseDec(s);
  checkRange(d);
  return formatDec(d);
}

function align(a: Dec, b: Dec): [bigint, bigint] {
  const e = Math.min(a.e, b.e);
  return [a.m * 10n ** BigInt(a.e - e), b.m * 10n ** BigInt(b.e - e)];
}

export function compareNumbers(a: string, b: string): number {
  const [x, y] = align(parseDec(a), parseDec(b));
  return x < y ? -1 : x > y ? 1 : 0;
}

export function addNumbers(a: string, b: string, negateB = false): string {
  const da = parseDec(a);
  const db = parseDec(b);
  const [x, y] = align(da, db);
  const sum: Dec = { m: negateB ? x - y : x + y, e: Math.min(da.e, db.e) };
  return normalizeNumber(formatDec(sum));
}

// ---- ordering and equality -----------------------------------------------------------------

/** UTF-8 byte order equals code point order. */
function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number) ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Order of two scalars of the same type (S, N or B); undefined when they cannot be ordered. */
export function compareValues(a: Av, b: Av): number | undefined {
  if (a.S !== undefined && b.S !== undefined) return compareStrings(a.S, b.S);
  if (a.N !== undefined && b.N !== undefined) return compareNumbers(a.N, b.N);
  if (a.B !== undefined && b.B !== undefined) return compareBytes(a.B, b.B);
  return undefined;
}

function sameSet<T>(a: T[], b: T[], eq: (x: T, y: T) => boolean): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => eq(x, y)));
}

export function valuesEqual(a: Av, b: Av): boolean {
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  switch (t) {
    case 'S':
    case 'N':
    case 'B':
      return compareValues(a, b) === 0;
    case 'BOOL':
      return a.BOOL === b.BOOL;
    case 'NULL':
      return true;
    case 'SS':
      return sameSet(a.SS as string[], b.SS as string[], (x, y) => x === y);
    case 'NS':
      return sameSet(a.NS as string[], b.NS as string[], (x, y) => compareNumbers(x, y) === 0);
    case 'BS':
      return sameSet(a.BS as Uint8Array[], b.BS as Uint8Array[], (x, y) => compareBytes(x, y) === 0);
    case 'L': {
      const la = a.L as Av[];
      const lb = b.L as Av[];
      return la.length === lb.length && la.every((x, i) => valuesEqual(x, lb[i] as Av));
    }
    case 'M': {
      const ma = a.M as Item;
      const mb = b.M as Item;
      const keys = Object.keys(ma);
      return keys.length === Object.keys(mb).length && keys.every((k) => Object.hasOwn(mb, k) && valuesEqual(ma[k] as Av, mb[k] as Av));
    }
  }
}

/** Does a set hold the element (element of the matching scalar type)? */
export function setHas(set: Av, el: Av): boolean {
  if (set.SS && el.S !== undefined) return set.SS.includes(el.S);
  if (set.NS && el.N !== undefined) return set.NS.some((n) => compareNumbers(n, el.N as string) === 0);
  if (set.BS && el.B !== undefined) return set.BS.some((b) => compareBytes(b, el.B as Uint8Array) === 0);
  return false;
}

// ---- validation of incoming values ---------------------------------------------------------

const SET_NAMES: Record<string, string> = { SS: 'string', NS: 'number', BS: 'binary' };

/** Validate an incoming value and return it with numbers in canonical form. */
export function checkValue(v: unknown, depth = 0): Av {
  if (depth > 32) throw validation('Nesting Levels have exceeded supported limits');
  if (v === null || typeof v !== 'object') throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  const present = AV_TYPES.filter((t) => (v as Record<string, unknown>)[t] !== undefined);
  if (present.length === 0) throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
  if (present.length > 1) throw validation('Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes');
  const a = v as Av;
  switch (present[0] as AvType) {
    case 'S':
      return { S: String(a.S) };
    case 'N':
      return { N: normalizeNumber(String(a.N)) };
    case 'B':
      return { B: a.B as Uint8Array };
    case 'BOOL':
      return { BOOL: Boolean(a.BOOL) };
    case 'NULL':
      if (a.NULL !== true) throw invalid('Null attribute value types must have the value of true');
      return { NULL: true };
    case 'L':
      return { L: (a.L as unknown[]).map((x) => checkValue(x, depth + 1)) };
    case 'M': {
      const out: Item = {};
      for (const [k, x] of Object.entries(a.M as Record<string, unknown>)) if (x !== undefined) out[k] = checkValue(x, depth + 1);
      return { M: out };
    }
    case 'SS':
    case 'NS':
    case 'BS':
      return checkSet(a, present[0] as 'SS' | 'NS' | 'BS');
  }
}

function checkSet(a: Av, t: 'SS' | 'NS' | 'BS'): Av {
  const list = a[t] as unknown[];
  if (list.length === 0) throw invalid(`An ${SET_NAMES[t]} set  may not be empty`);
  if (t === 'NS') {
    const ns = (list as string[]).map((n) => normalizeNumber(String(n)));
    if (new Set(ns).size !== ns.length) throw invalid(`Input collection [${list.join(', ')}] contains duplicates.`);
    return { NS: ns };
  }
  if (t === 'SS') {
    const ss = (list as string[]).map(String);
    if (new Set(ss).size !== ss.length) throw invalid(`Input collection [${ss.join(', ')}] contains duplicates.`);
    return { SS: ss };
  }
  const bs = list as Uint8Array[];
  if (new Set(bs.map(hex)).size !== bs.length) throw invalid('Input collection contains duplicates.');
  return { BS: bs };
}

export function checkItem(item: unknown): Item {
  if (!item || typeof item !== 'object') throw validation('1 validation error detected: Value null at \'item\' failed to satisfy constraint: Member must not be null');
  const out: Item = {};
  for (const [k, v] of Object.entries(item as Record<string, unknown>)) if (v !== undefined) out[k] = checkValue(v);
  return out;
}

// ---- sizes ---------------------------------------------------------------------------------

const utf8 = (s: string): number => Buffer.byteLength(s, 'utf8');

function numberSize(n: string): number {
  const digits = n.replace(/[-.]/g, '').replace(/^0+/, '').replace(/0+$/, '').length;
  return Math.ceil(Math.max(digits, 1) / 2) + 1;
}

/** Approximate DynamoDB item-size accounting (names + values; containers cost 3 + 1 per element). */
export function valueSize(v: Av): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberSize(v.N);
  if (v.B !== undefined) return v.B.length;
  if (v.SS) return v.SS.reduce((s, x) => s + utf8(x), 0);
  if (v.NS) return v.NS.reduce((s, x) => s + numberSize(x), 0);
  if (v.BS) return v.BS.reduce((s, x) => s + x.length, 0);
  if (v.L) return 3 + v.L.reduce((s, x) => s + 1 + valueSize(x), 0);
  if (v.M) return 3 + Object.entries(v.M).reduce((s, [k, x]) => s + 1 + utf8(k) + valueSize(x), 0);
  return 1;
}

export function itemSize(item: Item): number {
  let total = 0;
  for (const [k, v] of Object.entries(item)) total += utf8(k) + valueSize(v);
  return total;
}

export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** A string that identifies a key value (S, N or B) exactly. */
export function keyText(v: Av): string {
  if (v.S !== undefined) return `S${v.S}`;
  if (v.N !== undefined) return `N${v.N}`;
  if (v.B !== undefined) return `B${hex(v.B)}`;
  return '?';
}
