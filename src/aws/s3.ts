/** S3: checking that an artifact exists before anything is created for it. */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { client } from './clients.js';
import { tolerate } from './not-found.js';

export async function artifactExists(bucket: string, key: string, versionId?: string): Promise<boolean> {
  const head = client(S3Client).send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
  return tolerate(['NotFound', 'NoSuchKey', 'NoSuchVersion', 'NoSuchBucket', 'Forbidden'], head.then(() => true), false);
}
