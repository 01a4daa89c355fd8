/** Expression syntax trees and the placeholders (#names, :values) of one request. */
import { checkValue, validation, type Av } from './values.js';

export type PathElem = string | number;

export type Operand = { k: 'path'; path: PathElem[] } | { k: 'value'; v: Av } | { k: 'size'; path: PathElem[] };

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BoolFn = 'attribute_exists' | 'attribute_not_exists' | 'attribute_type' | 'begins_with' | 'contains';

export type Cond =
  | { k: 'cmp'; op: CmpOp; l: Operand; r: Operand }
  | { k: 'between'; v: Operand; lo: Operand; hi: Operand }
  | { k: 'in'; v: Operand; list: Operand[] }
  | { k: 'fn'; fn: BoolFn; args: Operand[] }
  | { k: 'and' | 'or'; l: Cond; r: Cond }
  | { k: 'not'; c: Cond };

export type SetValue =
  | { k: 'path'; path: PathElem[] }
  | { k: 'value'; v: Av }
  | { k: 'arith'; op: '+' | '-'; l: SetValue; r: SetValue }
  | { k: 'if_not_exists'; path: PathElem[]; dflt: SetValue }
  | { k: 'list_append'; a: SetValue; b: SetValue };

export interface UpdatePlan {
  set: { path: PathElem[]; value: SetValue }[];
  remove: PathElem[][];
  add: { path: PathElem[]; value: Av }[];
  del: { path: PathElem[]; value: Av }[];
}

/** The placeholders of one request, shared by all of its expressions. */
export class ExprEnv {
  readonly usedNames = new Set<string>();
  readonly usedValues = new Set<string>();
  readonly values: Record<string, Av> = {};

  constructor(
    readonly names: Record<string, string> | undefined,
    values: Record<string, unknown> | undefined,
  ) {
    if (names && Object.keys(names).length === 0) throw validation('ExpressionAttributeNames must not be empty');
    if (values && Object.keys(values).length === 0) throw validation('ExpressionAttributeValues must not be empty');
    for (const k of Object.keys(names ?? {})) {
      if (!/^#[A-Za-z0-9_]+$/.test(k)) throw validation(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${k}"`);
    }
    for (const [k, v] of Object.entries(values ?? {})) {
      if (!/^:[A-Za-z0-9_]+$/.test(k)) throw validation(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${k}"`);
      try {
        this.values[k] = checkValue(v);
      } catch (err) {
        throw validation(`ExpressionAttributeValues contains invalid value: ${(err as Error).message} for key ${k}`);
      }
    }
  }

  /** After every expression of the request is parsed: AWS rejects placeholders nobody used. */
  checkUnused(): void {
    const names = Object.keys(this.names ?? {}).filter((k) => !this.usedNames.has(k));
    if (names.length) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(', ')}}`);
    const values = Object.keys(this.values).filter((k) => !this.usedValues.has(k));
    if (values.length) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(', ')}}`);
  }
}

export const formatPath = (p: PathElem[]): string => p.map((e) => (typeof e === 'number' ? `[${e}]` : e)).join(', ');

/** AWS rejects two paths where one is a prefix of (or equal to) the other. */
export function checkOverlap(paths: PathElem[][], kind: string): void {
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const a = paths[i] as PathElem[];
      const b = paths[j] as PathElem[];
      const n = Math.min(a.length, b.length);
      let k = 0;
      while (k < n && a[k] === b[k]) k++;
      const pair = `path one: [${formatPath(a)}], path two: [${formatPath(b)}]`;
      if (k === n) throw validation(`Invalid ${kind}: Two document paths overlap with each other; must remove or rewrite one of these paths; ${pair}`);
      if (typeof a[k] !== typeof b[k]) throw validation(`Invalid ${kind}: Two document paths conflict with each other; must remove or rewrite one of these paths; ${pair}`);
    }
  }
}
