/** Parameter Store rules: names, paths, selectors, tiers and value sizes, with AWS's messages. */
import { createHash } from 'node:crypto';
import { AwsFault } from '../../aws-fault.js';

export type Tier = 'Standard' | 'Advanced';

export interface ParamVersion {
  version: number;
  value: string;
  type: 'String' | 'StringList' | 'SecureString';
  tier: Tier;
  dataType: string;
  modifiedAt: number;
  description?: string;
  allowedPattern?: string;
  keyId?: string;
}

export interface Param {
  name: string;
  /** Oldest first; at most MAX_VERSIONS kept. */
  versions: ParamVersion[];
  tags: { Key: string; Value: string }[];
}

export const MAX_VERSIONS = 100;
export const MAX_LEVELS = 15;
export const STANDARD_BYTES = 4096;
export const ADVANCED_BYTES = 8192;

export const validation = (message: string) => new AwsFault('ValidationException', message);
export const constraint = (value: string, field: string, rule: string) =>
  validation(`1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must ${rule}`);

const NAME_RULES =
  'If formed as a path, it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_';
const PATH_MESSAGE =
  'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". It can\'t be prefixed with \\"aws\\" or \\"ssm\\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_.';

const levels = (name: string) => name.split('/').filter((s) => s !== '').length;

export function hierarchyLimit(): AwsFault {
  return new AwsFault(
    'HierarchyLevelLimitExceededException',
    'A hierarchy can have a maximum of 15 levels. For more information, see Requirements and constraints for parameter names in the AWS Systems Manager User Guide.',
  );
}

export function arnOf(region: string, account: string, name: string): string {
  return `arn:aws:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}

/** Rules for a name being created (PutParameter). */
export function checkNewName(name: string | undefined, arnLength: number): string {
  if (name === undefined) throw validation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  const n = name.trim();
  if (n.length < 1) throw constraint(n, 'name', 'have length greater than or equal to 1');
  if (n.length > 2048) throw constraint(n, 'name', 'have length less than or equal to 2048');
  const top = n.replace(/^\//, '').toLowerCase();
  const isPath = n.includes('/');
  if (top.startsWith('aws') || top.startsWith('ssm')) {
    if (n.toLowerCase().startsWith('/aws/')) throw new AwsFault('AccessDeniedException', `No access to reserved parameter name: ${n}.`);
    if (!isPath) throw validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
    throw validation(`Parameter name: can't be prefixed with "ssm" (case-insensitive). ${NAME_RULES}`);
  }
  const wellFormed = isPath ? /^(\/[a-zA-Z0-9_.-]+)+$/.test(n) : /^[a-zA-Z0-9_.-]+$/.test(n);
  if (!wellFormed) throw validation(`Parameter name: can't be prefixed with "ssm" (case-insensitive). ${NAME_RULES}`);
  if (levels(n) > MAX_LEVELS) throw hierarchyLimit();
  if (arnLength > 1011) throw validation(`Parameter name length, including the ARN prefix, must not exceed 1011 characters: ${n}`);
  return n;
}

/** A GetParametersByPath / DescribeParameters path: "/", or "/a/b" (a trailing slash is tolerated). */
export function checkPath(path: string | undefined): string {
  if (path === undefined) throw validation("1 validation error detected: Value null at 'path' failed to satisfy constraint: Member must not be null");
  const p = path.length > 1 ? path.replace(/\/$/, '') : path;
  if (p !== '/' && !/^(\/[a-zA-Z0-9_.-]+)+$/.test(p)) throw validation(PATH_MESSAGE);
  if (/^\/ssm/i.test(p)) throw validation(PATH_MESSAGE);
  if (levels(p) > MAX_LEVELS) throw hierarchyLimit();
  return p;
}

/** Is `name` below `path` (direct child unless recursive)? */
export function underPath(name: string, path: string, recursive: boolean): boolean {
  const prefix = path === '/' ? '/' : `${path}/`;
  if (!name.startsWith(prefix)) return false;
  return recursive || !name.slice(prefix.length).includes('/');
}

export interface Selector {
  name: string;
  version?: number;
  label?: string;
  /** The `:version` / `:label` suffix as given. */
  selector?: string;
  /** Given as an ARN, whose resource part cannot tell `x` from `/x`. */
  fromArn?: boolean;
}

/** `name`, `name:3`, `name:label`, or a parameter ARN with an optional selector. */
export function parseSelector(raw: string): Selector {
  let rest = raw;
  const arn = /^arn:aws[a-z-]*:ssm:[^:]*:\d{12}:parameter(\/.*)$/.exec(raw);
  if (arn) rest = arn[1] as string;
  const base = arn ? { fromArn: true } : {};
  const i = rest.lastIndexOf(':');
  if (i < 0) return { ...base, name: rest };
  const sel = rest.slice(i + 1);
  const name = rest.slice(0, i);
  if (/^\d+$/.test(sel)) return { ...base, name, version: Number(sel), selector: `:${sel}` };
  return { ...base, name, label: sel, selector: `:${sel}` };
}

export function checkTier(input: string | undefined, existing: Tier | undefined, bytes: number): Tier {
  if (input !== undefined && !['Standard', 'Advanced', 'Intelligent-Tiering'].includes(input)) {
    throw constraint(input, 'tier', 'satisfy enum value set: [Standard, Advanced, Intelligent-Tiering]');
  }
  let tier: Tier;
  if (input === 'Advanced') tier = 'Advanced';
  else if (input === 'Intelligent-Tiering') tier = bytes > STANDARD_BYTES || existing === 'Advanced' ? 'Advanced' : 'Standard';
  else if (input === 'Standard') {
    if (existing === 'Advanced') {
      throw validation(
        "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the advanced parameter and recreate it as a standard parameter.",
      );
    }
    tier = 'Standard';
  } else tier = existing ?? 'Standard';
  if (tier === 'Standard' && bytes > STANDARD_BYTES) {
    throw validation(
      'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier. For more information, see https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-advanced-parameters.html',
    );
  }
  if (bytes > ADVANCED_BYTES) throw validation('Advanced tier parameters support a maximum parameter value of 8192 characters.');
  return tier;
}

/** What GetParameter shows for a SecureString without WithDecryption: an opaque ciphertext. */
export function ciphertext(p: ParamVersion): string {
  const digest = createHash('sha256').update(`${p.keyId}\u0000${p.version}\u0000${p.value}`).digest();
  return `AQICAH${Buffer.concat([digest, digest]).toString('base64')}`;
}

/** Opaque pagination token bound to the request that produced it. */
export function makeToken(scope: string, after: string): string {
  return Buffer.from(JSON.stringify({ s: scope, a: after })).toString('base64');
}

export function readToken(token: string | undefined, scope: string): string | undefined {
  if (token === undefined) return undefined;
  try {
    const t = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; a?: unknown };
    if (t.s === scope && typeof t.a === 'string') return t.a;
  } catch {
    // fall through
  }
  throw new AwsFault('InvalidNextToken', 'The specified token is not valid.');
}
