/**
 * IAM statement matching, as far as the checks need it: `*` and `?` wildcards in actions (case
 * insensitive) and resources (case sensitive), Allow unless a matching Deny. Conditions are not
 * evaluated: they only narrow a grant, and the tags they test are the ones the pipeline sets
 * (src/aws/tags.ts), so a missing permission still shows as missing.
 */
import type { Statement } from './template.js';

/** A required permission: an IAM action on a resource ARN (`*` when the action has no resource type). */
export interface Permission {
  action: string;
  resource: string;
}

export function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, caseInsensitive ? 'is' : 's');
  return re.test(value);
}

const matchesAction = (s: Statement, action: string) => s.actions.some((a) => wildcard(a, action, true));
const matchesResource = (s: Statement, resource: string) => s.resources.some((r) => wildcard(r, resource));

export function isAllowed(statements: Statement[], p: Permission): boolean {
  const applies = (s: Statement) => matchesAction(s, p.action) && matchesResource(s, p.resource);
  if (statements.some((s) => s.effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.effect === 'Allow' && applies(s));
}

/** Every action an Allow statement names, lower-cased to compare (IAM actions are case insensitive). */
export function grantedActions(statements: Statement[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const s of statements) if (s.effect === 'Allow') for (const a of s.actions) out.set(a.toLowerCase(), a);
  return out;
}

export const isWildcardAction = (action: string): boolean => action.includes('*') || action.includes('?');
