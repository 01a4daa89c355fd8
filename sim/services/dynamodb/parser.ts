/**
 * Parser for DynamoDB expressions: condition/filter/key-condition, update and projection
 * expressions. Names (#n) and values (:v) are resolved while parsing, so the caller learns which
 * placeholders were used (AWS rejects unused and undefined ones) and the error messages follow
 * AWS's "Invalid <Kind>Expression: …" forms.
 */
import { isReserved } from './reserved.js';
import { checkOverlap, type BoolFn, type CmpOp, type Cond, type ExprEnv, type Operand, type PathElem, type SetValue, type UpdatePlan } from './ast.js';
import { AV_TYPES, compareValues, typeOf, validation, type Av, type AvType } from './values.js';

export { ExprEnv, checkOverlap, formatPath } from './ast.js';
export type { BoolFn, CmpOp, Cond, Operand, PathElem, SetValue, UpdatePlan } from './ast.js';

interface Tok {
  t: 'id' | 'name' | 'value' | 'num' | 'op' | 'eof';
  v: string;
  at: number;
}

const TOKEN = /\s+|([A-Za-z][A-Za-z0-9_]*)|(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|(\d+)|(<>|<=|>=|[()[\],.=<>+-])/y;
const BOOL_FNS = new Set<string>(['attribute_exists', 'attribute_not_exists', 'attribute_type', 'begins_with', 'contains']);
const UPDATE_FNS = new Set<string>(['if_not_exists', 'list_append']);
const ARITY: Record<string, number> = {
  attribute_exists: 1,
  attribute_not_exists: 1,
  attribute_type: 2,
  begins_with: 2,
  contains: 2,
  size: 1,
  if_not_exists: 2,
  list_append: 2,
};
const CMP = new Set(['=', '<>', '<', '<=', '>', '>=']);

const TYPE_NAMES: Record<AvType, string> = {
  S: 'STRING',
  N: 'NUMBER',
  B: 'BINARY',
  SS: 'STRING SET',
  NS: 'NUMBER SET',
  BS: 'BINARY SET',
  M: 'MAP',
  L: 'LIST',
  NULL: 'NULL',
  BOOL: 'BOOLEAN',
};

const showValue = (v: Av): string => `{${typeOf(v)}:${v.S ?? v.N ?? '…'}}`;


class Parser {
  private readonly toks: Tok[] = [];
  private i = 0;

  constructor(
    private readonly src: string,
    private readonly kind: string,
    private readonly env: ExprEnv,
  ) {
    if (src.trim() === '') throw this.fail('The expression can not be empty;');
    if (Buffer.byteLength(src) > 4096) throw this.fail('Expression size has exceeded the maximum allowed size;');
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < src.length) {
      const at = TOKEN.lastIndex;
      const m = TOKEN.exec(src);
      if (!m) throw this.fail(`Invalid character encountered; character: "${src[at]}", near: "${src.slice(Math.max(0, at - 5), at + 5)}"`);
      const t = m[1] ? 'id' : m[2] ? 'name' : m[3] ? 'value' : m[4] ? 'num' : m[5] ? 'op' : undefined;
      if (t) this.toks.push({ t, v: m[0], at });
    }
    this.toks.push({ t: 'eof', v: '<EOF>', at: src.length });
  }

  fail(message: string) {
    return validation(`Invalid ${this.kind}: ${message}`);
  }

  private get tok(): Tok {
    return this.toks[this.i] as Tok;
  }
  private next(): Tok {
    return this.toks[this.i < this.toks.length - 1 ? this.i++ : this.i] as Tok;
  }
  private isOp(v: string, o = 0): boolean {
    const t = this.toks[this.i + o];
    return t?.t === 'op' && t.v === v;
  }
  private isKw(v: string): boolean {
    return this.tok.t === 'id' && this.tok.v.toUpperCase() === v;
  }
  syntax() {
    const prev = this.toks[Math.max(0, this.i - 1)] as Tok;
    const after = this.toks[Math.min(this.toks.length - 1, this.i + 1)] as Tok;
    const end = after.t === 'eof' ? this.src.length : after.at + after.v.length;
    return this.fail(`Syntax error; token: "${this.tok.v}", near: "${this.src.slice(prev.at, end)}"`);
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw this.syntax();
    this.next();
  }
  expectEnd(): void {
    if (this.tok.t !== 'eof') throw this.syntax();
  }
  atEnd(): boolean {
    return this.tok.t === 'eof';
  }

  // ---- paths and operands ----

  private nameElem(): string {
    const t = this.tok;
    if (t.t === 'id') {
      if (isReserved(t.v)) throw this.fail(`Attribute name is a reserved keyword; reserved keyword: ${t.v}`);
      this.next();
      return t.v;
    }
    if (t.t === 'name') {
      const n = this.env.names?.[t.v];
      if (n === undefined) throw this.fail(`An expression attribute name used in the document path is not defined; attribute name: ${t.v}`);
      this.env.usedNames.add(t.v);
      this.next();
      return n;
    }
    throw this.syntax();
  }

  path(): PathElem[] {
    const elems: PathElem[] = [this.nameElem()];
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        elems.push(this.nameElem());
      } else if (this.isOp('[')) {
        this.next();
        if (this.tok.t !== 'num') throw this.syntax();
        elems.push(Number(this.next().v));
        this.expectOp(']');
      } else break;
    }
    if (elems.length > 32) throw this.fail('The document path has too many nesting levels; nesting levels: ' + elems.length);
    return elems;
  }

  private value(): Av {
    const t = this.next();
    const v = this.env.values[t.v];
    if (v === undefined) throw this.fail(`An expression attribute value used in expression is not defined; attribute value: ${t.v}`);
    this.env.usedValues.add(t.v);
    return v;
  }

  private isCall(): boolean {
    return this.tok.t === 'id' && this.isOp('(', 1);
  }

  /** Function name and raw operand list; each operand parsed by `arg`. */
  private call<T>(arg: () => T): { fn: string; args: T[] } {
    const fn = this.next().v;
    if (!BOOL_FNS.has(fn) && !UPDATE_FNS.has(fn) && fn !== 'size') throw this.fail(`Invalid function name; function: ${fn}`);
    this.expectOp('(');
    const args: T[] = [];
    if (!this.isOp(')')) {
      args.push(arg());
      while (this.isOp(',')) {
        this.next();
        args.push(arg());
      }
    }
    this.expectOp(')');
    if (args.length !== ARITY[fn]) throw this.fail(`Incorrect number of operands for operator or function; operator or function: ${fn}, number of operands: ${args.length}`);
    return { fn, args };
  }

  private needsPath(fn: string, o: { k: string } | undefined): void {
    if (o?.k !== 'path') throw this.fail(`Operator or function requires a document path; operator or function: ${fn}`);
  }

  /** path | :value | size(path) */
  operand(): Operand {
    if (this.isCall()) {
      const name = this.tok.v;
      if (name !== 'size') {
        if (BOOL_FNS.has(name)) throw this.fail(`The function is not allowed to be used this way in an expression; function: ${name}`);
        if (UPDATE_FNS.has(name)) throw this.fail(`The function is not allowed in a condition expression; function: ${name}`);
      }
      const { args } = this.call(() => this.operand());
      this.needsPath('size', args[0]);
      return { k: 'size', path: (args[0] as { path: PathElem[] }).path };
    }
    if (this.tok.t === 'value') return { k: 'value', v: this.value() };
    return { k: 'path', path: this.path() };
  }

  // ---- conditions ----

  condition(): Cond {
    let l = this.conjunction();
    while (this.isKw('OR')) {
      this.next();
      l = { k: 'or', l, r: this.conjunction() };
    }
    return l;
  }

  private conjunction(): Cond {
    let l = this.negation();
    while (this.isKw('AND')) {
      this.next();
      l = { k: 'and', l, r: this.negation() };
    }
    return l;
  }

  private negation(): Cond {
    if (this.isKw('NOT')) {
      this.next();
      return { k: 'not', c: this.negation() };
    }
    return this.primary();
  }

  private primary(): Cond {
    if (this.isOp('(')) {
      this.next();
      const c = this.condition();
      this.expectOp(')');
      return c;
    }
    if (this.isCall() && BOOL_FNS.has(this.tok.v)) {
      const { fn, args } = this.call(() => this.operand());
      this.needsPath(fn, args[0]);
      const second = args[1];
      if (fn === 'attribute_type') {
        if (second?.k !== 'value') throw this.fail('Incorrect operand type for operator or function; operator or function: attribute_type');
        if (!AV_TYPES.includes(second.v.S as AvType)) {
          throw this.fail(`Invalid attribute type name found; type: ${second.v.S ?? typeOf(second.v)}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
        }
      }
      if (fn === 'begins_with' && second?.k === 'value' && second.v.S === undefined && second.v.B === undefined) {
        throw this.fail(`Incorrect operand type for operator or function; operator or function: begins_with, operand type: ${typeOf(second.v)}`);
      }
      return { k: 'fn', fn: fn as BoolFn, args };
    }
    const v = this.operand();
    const t = this.tok;
    if (t.t === 'op' && CMP.has(t.v)) {
      this.next();
      return { k: 'cmp', op: t.v as CmpOp, l: v, r: this.operand() };
    }
    if (this.isKw('BETWEEN')) {
      this.next();
      const lo = this.operand();
      if (!this.isKw('AND')) throw this.syntax();
      this.next();
      const hi = this.operand();
      if (lo.k === 'value' && hi.k === 'value' && (compareValues(lo.v, hi.v) ?? 0) > 0) {
        throw this.fail(
          `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: ${showValue(lo.v)}, upper bound operand: AttributeValue: ${showValue(hi.v)}`,
        );
      }
      return { k: 'between', v, lo, hi };
    }
    if (this.isKw('IN')) {
      this.next();
      this.expectOp('(');
      const list = [this.operand()];
      while (this.isOp(',')) {
        this.next();
        list.push(this.operand());
      }
      this.expectOp(')');
      if (list.length > 100) throw this.fail(`Too many operands for IN; number of operands: ${list.length}`);
      return { k: 'in', v, list };
    }
    throw this.syntax();
  }

  // ---- update ----

  update(): UpdatePlan {
    const plan: UpdatePlan = { set: [], remove: [], add: [], del: [] };
    const seen = new Set<string>();
    while (!this.atEnd()) {
      const section = this.tok.t === 'id' ? this.tok.v.toUpperCase() : '';
      if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(section)) throw this.syntax();
      if (seen.has(section)) throw this.fail(`The "${section}" section can only be used once in an update expression;`);
      seen.add(section);
      this.next();
      for (;;) {
        if (section === 'SET') {
          const path = this.path();
          this.expectOp('=');
          plan.set.push({ path, value: this.setValue() });
        } else if (section === 'REMOVE') {
          plan.remove.push(this.path());
        } else {
          const path = this.path();
          if (this.tok.t !== 'value') throw this.syntax();
          const value = this.value();
          const t = typeOf(value);
          if (!(t === 'SS' || t === 'NS' || t === 'BS' || (t === 'N' && section === 'ADD'))) {
            throw this.fail(`Incorrect operand type for operator or function; operator: ${section}, operand type: ${TYPE_NAMES[t]}`);
          }
          (section === 'ADD' ? plan.add : plan.del).push({ path, value });
        }
        if (!this.isOp(',')) break;
        this.next();
      }
    }
    return plan;
  }

  private setValue(): SetValue {
    const l = this.setOperand();
    if (this.isOp('+') || this.isOp('-')) {
      const op = this.next().v as '+' | '-';
      return { k: 'arith', op, l, r: this.setOperand() };
    }
    return l;
  }

  private setOperand(): SetValue {
    if (this.isCall()) {
      const name = this.tok.v;
      if (BOOL_FNS.has(name) || name === 'size') throw this.fail(`The function is not allowed in an update expression; function: ${name}`);
      const { fn, args } = this.call(() => this.setOperand());
      if (fn === 'if_not_exists') {
        this.needsPath(fn, args[0]);
        return { k: 'if_not_exists', path: (args[0] as { path: PathElem[] }).path, dflt: args[1] as SetValue };
      }
      return { k: 'list_append', a: args[0] as SetValue, b: args[1] as SetValue };
    }
    if (this.tok.t === 'value') return { k: 'value', v: this.value() };
    return { k: 'path', path: this.path() };
  }

  projection(): PathElem[][] {
    const paths = [this.path()];
    while (this.isOp(',')) {
      this.next();
      paths.push(this.path());
    }
    return paths;
  }
}

export function parseCondition(src: string, kind: string, env: ExprEnv): Cond {
  const p = new Parser(src, kind, env);
  const c = p.condition();
  p.expectEnd();
  return c;
}

export function parseUpdate(src: string, env: ExprEnv): UpdatePlan {
  const kind = 'UpdateExpression';
  const plan = new Parser(src, kind, env).update();
  checkOverlap([...plan.set.map((s) => s.path), ...plan.remove, ...plan.add.map((a) => a.path), ...plan.del.map((d) => d.path)], kind);
  return plan;
}

export function parseProjection(src: string, env: ExprEnv): PathElem[][] {
  const kind = 'ProjectionExpression';
  const p = new Parser(src, kind, env);
  const paths = p.projection();
  p.expectEnd();
  checkOverlap(paths, kind);
  return paths;
}
