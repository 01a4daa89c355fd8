/**
 * The repository explains itself: its Markdown links resolve inside it, and no file cites notes
 * that live outside it (a comment cites the AWS documentation page, or docs/, instead).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const HOMES = ['src', 'functions', 'sim', 'local', 'tools', 'test', 'docs', 'statemachines', 'events'];
const TOP = ['README.md', 'serverless.yml', 'package.json', 'eslint.config.js', 'vitest.config.ts'];
const THIS_FILE = fileURLToPath(import.meta.url);

const filesUnder = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(ROOT, join(e.parentPath, e.name)));

const files = [...TOP, ...HOMES.flatMap(filesUnder)].filter((f) => /\.(ts|mts|cjs|mjs|js|md|json|yml)$/.test(f) && !f.endsWith('results.json'));
const markdown = files.filter((f) => f.endsWith('.md'));

/** Relative link targets of a Markdown text: `[text](path#anchor)`, without web or anchor-only links. */
const relativeLinks = (text: string): string[] =>
  [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => (m[1] as string).split('#')[0] as string).filter((t) => t !== '' && !/^[a-z]+:/i.test(t));

describe('self-contained docs', () => {
  it('reads the Markdown of every home', () => {
    expect(markdown).toEqual(expect.arrayContaining(['README.md', 'docs/design.md', 'docs/deploy.md', 'sim/README.md']));
  });

  it('finds relative links, and only those', () => {
    expect(relativeLinks('see [a](docs/a.md#x), [b](https://aws.amazon.com/), [c](#top) and [d](../sim/README.md)')).toEqual(['docs/a.md', '../sim/README.md']);
  });

  it('has no Markdown link to a file that does not exist', () => {
    const dead = markdown.flatMap((f) => relativeLinks(readFileSync(join(ROOT, f), 'utf8')).filter((t) => !existsSync(join(ROOT, dirname(f), t))).map((t) => `${f} → ${t}`));
    expect(dead).toEqual([]);
  });

  it('cites no notes kept outside the repository', () => {
    const outside = /AWS-FACTS|DESIGN\.md|design-notes|\.\.\/shared\//;
    const citing = files.filter((f) => join(ROOT, f) !== THIS_FILE && outside.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(citing).toEqual([]);
  });
});
