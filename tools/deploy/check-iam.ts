/**
 * Least-privilege checks of the packaged template. Each returns the problems it finds as
 * sentences (empty = pass), so a test can show a mutated template failing for the right reason.
 */
import { type AllowList, BASELINE } from './allow-list.js';
import { type Call, permissionsFor } from './iam-actions.js';
import { grantedActions, isAllowed, isWildcardAction, type Permission } from './policy.js';
import { functionsOf, type Place, resolveString, roleStatements, type Template } from './template.js';
import { isUnscopable } from './unscopable.js';

/** Function key → the permissions its calls need (deduplicated), and calls the mapping does not know. */
export function requiredPermissions(calls: (Call & { caller: string })[], place: Place): { byFunction: Map<string, Permission[]>; unmapped: string[] } {
  const byFunction = new Map<string, Map<string, Permission>>();
  const unmapped = new Set<string>();
  for (const c of calls) {
    const mapped = permissionsFor(c, place);
    if ('unmapped' in mapped) {
      unmapped.add(`${c.caller} calls ${mapped.unmapped}: no IAM mapping in tools/deploy/iam-actions.ts`);
      continue;
    }
    if (!byFunction.has(c.caller)) byFunction.set(c.caller, new Map());
    for (const p of mapped.permissions) byFunction.get(c.caller)?.set(`${p.action} ${p.resource}`, p);
  }
  return { byFunction: new Map([...byFunction].map(([k, v]) => [k, [...v.values()]])), unmapped: [...unmapped] };
}

/**
 * Each function's role allows every permission it was seen needing (action and resource), and
 * grants no action beyond those, Lambda's own logging and tracing, and its allow-list entries.
 */
export function checkFunctionRoles(template: Template, place: Place, required: Map<string, Permission[]>, allowList: AllowList): string[] {
  const problems: string[] = [];
  const functions = functionsOf(template, place);
  for (const fn of required.keys()) {
    if (!functions.has(fn)) problems.push(`${fn} makes AWS calls but is not a function of the template`);
  }
  for (const [fn, info] of functions) {
    if (!info.roleId) {
      problems.push(`${fn} has no role of its own (Role is not a Fn::GetAtt of a role in the template)`);
      continue;
    }
    const statements = roleStatements(template, info.roleId, place);
    const needed = required.get(fn) ?? [];
    for (const p of needed) {
      if (!isAllowed(statements, p)) problems.push(`${fn} needs ${p.action} on ${p.resource}, which its role does not allow`);
    }
    const seen = new Set(needed.map((p) => p.action.toLowerCase()));
    const explained = allowList[fn] ?? {};
    const baseline = new Set(BASELINE.map((a) => a.toLowerCase()));
    const granted = grantedActions(statements);
    for (const [lower, action] of granted) {
      if (seen.has(lower) || baseline.has(lower)) continue;
      if (!Object.keys(explained).some((a) => a.toLowerCase() === lower)) {
        problems.push(`${fn} is granted ${action}, which it was never seen calling and its allow-list does not explain`);
      }
    }
    for (const action of Object.keys(explained)) {
      if (seen.has(action.toLowerCase())) problems.push(`${fn}: allow-list entry ${action} is now observed; remove it from tools/deploy/allow-list.ts`);
      else if (!granted.has(action.toLowerCase())) problems.push(`${fn}: allow-list entry ${action} is not granted; remove it from tools/deploy/allow-list.ts`);
    }
    // The plugin's log grant must be the function's own log group.
    const logGroup = `log-group:/aws/lambda/${resolveString(template, template.Resources[info.logicalId]?.Properties?.FunctionName, place)}:`;
    for (const s of statements) {
      if (s.actions.some((a) => a.startsWith('logs:')) && !s.resources.every((r) => r.includes(logGroup))) {
        problems.push(`${fn}: logs actions on ${s.resources.join(', ')}, not only its own log group`);
      }
    }
  }
  for (const fn of Object.keys(allowList)) if (!functions.has(fn)) problems.push(`allow-list names ${fn}, which is not a function of the template`);
  return problems;
}

/**
 * Every IAM role of the template: no wildcard actions, no NotAction/NotResource, and
 * `Resource: "*"` only for actions that have no resource type (tools/deploy/unscopable.ts).
 */
export function checkWildcards(template: Template, place: Place): string[] {
  const problems: string[] = [];
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::IAM::Role') continue;
    for (const s of roleStatements(template, id, place)) {
      for (const a of s.actions) if (isWildcardAction(a)) problems.push(`${id} grants the wildcard action ${a}`);
      for (const k of s.unusual) problems.push(`${id} has a statement with ${k}`);
      if (s.effect === 'Allow' && s.resources.includes('*')) {
        for (const a of s.actions) if (!isUnscopable(a)) problems.push(`${id} grants ${a} on Resource "*"; scope it to ARNs (only tools/deploy/unscopable.ts actions may use "*")`);
      }
    }
  }
  return problems;
}
