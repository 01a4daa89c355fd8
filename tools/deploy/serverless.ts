/**
 * serverless.yml as written (not packaged). Its `functions:` block is the one list of the
 * functions: the tools derive theirs from it (the fault runner's kill targets, the bundles
 * `npm run bench` builds), and test/tools/deploy/function-names.test.ts holds functions/,
 * src/steps/, the state machine and the local runner's registrations to it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface ServerlessFunction {
  /** The serverless key: `launchGroup`. */
  key: string;
  /** The handler's source file, relative to the root: `functions/launch-group.ts`. */
  source: string;
  memoryMb: number;
}

export function readServerless(text = readFileSync(join(ROOT, 'serverless.yml'), 'utf8')): any {
  // CloudFormation tags (!Ref, !Sub, …) are unknown to a plain YAML schema: they stay their scalar,
  // which is all the readers here need (no function key, handler or size uses one).
  return parse(text, { logLevel: 'error' });
}

/** Every function of serverless.yml, in file order. */
export function serverlessFunctions(yml: any = readServerless()): ServerlessFunction[] {
  const providerMemory = Number(yml.provider?.memorySize ?? 1024);
  return Object.entries((yml.functions ?? {}) as Record<string, { handler: string; memorySize?: number }>).map(([key, fn]) => ({
    key,
    // `functions/plan.handler` → the module `functions/plan`, written in TypeScript.
    source: `${fn.handler.replace(/\.[^./]+$/, '')}.ts`,
    memoryMb: Number(fn.memorySize ?? providerMemory),
  }));
}

/** The function keys, in serverless.yml's order. */
export const functionKeys = (): string[] => serverlessFunctions().map((f) => f.key);
