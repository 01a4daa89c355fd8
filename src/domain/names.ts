/**
 * Names of everything a deployment creates. Each AWS service has its own length and charset
 * rules; a name that does not fit is shortened deterministically with a hash, so a retried step
 * computes the same name again (idempotency) and two objects never share one (uniqueness).
 */
import { InvalidInput, NamespaceExhausted } from './errors.js';
import { shortHash } from './hash.js';

/** Clusters stay short so `<cluster>-vNNN` and derived names fit most AWS limits unshortened. */
export const CLUSTER_MAX_LENGTH = 32;
/**
 * A release: version string from the artifact key or the input. It starts with a letter or a
 * digit, so a segment such as `-rf` or `+` can never pass for one (nor read as an option).
 */
export const RELEASE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;
/** Server group numbers wrap at 1000 (v000–v999). */
export const SEQUENCE_COUNT = 1000;

const CLUSTER_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SEQUENCE_PART = /^v\d{3}$/;

export interface ClusterName {
  app: string;
  stack?: string;
  /** Everything after the stack (may itself hold hyphens, as in Spinnaker's Frigga). */
  detail?: string;
}

/** Why `name` is not a valid cluster name, or undefined when it is. */
export function clusterProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return 'must be a string';
  if (name.length === 0) return 'must not be empty';
  if (name.length > CLUSTER_MAX_LENGTH) return `must be at most ${CLUSTER_MAX_LENGTH} characters long (is ${name.length})`;
  if (!CLUSTER_PATTERN.test(name)) return 'must be lowercase letters and digits in hyphen-separated parts, as app[-stack[-detail]]';
  // A part like `v001` would make the cluster name itself read as a server group name.
  if (name.split('-').some((p) => SEQUENCE_PART.test(p))) return 'must not contain a part of the form vNNN (reserved for server groups)';
  return undefined;
}

export function isValidCluster(name: unknown): name is string {
  return clusterProblem(name) === undefined;
}

/** Splits `app[-stack[-detail]]`; throws InvalidInput naming `field`. */
export function parseCluster(name: unknown, field = 'cluster'): ClusterName {
  const problem = clusterProblem(name);
  if (problem !== undefined) throw new InvalidInput(field, problem);
  const [app, stack, ...detail] = (name as string).split('-') as [string, ...string[]];
  const out: ClusterName = { app };
  if (stack !== undefined) out.stack = stack;
  if (detail.length > 0) out.detail = detail.join('-');
  return out;
}

export function isValidRelease(release: unknown): release is string {
  return typeof release === 'string' && RELEASE_PATTERN.test(release);
}

function assertSequence(n: number): void {
  if (!Number.isInteger(n) || n < 0 || n >= SEQUENCE_COUNT) throw new RangeError(`server group number must be an integer 0-999, got ${n}`);
}

/** `<cluster>-vNNN`. */
export function serverGroupName(cluster: string, n: number): string {
  parseCluster(cluster);
  assertSequence(n);
  return `${cluster}-v${String(n).padStart(3, '0')}`;
}

/**
 * `{cluster, sequence}` of a server group name, or undefined. The split is at the LAST `-vNNN`,
 * so `web-prod-v001` belongs to cluster `web-prod`, never to `web`.
 */
export function parseServerGroup(name: string): { cluster: string; sequence: number } | undefined {
  const m = /^(.+)-v(\d{3})$/.exec(name);
  if (!m || !isValidCluster(m[1])) return undefined;
  return { cluster: m[1] as string, sequence: Number(m[2]) };
}

/** A group belongs to cluster C iff its name is exactly `${C}-vNNN`. */
export function belongsToCluster(serverGroup: string, cluster: string): boolean {
  return parseServerGroup(serverGroup)?.cluster === cluster;
}

/**
 * The fresh baseline group of the canary `serverGroup` (canary `baseline: fresh`):
 * `<cluster>-vNNN-baseline`. It ends in `-baseline`, never `-vNNN`, so `parseServerGroup` and
 * `belongsToCluster` never take it for a server group of the cluster (nor of any cluster: a
 * cluster name cannot end in a `vNNN` part). Its target group is `targetGroupName(baseline)`.
 */
export function baselineGroupName(serverGroup: string): string {
  if (!parseServerGroup(serverGroup)) throw new InvalidInput('serverGroup', `must be a server group name <cluster>-vNNN (got ${serverGroup})`);
  return `${serverGroup}-baseline`;
}

/**
 * The target group of a fresh baseline group: `<server group>-baseline` when that fits ELBv2's 32
 * characters, else `<cluster prefix>-<hash of cluster>-vNNN-baseline`. Either way it ends in
 * `-vNNN-baseline` (what the IAM policies scope baselines to) and never in `-vNNN`, so it is never
 * a server group's target group.
 */
export function baselineTargetGroupName(serverGroup: string): string {
  const parsed = parseServerGroup(serverGroup);
  if (!parsed) throw new InvalidInput('serverGroup', `must be a server group name <cluster>-vNNN (got ${serverGroup})`);
  const plain = baselineGroupName(serverGroup);
  if (isTargetGroupName(plain)) return plain;
  const suffix = `-${shortHash(parsed.cluster, 8)}-v${String(parsed.sequence).padStart(3, '0')}-baseline`;
  return parsed.cluster.slice(0, TARGET_GROUP_MAX - suffix.length).replace(/-+$/, '') + suffix;
}

/**
 * The next free server group number. Numbers live on a circle of 1000 (999 wraps to 000), so
 * "after the highest" means after the number that ends the in-use run: the one followed by the
 * largest gap of free numbers (ties go to the numerically highest, which is the plain reading
 * when nothing has wrapped). E.g. [1, 2] → 3; [998, 999, 0] → 1.
 * When the caller knows which group is newest (by creation time) it passes `newest`, and the
 * result is the first free number after it.
 */
export function nextSequence(inUse: readonly number[], newest?: number): number {
  inUse.forEach(assertSequence);
  const used = [...new Set(inUse)].sort((a, b) => a - b);
  if (used.length >= SEQUENCE_COUNT) throw new NamespaceExhausted();
  if (newest !== undefined) {
    assertSequence(newest);
    const taken = new Set(used);
    let n = (newest + 1) % SEQUENCE_COUNT;
    while (taken.has(n)) n = (n + 1) % SEQUENCE_COUNT;
    return n;
  }
  if (used.length === 0) return 0;
  let best = 0;
  let bestGap = -1;
  used.forEach((n, i) => {
    const following = used[(i + 1) % used.length] as number;
    // Free numbers strictly between n and the next used one, going round (one used → 999).
    const gap = (following - n - 1 + SEQUENCE_COUNT) % SEQUENCE_COUNT;
    if (gap >= bestGap) {
      bestGap = gap;
      best = n;
    }
  });
  return (best + 1) % SEQUENCE_COUNT;
}

/**
 * Fits `name` to a service's rules: unchanged when already valid, else the allowed characters of
 * it, cut to leave room for `-<hash of the original>`. The hash keeps shortened names distinct.
 */
function fit(name: string, max: number, valid: (s: string) => boolean, disallowed: RegExp, hashLength: number): string {
  if (valid(name)) return name;
  const suffix = `-${shortHash(name, hashLength)}`;
  const prefix = name.replace(disallowed, '-').replace(/-+/g, '-').slice(0, max - suffix.length).replace(/^-+|-+$/g, '');
  return prefix === '' ? suffix.slice(1) : prefix + suffix;
}

const TARGET_GROUP_MAX = 32;
const isTargetGroupName = (s: string): boolean =>
  s.length <= TARGET_GROUP_MAX && /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(s) && !s.includes('--');

/**
 * Target group name (ELBv2: ≤ 32 alphanumerics/hyphens, no leading/trailing hyphen).
 * The server group name when it fits; else `<cluster prefix>-<hash of cluster>-vNNN`, which keeps
 * the number readable and groups of one cluster visibly together; unique per server group.
 */
export function targetGroupName(serverGroup: string): string {
  if (isTargetGroupName(serverGroup)) return serverGroup;
  const parsed = parseServerGroup(serverGroup);
  if (!parsed) return fit(serverGroup, TARGET_GROUP_MAX, isTargetGroupName, /[^A-Za-z0-9]/g, 12);
  const suffix = `-${shortHash(parsed.cluster, 8)}-v${String(parsed.sequence).padStart(3, '0')}`;
  const prefix = parsed.cluster.slice(0, TARGET_GROUP_MAX - suffix.length).replace(/-+$/, '');
  return prefix + suffix;
}

const AMI_MAX = 128;
const AMI_DISALLOWED = /[^A-Za-z0-9()[\] ./\-'@_]/g;

/**
 * AMI name `redblack/<cluster>/<release>/<deployment>` (EC2: 3–128 of alphanumerics and
 * `()[] ./-'@_`). Disallowed characters (a release's `+`) become `_`; the deployment id in the
 * name is already unique, so that replacement cannot make two images collide. Too long → cut
 * and end with a hash of the full name.
 */
export function imageName(cluster: string, release: string, deployment: string): string {
  parseCluster(cluster);
  if (!isValidRelease(release)) throw new InvalidInput('release', `must match ${RELEASE_PATTERN.source}`);
  if (deployment.length === 0) throw new InvalidInput('deployment', 'must not be empty');
  const full = `redblack/${cluster}/${release}/${deployment}`;
  const clean = full.replace(AMI_DISALLOWED, '_');
  if (clean.length <= AMI_MAX) return clean;
  const suffix = `-${shortHash(full, 12)}`;
  return clean.slice(0, AMI_MAX - suffix.length) + suffix;
}

const SCHEDULE_MAX = 64;
const isScheduleName = (s: string): boolean => s.length >= 1 && s.length <= SCHEDULE_MAX && /^[0-9a-zA-Z\-_.]+$/.test(s);

/** EventBridge Scheduler name of a group's one-shot teardown (≤ 64 of `[0-9a-zA-Z-_.]`). */
export function scheduleName(serverGroup: string): string {
  return fit(`redblack-teardown-${serverGroup}`, SCHEDULE_MAX, isScheduleName, /[^0-9a-zA-Z\-_.]/g, 12);
}

const EXECUTION_MAX = 80;
const EXECUTION_HASH = 16;

/**
 * Step Functions execution name = the deployment id: `<cluster>-<release>-<hash>` using only
 * `[A-Za-z0-9-_]` (the CloudWatch-Logs-safe subset), ≤ 80. The hash covers cluster, release and
 * the full artifact identity, so a redelivered event maps to the same name (Step Functions then
 * starts nothing new) and two artifacts never share one; the readable part may be truncated.
 */
export function executionName(args: { cluster: string; release: string; identity: string }): string {
  const { cluster, release, identity } = args;
  parseCluster(cluster);
  if (!isValidRelease(release)) throw new InvalidInput('release', `must match ${RELEASE_PATTERN.source}`);
  if (identity.length === 0) throw new InvalidInput('identity', 'must not be empty');
  const hash = shortHash(`${cluster}\n${release}\n${identity}`, EXECUTION_HASH);
  const room = EXECUTION_MAX - cluster.length - hash.length - 2;
  const readable = release.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, room);
  return `${cluster}-${readable}-${hash}`;
}
