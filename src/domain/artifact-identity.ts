/** An artifact's identity, apart from the input schemas (src/domain/input.ts): Plan names artifacts without parsing input. */
import { InvalidInput } from './errors.js';
import type { DeployInput } from './input.js';

/**
 * What makes an artifact unique, for the execution name (dedup): the image id, or
 * `s3://<bucket>/<key>#<versionId>`, else `s3://<bucket>/<key>#etag:<etag>`, else the bare URI
 * (an unversioned manual input: the same key then always dedups to one deployment).
 */
export function artifactIdentity(input: DeployInput): string {
  if (input.imageId !== undefined) return input.imageId;
  const a = input.artifact;
  if (!a) throw new InvalidInput('artifact', 'one of artifact or imageId is required');
  const uri = `s3://${a.bucket}/${a.key}`;
  if (a.versionId !== undefined) return `${uri}#${a.versionId}`;
  if (a.etag !== undefined) return `${uri}#etag:${a.etag}`;
  return uri;
}
