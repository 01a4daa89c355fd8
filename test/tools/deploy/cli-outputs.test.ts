/**
 * The CLI finds every resource through the stack's outputs (src/cli/context.ts STACK_OUTPUTS): the
 * packaged template must declare each of them, and each must resolve to what the embedded stack
 * (local/stack.ts) registers under the same key — the values `redblack --stage local` reads.
 */
import { beforeAll, expect, test } from 'vitest';
import { STACK_OUTPUTS } from '../../../src/cli/context.js';
import { resolveString, type Template } from '../../../tools/deploy/template.js';
import { createCloud } from '../../../local/cloud.js';
import { deployStack, stackOutputs } from '../../../local/stack.js';
import { asEmbedded, packagedTemplate } from './packaged.js';

let template: Template;
beforeAll(() => {
  template = asEmbedded(packagedTemplate());
}, 120_000);

test('the packaged template declares every output the CLI reads, with the values of the embedded stack', async () => {
  // Prepare
  const cloud = await createCloud();
  try {
    const stack = await deployStack(cloud);
    const embedded = stackOutputs(stack);
    const place = { partition: 'aws', region: cloud.region, account: cloud.accountId };
    const outputs = (template as unknown as { Outputs: Record<string, { Value: unknown }> }).Outputs;

    // Act
    const packaged = Object.fromEntries(STACK_OUTPUTS.map((k) => [k, outputs[k] ? resolveString(template, outputs[k].Value, place) : undefined]));

    // Assess
    expect(packaged).toEqual(Object.fromEntries(STACK_OUTPUTS.map((k) => [k, embedded[k]])));
  } finally {
    cloud.dispose();
  }
});
