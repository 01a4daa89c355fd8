/**
 * ValidateRollback: the manual rollback request and the cluster's config, checked before
 * ManualRollback changes anything — as Validate does for a deploy. Read-only; a refusal ends in
 * RollbackRefused. Its own step so that ManualRollback, which loops on its health gate, carries
 * neither the schemas nor SSM (each function ≤ 300 KB, issue #12), and every look of that loop
 * works from the same config.
 */
import type { ClusterConfig } from '../domain/config.js';
import { InvalidInput } from '../domain/errors.js';
import { type ManualRollback, parseManualRollback } from '../domain/input.js';
import { loadClusterConfig } from './shared/cluster-config.js';

export interface ValidateRollbackEvent {
  request: unknown;
  deployment: string;
}

/** What ManualRollback starts from. */
export interface ValidatedRollback {
  request: ManualRollback;
  config: ClusterConfig;
}

export async function validateRollback(event: ValidateRollbackEvent): Promise<ValidatedRollback> {
  const request = parseManualRollback(event.request);
  if (typeof event.deployment !== 'string' || event.deployment === '') throw new InvalidInput('deployment', 'missing execution name');
  return { request, config: await loadClusterConfig(request.cluster) };
}
