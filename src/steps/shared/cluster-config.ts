/** The cluster's config, read from SSM and validated: Plan, ManualRollback and Teardown read it alike. */
import { getParameter } from '../../aws/ssm.js';
import { type ClusterConfig, parseClusterConfig } from '../../domain/config.js';
import { ClusterNotFound } from '../../domain/errors.js';
import { setting } from '../../env.js';

export async function loadClusterConfig(cluster: string): Promise<ClusterConfig> {
  const raw = await getParameter(`${setting('configPath')}/${cluster}`);
  if (raw === undefined) throw new ClusterNotFound(cluster);
  // The raw text: parsed once, so a JSON string (a double-encoded document) is no object, not a config.
  return parseClusterConfig(raw, cluster);
}
