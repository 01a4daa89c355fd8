import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/domain/errors.js';
import { keyProblem } from '../../src/domain/input.js';
import { bakeScript, bakeUserData, parseBakeConsole, parseBakeTag, readBakeUserData, shellQuote, shellUnquote, USER_DATA_MAX_BYTES } from '../../src/domain/user-data.js';

const decode = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/** Keys S3 accepts and our input validation lets through: unicode, quotes, spaces, `$`, backslashes. */
const awkwardKey = fc
  .string({ unit: fc.oneof(fc.constantFrom("'", '"', ' ', '$', '`', '\\', '!', '*', '(', ')', '/', 'é', '🚀', '+', '%', ';', '&'), fc.string({ minLength: 1, maxLength: 3, unit: 'grapheme' })), minLength: 1, maxLength: 30 })
  .map((s) => `releases/web/1.0/${s}`)
  .filter((k) => keyProblem(k) === undefined);

describe('shellQuote', () => {
  it('quotes with single quotes and escapes embedded ones', () => {
    // Assess
    expect(shellQuote('plain')).toBe("'plain'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('property: shellUnquote inverts it for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        // Act / Assess
        expect(shellUnquote(shellQuote(s))).toBe(s);
      }),
      { numRuns: 300 },
    );
  });

  it('property: bash reads back exactly the quoted text', () => {
    // A real shell is the ground truth; NUL cannot live in a shell word, hence its absence.
    const text = fc.string({ unit: fc.oneof(fc.constantFrom("'", '"', '\\', '$', '`', '\n', ' ', '!', '*'), fc.string({ maxLength: 2, unit: 'grapheme' })), maxLength: 30 });
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 8 }), (values) => {
        // Prepare
        const script = values.map((v, i) => `v${i}=${shellQuote(v)}; printf '%s\\0' "$v${i}"`).join('\n');
        // Act
        const out = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
        // Assess
        expect(out.split('\0').slice(0, -1)).toEqual(values);
      }),
      { numRuns: 30 },
    );
  });

  it('rejects words it did not produce', () => {
    // Assess
    expect(shellUnquote('bare')).toBeUndefined();
    expect(shellUnquote("'open")).toBeUndefined();
  });
});

describe('bakeUserData', () => {
  it('holds the lines the simulator keys on', () => {
    // Act
    const script = decode(bakeUserData({ bucket: 'art', key: 'releases/web-prod/1.1.0/web-1.1.0.tgz', versionId: 'v1', installCommand: '/opt/redblack/install.sh' }));
    // Assess
    const lines = script.split('\n');
    expect(lines[0]).toBe('#!/bin/bash');
    expect(lines).toContain("REDBLACK_ARTIFACT='s3://art/releases/web-prod/1.1.0/web-1.1.0.tgz'");
    expect(lines).toContain("REDBLACK_ARTIFACT_VERSION='v1'");
    expect(script).toContain('aws s3api get-object');
    expect(script).toContain('--version-id');
    expect(script).toContain('poweroff');
  });

  it('downloads with aws s3 cp and has no version line when unversioned', () => {
    // Act
    const script = decode(bakeUserData({ bucket: 'art', key: 'k.tgz', installCommand: 'x' }));
    // Assess
    expect(script).toContain('aws s3 cp');
    expect(script).not.toMatch(/^REDBLACK_ARTIFACT_VERSION=/m);
  });

  it('refuses line breaks in the artifact and scripts over 16 KB', () => {
    // Assess
    expect(() => bakeUserData({ bucket: 'art', key: 'a\nb', installCommand: 'x' })).toThrow(InvalidInput);
    expect(() => bakeUserData({ bucket: 'art', key: 'k', installCommand: 'x'.repeat(USER_DATA_MAX_BYTES) })).toThrow('16384');
  });

  it('property: the artifact reads back from the user data, and stays within 16 KB', () => {
    fc.assert(
      fc.property(awkwardKey, fc.option(fc.stringMatching(/^[A-Za-z0-9._-]{1,40}$/), { nil: undefined }), (key, versionId) => {
        // Act
        const userData = bakeUserData({ bucket: 'art-1', key, versionId, installCommand: '/opt/redblack/install.sh' });
        // Assess
        expect(readBakeUserData(userData)).toEqual(versionId === undefined ? { bucket: 'art-1', key } : { bucket: 'art-1', key, versionId });
        expect(decode(userData).length).toBeLessThanOrEqual(USER_DATA_MAX_BYTES);
      }),
    );
  });

  it('reads back keys with quotes and Unicode line separators (found by the property below)', () => {
    for (const key of ["releases/web/1.0/\u2028 '", 'releases/web/1.0/\u2029x', "releases/web/1.0/it's a 'tgz'"]) {
      // Act
      const back = readBakeUserData(bakeUserData({ bucket: 'art-1', key, installCommand: '/opt/redblack/install.sh' }));
      // Assess
      expect(back).toEqual({ bucket: 'art-1', key });
    }
  });

  it('reads nothing from user data that is not a bake', () => {
    // Assess
    expect(readBakeUserData(Buffer.from('#!/bin/bash\necho hi\n').toString('base64'))).toBeUndefined();
  });
});

describe('bake script under bash (stubbed aws and poweroff)', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'redblack-bake-'));
    // `aws` records its arguments (NUL-separated) and writes the artifact to the last one.
    writeFileSync(
      join(dir, 'aws'),
      '#!/bin/bash\nif [ "$1" = ec2 ]; then printf \'%s\\0\' "$@" > "$STUB_TAG_LOG"; exit 0; fi\nprintf \'%s\\0\' "$@" > "$STUB_LOG"\n[ -n "${STUB_FAIL_DOWNLOAD:-}" ] && exit 1\necho artifact-bytes > "${@: -1}"\n',
    );
    // The instance metadata service: a token, then the instance id and the region.
    writeFileSync(join(dir, 'curl'), '#!/bin/bash\ncase "${@: -1}" in\n  */api/token) echo tok ;;\n  */instance-id) echo i-0123456789abcdef0 ;;\n  */placement/region) echo eu-west-1 ;;\n  *) exit 22 ;;\nesac\n');
    writeFileSync(join(dir, 'poweroff'), '#!/bin/bash\necho powered-off >> "$REDBLACK_CONSOLE"\n');
    writeFileSync(join(dir, 'install.sh'), '#!/bin/bash\necho "installed $(cat "$1") from $1" > "$STUB_INSTALLED"\nexit "${STUB_INSTALL_STATUS:-0}"\n');
    writeFileSync(join(dir, 'args.sh'), '#!/bin/bash\nprintf \'%s|\' "$@" > "$STUB_INSTALLED"\n');
    for (const f of ['aws', 'curl', 'poweroff', 'install.sh', 'args.sh']) chmodSync(join(dir, f), 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function run(spec: { key: string; versionId?: string; installCommand?: string }, env: Record<string, string> = {}) {
    const work = mkdtempSync(join(dir, 'run-'));
    const files = { console: join(work, 'console'), log: join(work, 'aws.log'), tagLog: join(work, 'tag.log'), installed: join(work, 'installed') };
    writeFileSync(files.console, '');
    const script = decode(bakeUserData({ bucket: 'art-1', installCommand: join(dir, 'install.sh'), ...spec }));
    const stdout = execFileSync('bash', ['-c', script], {
      encoding: 'utf8',
      env: { PATH: `${dir}:/usr/bin:/bin`, REDBLACK_CONSOLE: files.console, REDBLACK_DIR: join(work, 'dl'), STUB_LOG: files.log, STUB_TAG_LOG: files.tagLog, STUB_INSTALLED: files.installed, ...env },
    });
    const read = (f: string): string => {
      try {
        return readFileSync(f, 'utf8');
      } catch {
        return '';
      }
    };
    return {
      stdout,
      console: read(files.console),
      awsArgs: read(files.log).split('\0').slice(0, -1),
      tagArgs: read(files.tagLog).split('\0').slice(0, -1),
      installed: read(files.installed),
    };
  }

  it('downloads the exact version, installs it, reports ok and powers off', () => {
    // Act
    const r = run({ key: "releases/web/1.0/it's a \"file\" $HOME.tgz", versionId: 'v-1' });
    // Assess
    expect(r.awsArgs.slice(0, 8)).toEqual(['s3api', 'get-object', '--bucket', 'art-1', '--key', "releases/web/1.0/it's a \"file\" $HOME.tgz", '--version-id', 'v-1']);
    expect(r.installed).toMatch(/^installed artifact-bytes from .*\/it's a "file" \$HOME\.tgz\n$/);
    expect(parseBakeConsole(r.console)).toBe('ok');
    expect(r.console).toContain('powered-off');
    expect(r.stdout).toContain('redblack-bake: ok');
  });

  it('uses aws s3 cp for an unversioned artifact', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/é 🚀.tgz' });
    // Assess
    expect(r.awsArgs).toEqual(['s3', 'cp', '--only-show-errors', 's3://art-1/releases/web/1.0/é 🚀.tgz', expect.stringMatching(/\/dl\/é 🚀\.tgz$/)]);
    expect(parseBakeConsole(r.console)).toBe('ok');
  });

  it('appends the artifact path to an install command that has its own arguments', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/a.tgz', installCommand: "args.sh --mode 'fast run'" });
    // Assess
    expect(r.installed).toMatch(/^--mode\|fast run\|.*\/dl\/a\.tgz\|$/);
  });

  it('tags itself with the verdict (through IMDSv2 and its instance profile) before it powers off', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/a.tgz' });
    // Assess
    expect(r.tagArgs).toEqual(['ec2', 'create-tags', '--region', 'eu-west-1', '--resources', 'i-0123456789abcdef0', '--tags', 'Key=redblack:bake-result,Value=ok']);
    expect(parseBakeTag('ok')).toBe('ok');
  });

  it('reports a failed install with its status, and still powers off', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/a.tgz' }, { STUB_INSTALL_STATUS: '3' });
    // Assess
    expect(r.tagArgs.at(-1)).toBe('Key=redblack:bake-result,Value=failed: install command exited with status 3');
    expect(parseBakeTag(r.tagArgs.at(-1)?.split('Value=')[1])).toEqual({ failed: 'install command exited with status 3' });
    expect(parseBakeConsole(r.console)).toEqual({ failed: 'install command exited with status 3' });
    expect(r.console).toContain('powered-off');
  });

  it('reports a failed download without running the install; the tag keeps only tag-safe characters', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/a,b "c".tgz' }, { STUB_FAIL_DOWNLOAD: '1' });
    // Assess
    expect(r.tagArgs.at(-1)).toBe('Key=redblack:bake-result,Value=failed: download of s3://art-1/releases/web/1.0/a_b _c_.tgz failed');
  });

  it('reports a failed download on the console too', () => {
    // Act
    const r = run({ key: 'releases/web/1.0/a.tgz' }, { STUB_FAIL_DOWNLOAD: '1' });
    // Assess
    expect(parseBakeConsole(r.console)).toEqual({ failed: 'download of s3://art-1/releases/web/1.0/a.tgz failed' });
    expect(r.installed).toBe('');
  });
});

describe('parseBakeConsole', () => {
  it('is pending until an outcome line appears', () => {
    // Assess
    expect(parseBakeConsole('')).toBe('pending');
    expect(parseBakeConsole('cloud-init[1]: booted\nredblack-bake: installing s3://b/k\n')).toBe('pending');
  });

  it('reads ok and failures, with console prefixes and CRLF', () => {
    // Assess
    expect(parseBakeConsole('[   12.3] cloud-init[1234]: redblack-bake: ok\r\nreboot: Power down\r\n')).toBe('ok');
    expect(parseBakeConsole('redblack-bake: failed: install command exited with status 1\n')).toEqual({ failed: 'install command exited with status 1' });
    expect(parseBakeConsole('redblack-bake: failed:\n')).toEqual({ failed: 'no reason given' });
  });

  it('cannot be fooled by a key that spells an outcome', () => {
    // Assess
    expect(parseBakeConsole('redblack-bake: installing s3://b/x/redblack-bake: ok\n')).toBe('pending');
  });

  it('property: arbitrary console text never throws and yields one of the three outcomes', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 500 }), (text) => {
        // Act
        const outcome = parseBakeConsole(text);
        // Assess
        expect(outcome === 'ok' || outcome === 'pending' || typeof outcome.failed === 'string').toBe(true);
      }),
    );
  });

  it('keeps the script readable', () => {
    // Assess: one assignment per line for the simulator, and within the size limit.
    expect(bakeScript({ bucket: 'b', key: 'k', installCommand: 'x' }).split('\n').filter((l) => l.startsWith('REDBLACK_ARTIFACT='))).toHaveLength(1);
  });
});
