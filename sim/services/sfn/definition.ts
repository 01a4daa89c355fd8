/**
 * Turns an ASL definition into a runnable aws-local-stepfunctions `StateMachine`, validated by
 * the library itself. Construction costs ~100 ms (schema validation), so machines are built once
 * per definition text and shared by every execution and every cloud in the process: a
 * `StateMachine` keeps no per-run state.
 */
import { StateMachine } from 'aws-local-stepfunctions';
import { AwsFault } from '../../aws-fault.js';
import { taskKind, taskStates, type TaskKind } from '../../asl.js';

/**
 * The longest timer Node (and fake-timers) honour: longer ones fire after 1 ms. AWS has no
 * default Task timeout but the library imposes 60 s, so Tasks without one get this instead,
 * and longer explicit timeouts are clamped to it (≈ 24.8 days, far beyond any deploy).
 */
export const MAX_TIMER_SECONDS = 2_147_483;

export interface StateInfo {
  type: string;
  kind?: TaskKind;
  resource?: string;
  timeoutSeconds?: number;
  /** A Task's TimeoutSecondsPath, read from its effective parameters when it runs (as aws-local-stepfunctions does). */
  timeoutSecondsPath?: string;
  heartbeatSeconds?: number;
}

export interface Prepared {
  machine: StateMachine;
  /** Every state by name, nested ones included (ASL names are unique in the whole machine). */
  states: Map<string, StateInfo>;
}

const cache = new Map<string, Prepared | AwsFault>();
const CACHE_LIMIT = 64;

/** Parses, validates and prepares a definition; `InvalidDefinition` as AWS reports it. */
export function prepare(definition: string): Prepared {
  const hit = cache.get(definition);
  if (hit instanceof AwsFault) throw hit;
  if (hit) return hit;
  let result: Prepared | AwsFault;
  try {
    result = build(definition);
  } catch (err) {
    if (!(err instanceof AwsFault)) throw err;
    result = err;
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(definition, result);
  if (result instanceof AwsFault) throw result;
  return result;
}

const invalid = (detail: string) => new AwsFault('InvalidDefinition', `Invalid State Machine Definition: '${detail}'`);

function build(text: string): Prepared {
  let def: any;
  try {
    def = JSON.parse(text);
  } catch (err) {
    throw invalid(`INVALID_JSON_DESCRIPTION: ${(err as Error).message}`);
  }
  if (!def || typeof def !== 'object' || Array.isArray(def)) throw invalid('SCHEMA_VALIDATION_FAILED: the definition must be a JSON object');
  if (def.QueryLanguage === 'JSONata') throw invalid('the embedded cloud runs JSONPath definitions only');
  const states = new Map<string, StateInfo>();
  collectStates(def, states);
  for (const task of taskStates(def)) {
    // asl-validator lets CloudFormation intrinsics through; AWS wants the resolved ARN (see asl.ts).
    if (typeof task.definition.Resource !== 'string') {
      throw invalid(`SCHEMA_VALIDATION_FAILED: Expected value of type String at /States/${task.state}/Resource (unresolved ${Object.keys(task.definition.Resource ?? {}).join()}?)`);
    }
    if (taskKind(task.resource) === 'invoke.waitForTaskToken' && !JSON.stringify(task.definition.Parameters ?? null).includes('$$.Task.Token')) {
      throw invalid(`SCHEMA_VALIDATION_FAILED: The field 'Parameters' must contain a reference to the task token ($$.Task.Token) at /States/${task.state}`);
    }
  }
  const runnable = patchTimeouts(def);
  let machine: StateMachine;
  try {
    machine = new StateMachine(runnable, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (err) {
    const lines = String((err as Error).message)
      .split('\n')
      .slice(1)
      .map((l) => l.trim())
      .filter(Boolean);
    throw invalid(lines.join(', ') || (err as Error).message);
  }
  return { machine, states };
}

function collectStates(machine: any, out: Map<string, StateInfo>): void {
  const states = machine?.States;
  if (!states || typeof states !== 'object') return;
  for (const [name, s] of Object.entries<any>(states)) {
    if (!s || typeof s !== 'object') continue;
    if (out.has(name)) throw invalid(`DUPLICATE_STATE_NAME: Duplicate State name: ${name}`);
    const info: StateInfo = { type: String(s.Type) };
    if (s.Type === 'Task') {
      info.resource = String(s.Resource);
      info.kind = taskKind(info.resource);
      info.timeoutSeconds = typeof s.TimeoutSeconds === 'number' ? Math.min(s.TimeoutSeconds, MAX_TIMER_SECONDS) : s.TimeoutSecondsPath ? undefined : MAX_TIMER_SECONDS;
      if (typeof s.TimeoutSecondsPath === 'string') info.timeoutSecondsPath = s.TimeoutSecondsPath;
      if (typeof s.HeartbeatSeconds === 'number') info.heartbeatSeconds = s.HeartbeatSeconds;
    }
    out.set(name, info);
    if (s.Type === 'Parallel' && Array.isArray(s.Branches)) for (const b of s.Branches) collectStates(b, out);
    if (s.Type === 'Map') collectStates(s.ItemProcessor ?? s.Iterator, out);
  }
}

/** A copy with AWS's Task timeout semantics expressed in the library's terms (see MAX_TIMER_SECONDS). */
function patchTimeouts(def: any): any {
  const copy = structuredClone(def);
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds = Math.min(copy.TimeoutSeconds, MAX_TIMER_SECONDS);
  for (const task of taskStates(copy)) {
    const s = task.definition;
    if (typeof s.TimeoutSeconds === 'number') s.TimeoutSeconds = Math.min(s.TimeoutSeconds, MAX_TIMER_SECONDS);
    else if (s.TimeoutSecondsPath === undefined) s.TimeoutSeconds = MAX_TIMER_SECONDS;
  }
  return copy;
}
