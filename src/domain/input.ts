/**
 * The deploy input (StartExecution input, EventBridge `Deploy Requested` detail, or what the
 * trigger builds from an S3 event) and the manual rollback request. Strict: a misspelt key such
 * as `imageID` is an error rather than a deploy that silently bakes instead.
 */
// zod/mini: the same checks as zod's classic API, a fraction of its bundle and init.
import * as z from 'zod/mini';
import { InvalidInput } from './errors.js';
import { IMAGE_ID_PATTERN } from './ids.js';
import { describeIssues, preview, summarize } from './issues.js';
import { clusterProblem, RELEASE_PATTERN } from './names.js';

export interface S3Artifact {
  bucket: string;
  key: string;
  versionId?: string;
  /** Without surrounding quotes. */
  etag?: string;
}

export interface DeployInput {
  cluster: string;
  release: string;
  artifact?: S3Artifact;
  imageId?: string;
  /** Who or what asked (`s3`, `eventbridge`, `cli:<user>`): recorded in the ledger; absent = the console. */
  requestedBy?: string;
  /** Deploy even when this artifact is already live or already being deployed (a console redeploy on purpose). */
  force?: boolean;
}

export interface ManualRollback {
  action: 'rollback';
  cluster: string;
  /** The server group to roll back to (any older, still existing group of the cluster); default the previous one. */
  to?: string;
  reason?: string;
  requestedBy?: string;
}

/** Why `name` is not a valid S3 bucket name (general purpose buckets), or undefined. */
export function bucketProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3-63 characters long (is ${name.length})`;
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) return 'must be lowercase letters, digits, dots and hyphens, beginning and ending with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  if (/^(xn--|sthree-)/.test(name)) return 'must not start with a reserved prefix (xn--, sthree-)';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return 'must not end with a reserved suffix';
  return undefined;
}

const LONE_SURROGATE = /\p{Cs}/u;
const hasControl = (s: string): boolean => [...s].some((ch) => (ch.codePointAt(0) as number) < 0x20 || ch === '\u007f');

/** Why `key` is not acceptable as an artifact key, or undefined. */
export function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'must not be empty';
  if (LONE_SURROGATE.test(key)) return 'must be valid Unicode';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > 1024) return `must be at most 1024 bytes of UTF-8 (is ${bytes})`;
  // Control characters would break the one-line shell assignments of the bake script.
  if (hasControl(key)) return 'must not contain control characters';
  if (key.endsWith('/')) return 'names a folder, not a file';
  if (key.split('/').some((seg) => seg === '.' || seg === '..')) return 'must not contain . or .. path segments';
  return undefined;
}

const custom = (problem: (s: string) => string | undefined) =>
  z.string().check(
    z.superRefine((s, ctx) => {
      const p = problem(s);
      if (p !== undefined) ctx.addIssue({ code: 'custom', message: `${p}; got ${preview(s)}` });
    }),
  );

const artifactSchema = z.strictObject({
  bucket: custom(bucketProblem),
  key: custom(keyProblem),
  versionId: z.optional(z.string().check(z.minLength(1, { error: 'must not be empty' }), z.maxLength(1024, { error: 'must be at most 1024 characters' }))),
  // Console copies of an ETag carry quotes; classic and EventBridge events do not. Strip them so every
  // source yields the same identity.
  etag: z.optional(
    z.pipe(
      z.pipe(
        z.string(),
        z.transform((e: string) => e.replace(/^"(.*)"$/, '$1')),
      ),
      z.string().check(z.regex(/^[A-Za-z0-9-]{1,128}$/, { error: 'must be an S3 ETag (hex digits, optionally -<parts>)' })),
    ),
  ),
});

const clusterField = custom((c) => clusterProblem(c));
const requestedByField = z.optional(z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, { error: 'must be 1-128 printable ASCII characters without spaces' })));
const releaseField = z.string().check(z.regex(RELEASE_PATTERN, { error: 'must be 1-64 of letters, digits and . _ + -, starting with a letter or a digit' }));

const deployInputSchema = z
  .strictObject({
    cluster: clusterField,
    release: releaseField,
    artifact: z.optional(artifactSchema),
    imageId: z.optional(z.string().check(z.regex(IMAGE_ID_PATTERN, { error: 'must be an AMI id (ami- and 8 or 17 hex digits)' }))),
    requestedBy: requestedByField,
    force: z.optional(z.boolean({ error: 'must be true or false' })),
  })
  .check(
    z.superRefine((input, ctx) => {
      if (input.artifact === undefined && input.imageId === undefined)
        ctx.addIssue({ code: 'custom', path: ['artifact'], message: 'one of artifact or imageId is required' });
      if (input.artifact !== undefined && input.imageId !== undefined)
        ctx.addIssue({ code: 'custom', path: ['imageId'], message: 'give artifact or imageId, not both' });
    }),
  );

const rollbackSchema = z.strictObject({
  action: z.literal('rollback', { error: 'must be "rollback"' }),
  cluster: clusterField,
  to: z.optional(z.string().check(z.regex(/^[a-z0-9-]+-v\d{3}$/, { error: 'must be a server group name, <cluster>-vNNN' }))),
  reason: z.optional(z.string().check(z.maxLength(1024, { error: 'must be at most 1024 characters' }))),
  requestedBy: requestedByField,
}).check(
  z.superRefine((r, ctx) => {
    if (r.to !== undefined && !r.to.startsWith(`${r.cluster}-v`)) ctx.addIssue({ code: 'custom', path: ['to'], message: `must be a server group of cluster ${r.cluster} (${r.cluster}-vNNN)` });
  }),
);

function parseWith<T>(schema: z.ZodMiniType<T>, x: unknown, at: string): T {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new InvalidInput(at, 'must be a JSON object');
  const result = schema.safeParse(x, { reportInput: true });
  if (result.success) return result.data;
  const { field, problem } = summarize(describeIssues(result.error.issues, at));
  throw new InvalidInput(field, problem);
}

/** Checks a deploy input; `at` prefixes field paths when the input sits inside an event (`detail`). */
export function parseDeployInput(x: unknown, at = ''): DeployInput {
  return parseWith(deployInputSchema, x, at) as DeployInput;
}

/** Checks `{action: 'rollback', cluster, reason?}`. */
export function parseManualRollback(x: unknown, at = ''): ManualRollback {
  return parseWith(rollbackSchema, x, at) as ManualRollback;
}

// Zod-free, so that Plan can name an artifact without this module's schemas in its bundle.
export { artifactIdentity } from './artifact-identity.js';
