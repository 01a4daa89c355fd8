/** ListObjectsV2: UTF-8 key order, Prefix, Delimiter (common prefixes), StartAfter, MaxKeys pages. */
import type { _Object, CommonPrefix, ListObjectsV2CommandInput, ListObjectsV2CommandOutput } from '@aws-sdk/client-s3';
import { AwsFault } from '../../aws-fault.js';
import { type Bucket, compareKeys, decodeToken, encodeToken } from './store.js';

export function listObjects(bucket: Bucket, input: ListObjectsV2CommandInput): Omit<ListObjectsV2CommandOutput, '$metadata'> {
  const prefix = input.Prefix ?? '';
  const delimiter = input.Delimiter || undefined;
  if (input.MaxKeys !== undefined && input.MaxKeys < 0) throw new AwsFault('InvalidArgument', 'max-keys cannot be negative');
  const maxKeys = Math.min(input.MaxKeys ?? 1000, 1000);
  // Resume strictly after the token's position (or StartAfter on the first page).
  const marker = input.ContinuationToken !== undefined ? decodeToken(input.ContinuationToken) : (input.StartAfter ?? '');
  // A token that ended on a common prefix skips every key under it.
  const skipPrefix = marker.endsWith(ROLLUP) ? marker.slice(0, -1) : undefined;
  const after = skipPrefix ?? marker;

  const keys = [...bucket.objects.entries()]
    .filter(([key, versions]) => key.startsWith(prefix) && !versions[versions.length - 1]?.deleteMarker)
    .map(([key]) => key)
    .sort(compareKeys);

  const contents: _Object[] = [];
  const common: CommonPrefix[] = [];
  let last: string | undefined;
  let truncated = false;
  for (const key of keys) {
    if (after && compareKeys(key, after) <= 0) continue;
    if (skipPrefix !== undefined && key.startsWith(skipPrefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const commonPrefix = cut >= 0 ? key.slice(0, cut + (delimiter as string).length) : undefined;
    // Keys rolled into the common prefix just returned are not listed again.
    if (commonPrefix !== undefined && commonPrefix === last) continue;
    if (contents.length + common.length >= maxKeys) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      common.push({ Prefix: commonPrefix });
      last = commonPrefix;
    } else {
      const v = bucket.objects.get(key)?.at(-1);
      contents.push({ Key: key, LastModified: v?.lastModified, ETag: v?.etag, Size: v?.body.length, StorageClass: 'STANDARD' });
      last = key;
    }
  }

  const out: Omit<ListObjectsV2CommandOutput, '$metadata'> = {
    IsTruncated: truncated,
    Name: bucket.name,
    Prefix: prefix,
    MaxKeys: maxKeys,
    KeyCount: contents.length + common.length,
  };
  if (contents.length > 0) out.Contents = contents;
  if (common.length > 0) out.CommonPrefixes = common;
  if (delimiter) out.Delimiter = delimiter;
  if (input.StartAfter !== undefined) out.StartAfter = input.StartAfter;
  if (input.ContinuationToken !== undefined) out.ContinuationToken = input.ContinuationToken;
  if (truncated && last !== undefined) out.NextContinuationToken = encodeToken(rollupMarker(last, common));
  return out;
}

/** A token that ends on a common prefix carries a trailing U+FFFF so the next page skips that prefix. */
const ROLLUP = '\uffff';

function rollupMarker(last: string, common: CommonPrefix[]): string {
  return common.at(-1)?.Prefix === last ? last + ROLLUP : last;
}
