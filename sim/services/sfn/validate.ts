/** Step Functions request validation: names, ARNs, JSON payloads, limits (https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html). */
import { AwsFault } from '../../aws-fault.js';

export const MAX_PAYLOAD_BYTES = 262_144;
export const MAX_DEFINITION_CHARS = 1_048_576;

// Whitespace, brackets, wildcards, special characters, control characters, surrogates and U+FFFE/FFFF.
// eslint-disable-next-line no-control-regex
const BAD_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ufffe\uffff\ud800-\udfff]/;

export const validationException = (message: string) => new AwsFault('ValidationException', message);

/** The modeled-constraint message AWS returns for a failed length/range check. */
export function constraint(field: string, value: unknown, rule: string): AwsFault {
  return validationException(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

export function required(field: string, value: unknown): void {
  if (value === undefined || value === null) throw constraint(field, null, 'Member must not be null');
}

/** State machine and execution names: 1–80 characters (ValidationException), no forbidden character (InvalidName). */
export function checkName(field: string, name: string): void {
  if (name.length < 1) throw constraint(field, name, 'Member must have length greater than or equal to 1');
  if (name.length > 80) throw constraint(field, name, 'Member must have length less than or equal to 80');
  if (BAD_NAME.test(name)) throw new AwsFault('InvalidName', `Invalid Name: '${name}'`);
}

export function checkMaxLength(field: string, value: string | undefined, max: number): void {
  if (value !== undefined && value.length > max) throw constraint(field, '…', `Member must have length less than or equal to ${max}`);
}

/** Parses a JSON payload; wrong size or bad JSON raises `code` (InvalidExecutionInput, InvalidOutput). */
export function parsePayload(text: string, code: string, what: string): unknown {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_PAYLOAD_BYTES) {
    throw new AwsFault(code, `Invalid ${what}: the ${what.toLowerCase()} is ${bytes} bytes, above the limit of ${MAX_PAYLOAD_BYTES} bytes`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new AwsFault(code, `Invalid ${what}: ${(err as Error).message}`);
  }
}

export interface ParsedArn {
  region: string;
  account: string;
  machine: string;
  /** Execution name (execution ARNs) or version/alias qualifier (state machine ARNs). */
  rest?: string;
}

const ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):(\d{12}):(stateMachine|execution):([^:\s]+)(?::([^:\s]+))?$/;

/** Parses a state machine or execution ARN; anything else is `InvalidArn`, as AWS answers. */
export function parseArn(arn: string | undefined, kind: 'stateMachine' | 'execution', field: string): ParsedArn {
  required(field, arn);
  const a = arn as string;
  if (a.length > 256) throw constraint(field, a, 'Member must have length less than or equal to 256');
  const m = ARN.exec(a);
  if (!m || m[3] !== kind || (kind === 'execution' && !m[5])) throw new AwsFault('InvalidArn', `Invalid Arn: '${a}'`);
  return { region: m[1] as string, account: m[2] as string, machine: m[4] as string, rest: m[5] };
}

export function checkMaxResults(value: number | undefined): number {
  if (value === undefined || value === 0) return 100;
  if (!Number.isInteger(value) || value < 0) throw constraint('maxResults', value, 'Member must have value greater than or equal to 0');
  if (value > 1000) throw constraint('maxResults', value, 'Member must have value less than or equal to 1000');
  return value;
}

/** Opaque page tokens: the kind of listing, what it lists, and the last sequence number returned. */
export function encodeToken(kind: string, scope: string, after: number): string {
  return Buffer.from(JSON.stringify({ k: kind, s: scope, a: after })).toString('base64url');
}

export function decodeToken(token: string | undefined, kind: string, scope: string): number | undefined {
  if (token === undefined) return undefined;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: string; s?: string; a?: number };
    if (t.k === kind && t.s === scope && typeof t.a === 'number') return t.a;
  } catch {
    // falls through to InvalidToken
  }
  throw new AwsFault('InvalidToken', `Invalid Token: '${token}'`);
}
