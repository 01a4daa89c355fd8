/**
 * Turns zod issues into `{field, problem}` pairs a person can act on: a dotted path such as
 * `traffic.steps[2]` and a sentence that says what is wrong and what was given.
 */
import type { core } from 'zod/mini';

export interface Problem {
  field: string;
  problem: string;
}

/** `['traffic', 'steps', 2]` → `traffic.steps[2]`; odd keys are bracketed and quoted. */
export function fieldPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (typeof seg === 'string' && /^[A-Za-z_$][\w$-]*$/.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out;
}

/** A short rendering of an offending value for messages (never the whole document). */
export function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = typeof value === 'bigint' ? String(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const EXPECTED: Record<string, string> = {
  object: 'an object',
  array: 'an array',
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
};

/** One zod issue → the problems it stands for (an unknown-keys issue names each key). */
export function describeIssue(issue: core.$ZodIssue, prefix = ''): Problem[] {
  const hasInput = 'input' in issue;
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: fieldPath([...issue.path, key], prefix), problem: 'unknown field (not in the schema)' }));
  }
  const field = fieldPath(issue.path, prefix);
  if (issue.code === 'invalid_type') {
    if (!hasInput || input === undefined) return [{ field, problem: 'is required' }];
    const expected = EXPECTED[issue.expected] ?? issue.expected;
    // Our own messages (given with `error:`) never start with zod's "Invalid input".
    const own = issue.message.startsWith('Invalid input') ? '' : `${issue.message}; `;
    return [{ field, problem: `${own}must be ${expected}, got ${kindOf(input)} ${preview(input)}` }];
  }
  // Custom (refinement) messages already say what they saw; zod would attach the whole object.
  const got = hasInput && issue.code !== 'custom' ? ` (got ${preview(input)})` : '';
  return [{ field, problem: `${issue.message}${got}` }];
}

/** All problems of a failed parse, in zod's order. */
export function describeIssues(issues: readonly core.$ZodIssue[], prefix = ''): Problem[] {
  return issues.flatMap((i) => describeIssue(i, prefix));
}

/** The first problem, plus a count of the rest so nobody fixes one and is surprised by the next. */
export function summarize(problems: readonly Problem[]): Problem {
  const [first, ...rest] = problems;
  if (!first) return { field: '', problem: 'is invalid' };
  if (rest.length === 0) return first;
  const shown = rest.slice(0, 3).map((p) => `${p.field || '(root)'}: ${p.problem}`);
  if (rest.length > 3) shown.push('...');
  return { field: first.field, problem: `${first.problem} (${rest.length} more: ${shown.join('; ')})` };
}
