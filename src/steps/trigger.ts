/**
 * Trigger: an upload under `releases/<cluster>/<release>/`, a `Deploy Requested` event, or a
 * batch of classic S3 records → one StartExecution per artifact, named after the artifact's
 * identity. Redelivered events map to the same name, so they start nothing new. Everything else
 * in the bucket is ignored with a log line. All events are validated before anything starts.
 */
import { startExecution } from '../aws/sfn.js';
import { parseTriggerEvents } from '../domain/events.js';
import { artifactIdentity } from '../domain/input.js';
import { executionName } from '../domain/names.js';
import { optionalSetting, setting } from '../env.js';
import { logger } from '../lambda/logger.js';

export interface TriggerReport {
  started: { name: string; executionArn: string }[];
  duplicates: string[];
  ignored: string[];
}

export async function trigger(event: unknown): Promise<TriggerReport> {
  const bucket = optionalSetting('artifactBucket');
  const results = parseTriggerEvents(event, bucket ? { bucket } : {});
  const report: TriggerReport = { started: [], duplicates: [], ignored: [] };
  const deploys = results.flatMap((r) => (r.kind === 'deploy' ? [r.input] : []));
  for (const r of results) {
    if (r.kind === 'ignored') {
      logger.info('event ignored', { reason: r.reason });
      report.ignored.push(r.reason);
    }
  }
  if (deploys.length === 0) return report;
  const stateMachineArn = setting('stateMachineArn');
  // Who asked, for the ledger: a Deploy Requested event may name itself; anything else here is an upload.
  const source = (event as { 'detail-type'?: unknown } | null)?.['detail-type'] === 'Deploy Requested' ? 'eventbridge' : 's3';
  for (const input of deploys) {
    const name = executionName({ cluster: input.cluster, release: input.release, identity: artifactIdentity(input) });
    const result = await startExecution(stateMachineArn, name, { ...input, requestedBy: input.requestedBy ?? source });
    if (result.started) {
      logger.info('deployment started', { cluster: input.cluster, deployment: name, release: input.release });
      report.started.push({ name, executionArn: result.executionArn });
    } else {
      logger.info('duplicate delivery: deployment already started', { cluster: input.cluster, deployment: name });
      report.duplicates.push(name);
    }
  }
  return report;
}
