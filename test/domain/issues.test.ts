import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues, fieldPath, preview, summarize } from '../../src/domain/issues.js';

describe('fieldPath', () => {
  it('renders dotted paths with indexes and quoted odd keys', () => {
    // Assess
    expect(fieldPath(['traffic', 'steps', 2])).toBe('traffic.steps[2]');
    expect(fieldPath(['detail', 'object', 'version-id'])).toBe('detail.object.version-id');
    expect(fieldPath(['a b'])).toBe('["a b"]');
    expect(fieldPath([], 'detail')).toBe('detail');
    expect(fieldPath(['x'], 'detail')).toBe('detail.x');
  });
});

describe('preview', () => {
  it('shortens long values and survives odd ones', () => {
    // Prepare
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    // Assess
    expect(preview('x'.repeat(100))).toHaveLength(60);
    expect(preview(undefined)).toBe('nothing');
    expect(preview(10n)).toBe('10');
    expect(preview(cyclic)).toBe('[object Object]');
  });
});

describe('describeIssues / summarize', () => {
  it('names each unknown key and counts the rest', () => {
    // Prepare
    const r = z.strictObject({ a: z.number() }).safeParse({ a: 'x', b: 1, c: 2 }, { reportInput: true });
    // Act
    const problems = describeIssues(r.error?.issues ?? []);
    const summary = summarize(problems);
    // Assess
    expect(problems.map((p) => p.field)).toEqual(['a', 'b', 'c']);
    expect(summary.field).toBe('a');
    expect(summary.problem).toBe('must be a number, got a string "x" (2 more: b: unknown field (not in the schema); c: unknown field (not in the schema))');
  });

  it('says a missing field is required', () => {
    // Act
    const r = z.strictObject({ a: z.string() }).safeParse({}, { reportInput: true });
    // Assess
    expect(describeIssues(r.error?.issues ?? [])).toEqual([{ field: 'a', problem: 'is required' }]);
  });
});
