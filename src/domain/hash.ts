/** Short deterministic digests for names that must be shortened yet stay unique. */
import { createHash } from 'node:crypto';

/** The first `length` lowercase hex digits of the SHA-256 of `text` (UTF-8). Pure. */
export function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length);
}
