/** Exit codes and the CLI's own refusals. Every code is documented in docs/deploy.md ("The redblack command"). */
import { isDomainError } from '../domain/errors.js';

export const EXIT = {
  ok: 0,
  /** A bug: anything not foreseen below. */
  internal: 1,
  /** Bad flags, arguments or input: one line on stderr naming the problem. */
  usage: 2,
  /** The deployment ended rolled back (or aborted and restored). */
  rolledBack: 3,
  /** The deployment failed, timed out, or was stopped without a recorded recovery. */
  failed: 4,
  /** AWS refused or could not be reached: credentials, permissions, region, endpoint, missing stack. */
  aws: 5,
  /** The cluster's state forbids it: a deployment holds the lock, nothing to roll back or abort, blockers. */
  refused: 6,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    readonly code = exitCode === EXIT.usage ? 'UsageError' : exitCode === EXIT.refused ? 'Refused' : 'Error',
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message, 'UsageError');
export const refused = (message: string, code = 'Refused') => new CliError(EXIT.refused, message, code);

const REFUSALS = new Set(['ApprovalNotPending', 'DeploymentInProgress', 'RollbackUnavailable', 'ClusterNotFound', 'InvalidClusterConfig', 'ListenerDrifted', 'TrafficGuardViolation', 'ImageNotFound']);

/** What an error means to the operator: its exit code and a stable code for `--json`. */
export function classify(err: unknown): { exitCode: ExitCode; code: string; message: string } {
  const e = err as Error & { $metadata?: unknown; $fault?: string };
  const message = (e?.message ?? String(err)).replace(/\s+/g, ' ').trim();
  if (err instanceof CliError) return { exitCode: err.exitCode, code: err.code, message };
  if (isDomainError(err)) return { exitCode: e.name === 'InvalidInput' ? EXIT.usage : REFUSALS.has(e.name) ? EXIT.refused : EXIT.failed, code: e.name, message };
  // SDK service errors carry $metadata; credential and network failures have well-known names.
  if (/Region is missing/.test(message)) return { exitCode: EXIT.aws, code: 'NoRegion', message: 'no AWS region: pass --region or set AWS_REGION' };
  if (/Could not load credentials/.test(message)) return { exitCode: EXIT.aws, code: 'NoCredentials', message: 'no AWS credentials: pass --profile, set AWS_PROFILE or AWS_ACCESS_KEY_ID, or log in (aws sso login)' };
  if (e?.$metadata !== undefined || e?.$fault !== undefined || /Credentials|CredentialsProviderError|Region is missing|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|TimeoutError|EndpointError/.test(`${e?.name} ${message}`)) {
    return { exitCode: EXIT.aws, code: e.name || 'AwsError', message };
  }
  return { exitCode: EXIT.internal, code: e?.name || 'Error', message };
}
