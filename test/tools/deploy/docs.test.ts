/**
 * docs/deploy.md stays true: every JSON example marked `<!-- check: … -->` passes the parser the
 * pipeline applies to it, and the config example spells out every field of the schema.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../../src/domain/config.js';
import { parseDeployInput, parseManualRollback } from '../../../src/domain/input.js';

const DOC = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');

/** `<!-- check: kind arg -->` followed by a json code block. */
const examples = [...DOC.matchAll(/<!-- check: ([\w-]+)(?: ([\w-]+))? -->\s*```json\n([\s\S]*?)```/g)].map((m) => ({
  kind: m[1] as string,
  arg: m[2],
  json: JSON.parse(m[3] as string) as unknown,
}));

/** Every key path of a parsed value, objects only (`bake.instanceType`). */
function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...paths(v, `${prefix}${k}.`)]);
}

describe('docs/deploy.md', () => {
  it('has the examples the checks below read', () => {
    expect(examples.map((e) => e.kind).sort()).toEqual(['cluster-config', 'deploy-input', 'deploy-input', 'judge-config', 'manual-rollback']);
  });

  it('shows a cluster config that parses, with every field the schema fills in', () => {
    const example = examples.find((e) => e.kind === 'cluster-config');
    const parsed = parseClusterConfig(example?.json, example?.arg as string);
    // Everything the parser fills in (defaults included) is spelled out, except the alternative of an either/or.
    expect(paths(example?.json).sort()).toEqual(paths(parsed).sort());
  });

  it('shows a canary, approval and windows config that parses as written', () => {
    const example = examples.find((e) => e.kind === 'judge-config');
    const parsed = parseClusterConfig(example?.json, example?.arg as string);
    expect(parsed).toMatchObject(example?.json as object);
  });

  it('shows deploy and rollback inputs the state machine accepts', () => {
    for (const e of examples.filter((x) => x.kind === 'deploy-input')) expect(() => parseDeployInput(e.json)).not.toThrow();
    for (const e of examples.filter((x) => x.kind === 'manual-rollback')) expect(() => parseManualRollback(e.json)).not.toThrow();
  });
});
