/**
 * The embedded cloud, wired to the shipped client factory: every SDK client that `src/aws` builds
 * answers from the simulator. The one place `local → sim` meets `local → src/aws/clients.ts`.
 */
import { configureClients } from '../src/aws/clients.js';
import { EmbeddedCloud, type CloudOptions } from '../sim/cloud.js';

export async function createCloud(options: CloudOptions = {}): Promise<EmbeddedCloud> {
  return (await EmbeddedCloud.create(options)).wire(configureClients);
}
