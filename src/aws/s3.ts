/** S3: checking that an artifact exists before anything is created for it. */
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { client } from './clients.js';
import { tolerate } from './not-found.js';
import { headObject } from './s3-head.js';

export async function artifactExists(bucket: string, key: string, versionId?: string): Promise<boolean> {
  // Without the S3 client (s3-head.ts): the artifact check is all Validate asks of S3.
  const head = headObject({ Bucket: bucket, Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}) });
  return tolerate(['NotFound', 'NoSuchKey', 'NoSuchVersion', 'NoSuchBucket', 'Forbidden'], head.then(() => true), false);
}

/** Uploads a release artifact; the version id (the bucket is versioned) names this exact upload. */
export async function uploadArtifact(bucket: string, key: string, body: Uint8Array): Promise<{ versionId?: string; etag?: string }> {
  const out = await client(S3Client).send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { ...(out.VersionId ? { versionId: out.VersionId } : {}), ...(out.ETag ? { etag: out.ETag.replace(/"/g, '') } : {}) };
}
