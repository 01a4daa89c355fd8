import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { advance, failure } from './s3eb-helpers.js';

const events = () => client(EventBridgeClient);

interface Case {
  name: string;
  pattern: Record<string, unknown>;
  detail: Record<string, unknown>;
  source?: string;
  matches: boolean;
}

const d = (detail: Record<string, unknown>) => ({ detail });

const CASES: Case[] = [
  { name: 'exact string', pattern: d({ state: ['running'] }), detail: { state: 'running' }, matches: true },
  { name: 'exact string, other value', pattern: d({ state: ['running'] }), detail: { state: 'stopped' }, matches: false },
  { name: 'list is an OR', pattern: d({ state: ['a', 'b'] }), detail: { state: 'b' }, matches: true },
  { name: 'number equals number', pattern: d({ n: [5] }), detail: { n: 5 }, matches: true },
  { name: 'number does not equal string', pattern: d({ n: [5] }), detail: { n: '5' }, matches: false },
  { name: 'boolean', pattern: d({ ok: [true] }), detail: { ok: true }, matches: true },
  { name: 'boolean is not a string', pattern: d({ ok: [true] }), detail: { ok: 'true' }, matches: false },
  { name: 'null matches null', pattern: d({ v: [null] }), detail: { v: null }, matches: true },
  { name: 'null does not match a missing field', pattern: d({ v: [null] }), detail: {}, matches: false },
  { name: 'nested objects', pattern: d({ a: { b: ['x'] } }), detail: { a: { b: 'x' } }, matches: true },
  { name: 'nested objects, missing leaf', pattern: d({ a: { b: ['x'] } }), detail: { a: { c: 'x' } }, matches: false },
  { name: 'array in the event: any element', pattern: d({ tags: ['blue'] }), detail: { tags: ['red', 'blue'] }, matches: true },
  { name: 'array of objects in the event', pattern: d({ items: { id: [2] } }), detail: { items: [{ id: 1 }, { id: 2 }] }, matches: true },
  { name: 'fields are ANDed', pattern: { source: ['test'], detail: { a: ['1'] } }, detail: { a: '1' }, source: 'other', matches: false },
  { name: 'prefix', pattern: d({ key: [{ prefix: 'releases/' }] }), detail: { key: 'releases/web/1.0/a.tgz' }, matches: true },
  { name: 'prefix, no match', pattern: d({ key: [{ prefix: 'releases/' }] }), detail: { key: 'other/releases/' }, matches: false },
  { name: 'prefix ignoring case', pattern: d({ key: [{ prefix: { 'equals-ignore-case': 'REL' } }] }), detail: { key: 'releases' }, matches: true },
  { name: 'suffix', pattern: d({ key: [{ suffix: '.tgz' }] }), detail: { key: 'a.tgz' }, matches: true },
  { name: 'suffix, no match', pattern: d({ key: [{ suffix: '.tgz' }] }), detail: { key: 'a.zip' }, matches: false },
  { name: 'suffix ignoring case', pattern: d({ key: [{ suffix: { 'equals-ignore-case': '.TGZ' } }] }), detail: { key: 'a.tgz' }, matches: true },
  { name: 'anything-but value', pattern: d({ s: [{ 'anything-but': 'terminated' }] }), detail: { s: 'running' }, matches: true },
  { name: 'anything-but value, excluded', pattern: d({ s: [{ 'anything-but': 'terminated' }] }), detail: { s: 'terminated' }, matches: false },
  { name: 'anything-but needs the field', pattern: d({ s: [{ 'anything-but': 'terminated' }] }), detail: {}, matches: false },
  { name: 'anything-but list', pattern: d({ s: [{ 'anything-but': ['a', 'b'] }] }), detail: { s: 'c' }, matches: true },
  { name: 'anything-but numbers', pattern: d({ n: [{ 'anything-but': [1, 2] }] }), detail: { n: 2 }, matches: false },
  { name: 'anything-but prefix', pattern: d({ k: [{ 'anything-but': { prefix: 'tmp/' } }] }), detail: { k: 'tmp/x' }, matches: false },
  { name: 'anything-but prefix, other', pattern: d({ k: [{ 'anything-but': { prefix: 'tmp/' } }] }), detail: { k: 'rel/x' }, matches: true },
  { name: 'anything-but suffix', pattern: d({ k: [{ 'anything-but': { suffix: '.tmp' } }] }), detail: { k: 'a.tmp' }, matches: false },
  { name: 'exists true', pattern: d({ v: [{ exists: true }] }), detail: { v: 'x' }, matches: true },
  { name: 'exists true, missing', pattern: d({ v: [{ exists: true }] }), detail: {}, matches: false },
  { name: 'exists true is for leaves only', pattern: d({ v: [{ exists: true }] }), detail: { v: { nested: 1 } }, matches: false },
  { name: 'exists false, missing', pattern: d({ v: [{ exists: false }] }), detail: {}, matches: true },
  { name: 'exists false, present', pattern: d({ v: [{ exists: false }] }), detail: { v: 1 }, matches: false },
  { name: 'numeric range, upper bound', pattern: d({ n: [{ numeric: ['>', 0, '<=', 5] }] }), detail: { n: 5 }, matches: true },
  { name: 'numeric range, lower bound', pattern: d({ n: [{ numeric: ['>', 0, '<=', 5] }] }), detail: { n: 0 }, matches: false },
  { name: 'numeric range, above', pattern: d({ n: [{ numeric: ['>', 0, '<=', 5] }] }), detail: { n: 6 }, matches: false },
  { name: 'numeric on a string', pattern: d({ n: [{ numeric: ['>', 0] }] }), detail: { n: '3' }, matches: false },
  { name: 'numeric equals', pattern: d({ n: [{ numeric: ['=', 3.0] }] }), detail: { n: 3 }, matches: true },
  { name: 'wildcard', pattern: d({ k: [{ wildcard: 'releases/*/1.*.tgz' }] }), detail: { k: 'releases/web/1.4.tgz' }, matches: true },
  { name: 'wildcard, no match', pattern: d({ k: [{ wildcard: 'releases/*/1.*.tgz' }] }), detail: { k: 'releases/web/2.0.tgz' }, matches: false },
  { name: 'wildcard is anchored', pattern: d({ k: [{ wildcard: 'a*' }] }), detail: { k: 'ba' }, matches: false },
  { name: 'equals-ignore-case', pattern: d({ s: [{ 'equals-ignore-case': 'ALARM' }] }), detail: { s: 'alarm' }, matches: true },
  { name: '$or, second branch', pattern: d({ $or: [{ a: ['1'] }, { b: ['2'] }] }), detail: { b: '2' }, matches: true },
  { name: '$or, no branch', pattern: d({ $or: [{ a: ['1'] }, { b: ['2'] }] }), detail: { c: '3' }, matches: false },
  { name: 'mixed matchers in one list', pattern: d({ s: [{ prefix: 'x' }, 'exact', { numeric: ['>', 10] }] }), detail: { s: 11 }, matches: true },
];

describe('EventBridge event patterns (through PutRule + PutEvents)', () => {
  const cloud = cloudPerTest({ seed: 2 });
  let got: unknown[];
  beforeEach(async () => {
    got = [];
    cloud.lambda.register('probe', async (e) => {
      got.push(e);
    });
  });

  it.each(CASES)('$name → $matches', async (c) => {
    // Prepare
    await events().send(new PutRuleCommand({ Name: 'case', EventPattern: JSON.stringify(c.pattern) }));
    await events().send(new PutTargetsCommand({ Rule: 'case', Targets: [{ Id: 'probe', Arn: cloud.lambda.functionArn('probe') }] }));
    // Act
    const out = await events().send(new PutEventsCommand({ Entries: [{ Source: c.source ?? 'test', DetailType: 'Case', Detail: JSON.stringify(c.detail) }] }));
    await advance(cloud, 2_000);
    // Assess
    expect(out.FailedEntryCount).toBe(0);
    expect(got).toHaveLength(c.matches ? 1 : 0);
  });

  it.each([
    ['an empty list', { detail: { a: [] } }],
    ['a bad numeric operator', { detail: { n: [{ numeric: ['~', 1] }] } }],
    ['a reversed numeric range', { detail: { n: [{ numeric: ['>', 5, '<', 1] }] } }],
    ['consecutive wildcards', { detail: { k: [{ wildcard: 'a**b' }] } }],
    ['exists with a string', { detail: { k: [{ exists: 'yes' }] } }],
    ['anything-but with mixed types', { detail: { k: [{ 'anything-but': ['a', 1] }] } }],
    ['prefix with a number', { detail: { k: [{ prefix: 1 }] } }],
    ['two operators in one object', { detail: { k: [{ prefix: 'a', suffix: 'b' }] } }],
    ['a scalar instead of a list', { detail: { k: 'a' } }],
    ['a single-branch $or', { $or: [{ source: ['a'] }] }],
  ])('rejects %s with InvalidEventPatternException', async (_name, pattern) => {
    // Act
    const err = await failure(events().send(new PutRuleCommand({ Name: 'bad', EventPattern: JSON.stringify(pattern) })));
    // Assess
    expect(err.name).toBe('InvalidEventPatternException');
    expect(err.message).toMatch(/^Event pattern is not valid\. Reason: /);
  });
});
