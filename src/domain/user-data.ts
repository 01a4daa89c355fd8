/**
 * The builder instance's user data: a bash script that fetches the artifact, runs the install
 * command, tags itself `redblack:bake-result` with its verdict (`ok` / `failed: …`), reports the
 * same on the console (`redblack-bake: …`, kept for diagnostics: EC2 posts console output late)
 * and powers off either way, so the pipeline reads the verdict from the instance's tags and the
 * stopped instance is ready to image. Values are single-quoted, one assignment per line.
 */
import { InvalidInput } from './errors.js';

/** The tag the builder sets on itself with its verdict (src/aws/tags.ts TAG.bakeResult). */
export const BAKE_RESULT_TAG = 'redblack:bake-result';

/** EC2's limit on raw (pre-base64) user data. */
export const USER_DATA_MAX_BYTES = 16 * 1024;

export interface BakeSpec {
  bucket: string;
  key: string;
  versionId?: string;
  installCommand: string;
}

/**
 * POSIX single-quoting: everything between single quotes is literal, and a quote is written as
 * `'\''` (close, escaped quote, reopen). Safe for any text, including unicode and `$`, `` ` ``, `\`.
 */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Inverse of shellQuote for the words it produces (`'…'` runs joined by `\'`); undefined otherwise. */
export function shellUnquote(word: string): string | undefined {
  let out = '';
  let i = 0;
  while (i < word.length) {
    if (word.startsWith("\\'", i)) {
      out += "'";
      i += 2;
    } else if (word[i] === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) return undefined;
      out += word.slice(i + 1, end);
      i = end + 1;
    } else return undefined;
  }
  return out;
}

function singleLine(value: string, field: string): void {
  if (/[\r\n\0]/.test(value)) throw new InvalidInput(field, 'must not contain line breaks or NUL');
}

/** The script text (not yet base64). */
export function bakeScript(spec: BakeSpec): string {
  singleLine(spec.bucket, 'bucket');
  singleLine(spec.key, 'key');
  if (spec.versionId !== undefined) singleLine(spec.versionId, 'versionId');
  if (spec.installCommand.includes('\0')) throw new InvalidInput('installCommand', 'must not contain NUL');
  const lines = [
    '#!/bin/bash',
    '# redblack bake: fetch the release artifact, install it, report on the console, power off.',
    // The simulator (and readBakeUserData) key on these two lines; keep them one assignment each.
    `REDBLACK_ARTIFACT=${shellQuote(`s3://${spec.bucket}/${spec.key}`)}`,
    ...(spec.versionId !== undefined ? [`REDBLACK_ARTIFACT_VERSION=${shellQuote(spec.versionId)}`] : []),
    `REDBLACK_INSTALL_COMMAND=${shellQuote(spec.installCommand)}`,
    'set -u',
    // Overridable only so the script can be exercised outside an instance (tests).
    'REDBLACK_CONSOLE=${REDBLACK_CONSOLE:-/dev/console}',
    'REDBLACK_DIR=${REDBLACK_DIR:-/var/tmp/redblack}',
    'redblack_report() {',
    '  # The console is what GetConsoleOutput returns; cloud-init output may not reach it.',
    '  echo "redblack-bake: $1" >>"$REDBLACK_CONSOLE" 2>/dev/null || true',
    '  echo "redblack-bake: $1"',
    '}',
    'REDBLACK_IMDS=${REDBLACK_IMDS:-http://169.254.169.254}',
    'redblack_tag() {',
    '  # The verdict the pipeline reads (DescribeInstances): a tag on this instance, set through its',
    '  # instance profile. Durable and prompt, unlike console output, which EC2 posts late.',
    '  local token id region value',
    `  token=$(curl -sf --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' "$REDBLACK_IMDS/latest/api/token") || return 0`,
    '  id=$(curl -sf --max-time 2 -H "X-aws-ec2-metadata-token: $token" "$REDBLACK_IMDS/latest/meta-data/instance-id") || return 0',
    '  region=$(curl -sf --max-time 2 -H "X-aws-ec2-metadata-token: $token" "$REDBLACK_IMDS/latest/meta-data/placement/region") || return 0',
    `  value=$(printf '%s' "$1" | tr -c 'A-Za-z0-9 _.:/=+@-' '_' | cut -c1-256)`,
    `  aws ec2 create-tags --region "$region" --resources "$id" --tags "Key=${BAKE_RESULT_TAG},Value=$value" >/dev/null 2>&1 || true`,
    '}',
    'redblack_finish() {',
    '  redblack_tag "$1"',
    '  redblack_report "$1"',
    '  sync',
    '  poweroff || shutdown -h now',
    '  exit 0',
    '}',
    'redblack_location=${REDBLACK_ARTIFACT#s3://}',
    'REDBLACK_BUCKET=${redblack_location%%/*}',
    'REDBLACK_KEY=${redblack_location#*/}',
    'REDBLACK_ARTIFACT_FILE="$REDBLACK_DIR/${REDBLACK_KEY##*/}"',
    'export REDBLACK_ARTIFACT REDBLACK_ARTIFACT_FILE',
    'redblack_report "installing $REDBLACK_ARTIFACT"',
    'mkdir -p "$REDBLACK_DIR" || redblack_finish "failed: cannot create $REDBLACK_DIR"',
    'if [ -n "${REDBLACK_ARTIFACT_VERSION:-}" ]; then',
    '  aws s3api get-object --bucket "$REDBLACK_BUCKET" --key "$REDBLACK_KEY" --version-id "$REDBLACK_ARTIFACT_VERSION" "$REDBLACK_ARTIFACT_FILE" >/dev/null \\',
    '    || redblack_finish "failed: download of $REDBLACK_ARTIFACT (version $REDBLACK_ARTIFACT_VERSION) failed"',
    'else',
    '  aws s3 cp --only-show-errors "$REDBLACK_ARTIFACT" "$REDBLACK_ARTIFACT_FILE" \\',
    '    || redblack_finish "failed: download of $REDBLACK_ARTIFACT failed"',
    'fi',
    'cd "$REDBLACK_DIR" || redblack_finish "failed: cannot enter $REDBLACK_DIR"',
    // The command is a shell string so it may carry arguments; the artifact path is appended
    // as its last argument (and exported as REDBLACK_ARTIFACT_FILE).
    `bash -c "$REDBLACK_INSTALL_COMMAND"' "$@"' redblack-install "$REDBLACK_ARTIFACT_FILE" \\`,
    '  || redblack_finish "failed: install command exited with status $?"',
    'redblack_finish ok',
    '',
  ];
  return lines.join('\n');
}

/** Base64 user data for the builder; throws InvalidInput when it would exceed 16 KB raw. */
export function bakeUserData(spec: BakeSpec): string {
  const script = bakeScript(spec);
  const bytes = Buffer.byteLength(script, 'utf8');
  if (bytes > USER_DATA_MAX_BYTES) throw new InvalidInput('installCommand', `bake script would be ${bytes} bytes; user data is limited to ${USER_DATA_MAX_BYTES}`);
  return Buffer.from(script, 'utf8').toString('base64');
}

/** The artifact a bake script fetches, read back from base64 user data (undefined if none). */
export function readBakeUserData(userData: string): { bucket: string; key: string; versionId?: string } | undefined {
  const vars = new Map<string, string>();
  for (const line of Buffer.from(userData, 'base64').toString('utf8').split('\n')) {
    // `s`: a key may hold U+2028 or U+2029, which `.` would not match.
    const m = /^(REDBLACK_ARTIFACT(?:_VERSION)?)=(.*)$/s.exec(line);
    const value = m ? shellUnquote(m[2] as string) : undefined;
    if (m && value !== undefined) vars.set(m[1] as string, value);
  }
  const uri = /^s3:\/\/([^/]+)\/(.+)$/s.exec(vars.get('REDBLACK_ARTIFACT') ?? '');
  if (!uri) return undefined;
  const out: { bucket: string; key: string; versionId?: string } = { bucket: uri[1] as string, key: uri[2] as string };
  const version = vars.get('REDBLACK_ARTIFACT_VERSION');
  if (version !== undefined) out.versionId = version;
  return out;
}

const MARKER = 'redblack-bake: ';

export type BakeOutcome = 'ok' | { failed: string } | 'pending';

/**
 * The bake's outcome from console output: the last `redblack-bake: ok` or
 * `redblack-bake: failed: <reason>` line (console lines may carry a timestamp/cloud-init prefix);
 * `pending` while neither has appeared (progress lines like `installing …` do not count).
 */
export function parseBakeConsole(output: string): BakeOutcome {
  let outcome: BakeOutcome = 'pending';
  for (const line of output.split(/\r?\n/)) {
    // Only the first marker of a line counts, so a key echoed in `installing s3://…` can never
    // spell a fake outcome.
    const at = line.indexOf(MARKER);
    if (at < 0) continue;
    const rest = line.slice(at + MARKER.length).trimEnd();
    if (rest === 'ok') outcome = 'ok';
    else if (rest.startsWith('failed:')) outcome = { failed: rest.slice('failed:'.length).trim() || 'no reason given' };
  }
  return outcome;
}

/** The verdict tag's value, as the builder set it (`ok` or `failed: <reason>`); `pending` when absent. */
export function parseBakeTag(value: string | undefined): BakeOutcome {
  if (value === undefined) return 'pending';
  if (value === 'ok') return 'ok';
  if (value.startsWith('failed:')) return { failed: value.slice('failed:'.length).trim() || 'no reason given' };
  return 'pending';
}
