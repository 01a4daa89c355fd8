/**
 * Validate: everything about a deploy request that can be refused without looking at the cluster's
 * groups — the input, the cluster's config, and the thing to deploy (the artifact exists, the image
 * is this account's). Read-only: a refusal here changes nothing, and Plan, which takes the lock,
 * only ever sees a checked input and a parsed config. Its own function so that Plan's bundle
 * carries neither the config schemas nor SSM and EC2 (issue #12's 300 KB per function).
 */
import { artifactExists } from '../aws/s3.js';
import type { ClusterConfig } from '../domain/config.js';
import { DomainError, InvalidClusterConfig, InvalidInput } from '../domain/errors.js';
import { type DeployInput, parseDeployInput } from '../domain/input.js';
import { loadClusterConfig } from './shared/cluster-config.js';
import { checkOwnImage } from './shared/own-image.js';
import { announceRefusal } from './shared/refusal.js';

export interface ValidateEvent {
  input: unknown;
  deployment: string;
}

/** What Plan starts from: the parsed input and the cluster's config as it stood when checked. */
export interface ValidatedDeploy {
  input: DeployInput;
  deployment: string;
  config: ClusterConfig;
}

export async function validate(event: ValidateEvent): Promise<ValidatedDeploy> {
  try {
    return await check(event);
  } catch (err) {
    // A refusal ends the deployment here (PlanFailed): say so. Transient errors are retried instead.
    if (err instanceof DomainError) await announceRefusal(event, err);
    throw err;
  }
}

async function check(event: ValidateEvent): Promise<ValidatedDeploy> {
  // After a window wait the state machine hands the checked input back (Replan): checked again.
  const input = parseDeployInput(event.input);
  if (typeof event.deployment !== 'string' || event.deployment === '') throw new InvalidInput('deployment', 'missing execution name');
  const config = await loadClusterConfig(input.cluster);
  if (input.artifact) {
    if (!config.bake) throw new InvalidClusterConfig(input.cluster, 'bake', 'is required to bake an artifact (or deploy a prebaked imageId)');
    const { bucket, key, versionId } = input.artifact;
    if (!(await artifactExists(bucket, key, versionId))) {
      throw new InvalidInput('artifact', `s3://${bucket}/${key}${versionId ? ` (version ${versionId})` : ''} does not exist`);
    }
  }
  // A foreign or unknown image is refused here, before the lock: a rejected input changes nothing.
  if (input.imageId) await checkOwnImage(input.imageId);
  return { input, deployment: event.deployment, config };
}
