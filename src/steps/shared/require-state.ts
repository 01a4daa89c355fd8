/**
 * What a step needs from the deployment state, checked before it makes any AWS call: a state
 * machine wired wrongly (a lost ResultPath, a hand-made input) fails with InvalidInput naming the
 * field, never with a TypeError half-way through its side effects.
 */
import { InvalidInput } from '../../domain/errors.js';

export type FieldKind = 'string' | 'number' | 'boolean' | 'object' | 'array';

/** What Plan writes and every later step relies on. */
export const PLANNED: Record<string, FieldKind> = {
  deployment: 'string',
  cluster: 'string',
  release: 'string',
  config: 'object',
  // Plan's parsed config always holds these sections (the schema fills defaults).
  'config.healthGate': 'object',
  'config.traffic': 'object',
  'config.teardown': 'object',
  'swap.arn': 'string',
  'swap.before': 'array',
  'next.serverGroup': 'string',
  'next.targetGroupName': 'string',
};

/** What LaunchGroup writes for the health gate and the traffic steps. */
export const LAUNCHED: Record<string, FieldKind> = {
  'launched.serverGroup': 'string',
  'launched.targetGroupArn': 'string',
  'launched.desired': 'number',
  'launched.required': 'number',
  'launched.deadline': 'number',
  'launched.healthCheck': 'object',
  'launched.staged': 'array',
};

function kindOf(value: unknown): FieldKind | 'missing' | 'other' {
  if (value === undefined || value === null) return 'missing';
  if (Array.isArray(value)) return 'array';
  const t = typeof value;
  return t === 'string' || t === 'number' || t === 'boolean' || t === 'object' ? t : 'other';
}

/** Throws InvalidInput for the first field (dotted path) that is missing or of the wrong kind. */
export function requireState(state: unknown, ...specs: Record<string, FieldKind>[]): void {
  if (kindOf(state) !== 'object') throw new InvalidInput('', 'must be the deployment state (a JSON object)');
  for (const spec of specs) {
    for (const [path, kind] of Object.entries(spec)) {
      const value = path.split('.').reduce<unknown>((o, k) => (kindOf(o) === 'object' ? (o as Record<string, unknown>)[k] : undefined), state);
      const found = kindOf(value);
      if (found === 'missing') throw new InvalidInput(path, `is required (a ${kind} the state machine carries from an earlier step)`);
      if (found !== kind) throw new InvalidInput(path, `must be a ${kind} (got ${found})`);
    }
  }
}
