/** A deploy refused before anything changed: one "Deployment Failed" with phase `plan`, from Validate or Plan alike. */
import type { DomainError } from '../../domain/errors.js';
import { count, METRIC } from '../../lambda/metrics.js';
import { announce } from './observe.js';

export async function announceRefusal(event: { input?: unknown; deployment?: unknown }, err: DomainError): Promise<void> {
  const input = event.input as { cluster?: unknown } | null;
  const cluster = input && typeof input === 'object' && typeof input.cluster === 'string' ? input.cluster : '';
  if (cluster) count(cluster, METRIC.failed);
  await announce('Deployment Failed', { cluster, deployment: String(event.deployment ?? ''), error: err.name, message: err.message, phase: 'plan' });
}
