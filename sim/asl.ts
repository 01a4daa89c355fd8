/**
 * ASL helpers for the project's `statemachines/*.asl.json`: they are written for
 * serverless-step-functions, so Lambda Task resources are CloudFormation
 * `{"Fn::GetAtt": ["<Key>LambdaFunction", "Arn"]}` references. CloudFormation resolves these in
 * AWS; the embedded cloud resolves them here against its in-process Lambda runtime.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A Task state, wherever it sits (top level, Parallel branch, Map processor). */
export interface TaskRef {
  state: string;
  resource: string;
  definition: Record<string, any>;
}

/** How the embedded cloud runs a Task: a Lambda called directly, or one of the Lambda service integrations. */
export type TaskKind = 'lambda' | 'invoke' | 'invoke.waitForTaskToken' | 'other';

export interface UncoveredTask {
  state: string;
  resource: string;
  reason: string;
}

const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/;
const INVOKE = /^arn:aws[a-z-]*:states:::lambda:invoke(\.waitForTaskToken)?$/;
const LOGICAL_ID = /^([A-Za-z0-9]+)LambdaFunction$/;

/**
 * Replaces every `{"Fn::GetAtt": ["<Key>LambdaFunction", "Arn"]}` (also the `"<Id>.Arn"` string
 * form), in Task resources and anywhere else (e.g. `Parameters.FunctionName`), with the ARN of
 * function `<key>` (logical id minus `LambdaFunction`, first letter lower-cased). Accepts the
 * definition as JSON text or as a parsed object and returns the same kind. Other intrinsics are
 * left alone (the definition then fails validation, as it would without CloudFormation).
 */
export function resolveDefinition<T extends string | object>(definition: T, lambdaArnOf: (functionKey: string) => string): T {
  if (typeof definition === 'string') {
    return JSON.stringify(resolveDefinition(JSON.parse(definition) as object, lambdaArnOf)) as T;
  }
  const walk = (node: Json): Json => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const key = functionKeyOfGetAtt(node);
    if (key !== undefined) return lambdaArnOf(key);
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(node)) out[k] = walk(v);
    return out;
  };
  return walk(definition as Json) as T;
}

/** `launchGroup` for `{"Fn::GetAtt": ["LaunchGroupLambdaFunction", "Arn"]}`; undefined for anything else. */
export function functionKeyOfGetAtt(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
  const keys = Object.keys(node);
  if (keys.length !== 1 || keys[0] !== 'Fn::GetAtt') return undefined;
  const ref = (node as Record<string, unknown>)['Fn::GetAtt'];
  const parts = typeof ref === 'string' ? ref.split('.') : ref;
  if (!Array.isArray(parts) || parts.length !== 2 || parts[1] !== 'Arn' || typeof parts[0] !== 'string') return undefined;
  const m = LOGICAL_ID.exec(parts[0]);
  if (!m?.[1]) return undefined;
  return m[1].charAt(0).toLowerCase() + m[1].slice(1);
}

/** Every Task state of a definition, including those inside Parallel branches and Map processors. */
export function taskStates(definition: unknown): TaskRef[] {
  const out: TaskRef[] = [];
  const visit = (machine: any) => {
    const states = machine && typeof machine === 'object' ? machine.States : undefined;
    if (!states || typeof states !== 'object') return;
    for (const [name, state] of Object.entries<any>(states)) {
      if (!state || typeof state !== 'object') continue;
      if (state.Type === 'Task') out.push({ state: name, resource: String(state.Resource), definition: state });
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) state.Branches.forEach(visit);
      if (state.Type === 'Map') visit(state.ItemProcessor ?? state.Iterator);
    }
  };
  visit(definition);
  return out;
}

export function taskKind(resource: string): TaskKind {
  if (LAMBDA_ARN.test(resource)) return 'lambda';
  const m = INVOKE.exec(resource);
  if (m) return m[1] ? 'invoke.waitForTaskToken' : 'invoke';
  return 'other';
}

/**
 * The function a Task calls when that is fixed in the definition: the resource itself for a
 * direct Lambda ARN, `Parameters.FunctionName` for the `lambda:invoke` integrations. Undefined
 * when the name is computed at run time (`FunctionName.$`) or the Task is no Lambda call.
 */
export function staticFunctionOf(task: TaskRef): string | undefined {
  const kind = taskKind(task.resource);
  if (kind === 'lambda') return task.resource;
  if (kind === 'other') return undefined;
  const fn = task.definition.Parameters?.FunctionName;
  return typeof fn === 'string' ? fn : undefined;
}

/**
 * The Task states the embedded cloud cannot run: resources other than Lambda (or its invoke
 * integrations), and Lambda functions `hasFunction` does not know. A dynamic `FunctionName.$` is
 * checked when the Task runs.
 */
export function checkTaskCoverage(definition: unknown, hasFunction: (arnOrName: string) => boolean): UncoveredTask[] {
  const out: UncoveredTask[] = [];
  for (const task of taskStates(definition)) {
    const kind = taskKind(task.resource);
    if (kind === 'other') {
      out.push({ ...pick(task), reason: 'only Lambda tasks (a function ARN, or arn:aws:states:::lambda:invoke[.waitForTaskToken]) run in the embedded cloud' });
      continue;
    }
    if (kind !== 'lambda' && task.definition.Parameters?.['FunctionName.$'] !== undefined) continue;
    const fn = staticFunctionOf(task);
    if (fn === undefined) out.push({ ...pick(task), reason: 'Parameters.FunctionName is missing or not a string (an unresolved Fn::GetAtt?)' });
    else if (!hasFunction(fn)) out.push({ ...pick(task), reason: `no handler is registered for Lambda function ${fn}` });
  }
  return out;
}

const pick = (t: TaskRef) => ({ state: t.state, resource: t.resource });
