/** S3: checking that an artifact exists before anything is created for it. */
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { client } from './clients.js';

export async function artifactExists(bucket: string, key: string, versionId?: string): Promise<boolean> {
  try {
    await client(S3Client).send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }));
    return true;
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NoSuchBucket' || name === 'Forbidden') return false;
    throw err;
  }
}
