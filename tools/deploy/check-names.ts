/**
 * One step, one name in three casings: `functions/launch-group.ts` ↔ serverless key `launchGroup`
 * ↔ ASL state `LaunchGroup` ↔ `src/steps/launch-group.ts`. Read from the files, so a new function
 * is checked as soon as it exists anywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServerless, ROOT, serverlessFunctions } from './serverless.js';

export interface Layout {
  /** `functions/*.ts` and `src/steps/*.ts`, file name without `.ts` → source text. */
  handlers: Record<string, string>;
  steps: Record<string, string>;
  /** serverless.yml function key → handler source file (`functions/plan.ts`). */
  serverless: Record<string, string>;
  /** The keys the local runner registers (local/functions.ts). */
  registered: readonly string[];
  /** statemachines/deploy.asl.json. */
  definition: unknown;
}

const sources = (dir: string): Record<string, string> =>
  Object.fromEntries(
    readdirSync(join(ROOT, dir), { withFileTypes: true })
      .filter((f) => f.isFile() && f.name.endsWith('.ts'))
      .map((f) => [f.name.slice(0, -3), readFileSync(join(ROOT, dir, f.name), 'utf8')]),
  );

export function readLayout(registered: readonly string[]): Layout {
  return {
    handlers: sources('functions'),
    steps: sources('src/steps'),
    serverless: Object.fromEntries(serverlessFunctions(readServerless()).map((f) => [f.key, f.source])),
    registered,
    definition: JSON.parse(readFileSync(join(ROOT, 'statemachines/deploy.asl.json'), 'utf8')),
  };
}

export const camel = (kebab: string): string => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const pascal = (key: string): string => key.charAt(0).toUpperCase() + key.slice(1);

/** Every Task state and the function keys it invokes (`Fn::GetAtt` of `<Key>LambdaFunction`, in any field). */
export function tasksOf(definition: unknown): { state: string; keys: string[] }[] {
  const out: { state: string; keys: string[] }[] = [];
  const keysIn = (node: unknown, into: string[] = []): string[] => {
    if (Array.isArray(node)) node.forEach((n) => keysIn(n, into));
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        const id = k === 'Fn::GetAtt' ? (Array.isArray(v) ? v[0] : String(v).split('.')[0]) : undefined;
        const m = typeof id === 'string' ? /^(\w+)LambdaFunction$/.exec(id) : null;
        if (m?.[1]) into.push(m[1].charAt(0).toLowerCase() + m[1].slice(1));
        else keysIn(v, into);
      }
    }
    return into;
  };
  const walk = (states: Record<string, any>) => {
    for (const [name, s] of Object.entries(states ?? {})) {
      if (s.Type === 'Task') out.push({ state: name, keys: keysIn(s.Resource).concat(keysIn(s.Parameters)) });
      for (const b of s.Branches ?? []) walk(b.States);
      if (s.ItemProcessor) walk(s.ItemProcessor.States);
      if (s.Iterator) walk(s.Iterator.States);
    }
  };
  walk((definition as { States: Record<string, any> }).States);
  return out;
}

/** What breaks the one-name rule, one line each; empty when every function keeps it. */
export function checkNames(layout: Layout): string[] {
  const problems: string[] = [];
  const keys = Object.keys(layout.handlers).map(camel);
  const same = (what: string, have: Iterable<string>) => {
    const got = new Set(have);
    for (const k of keys) if (!got.has(k)) problems.push(`${what} lacks ${k}`);
    for (const k of got) if (!keys.includes(k)) problems.push(`${what} has ${k}, which has no functions/*.ts handler`);
  };

  same('serverless.yml functions', Object.keys(layout.serverless));
  same('src/steps/*.ts', Object.keys(layout.steps).map(camel));
  same('local/functions.ts', layout.registered);
  for (const [key, source] of Object.entries(layout.serverless)) {
    const file = Object.keys(layout.handlers).find((f) => camel(f) === key);
    if (file && source !== `functions/${file}.ts`) problems.push(`serverless.yml ${key}: handler in ${source}, not functions/${file}.ts`);
  }
  for (const [file, source] of Object.entries(layout.handlers)) {
    const key = camel(file);
    if (!source.includes(`from '../src/steps/${file}.js'`)) problems.push(`functions/${file}.ts does not import its step from src/steps/${file}.ts`);
    const step = layout.steps[file];
    if (step !== undefined && !new RegExp(`export (async function|function|const) ${key}\\b`).test(step)) problems.push(`src/steps/${file}.ts does not export the function ${key}`);
  }
  for (const task of tasksOf(layout.definition)) {
    for (const key of task.keys) {
      if (!keys.includes(key)) problems.push(`ASL state ${task.state} invokes ${key}, which has no functions/*.ts handler`);
      else if (task.state !== pascal(key)) problems.push(`ASL state ${task.state} invokes ${key}: name it ${pascal(key)}`);
    }
  }
  return problems;
}
