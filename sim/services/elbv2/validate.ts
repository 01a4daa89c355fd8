/** Parameter checks ELBv2 makes before it changes anything (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/CommonErrors.html and each action's page), with AWS's wire codes. */
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';

export function required<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null) {
    throw validationError(`1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function nonEmpty<T>(list: T[] | undefined, name: string): T[] {
  const l = required(list, name);
  if (l.length === 0) throw validationError(`1 validation error detected: Value '[]' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  return l;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

export function intRange(value: number | undefined, name: string, min: number, max: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw validationError(`1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must have value between ${min} and ${max}, inclusive`);
  }
}

export function oneOf(value: string | undefined, name: string, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (!allowed.includes(value)) {
    throw validationError(`1 validation error detected: Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`);
  }
}

/** Target group / load balancer names: ≤ 32 alphanumerics or hyphens, no hyphen at either end. */
export function resourceName(name: string, what: 'Target group' | 'Load balancer'): void {
  if (name.length === 0) throw validationError(`${what} name cannot be empty`);
  if (name.length > 32) throw validationError(`${what} name '${name}' cannot be longer than '32' characters`);
  if (!/^[A-Za-z0-9-]+$/.test(name)) {
    throw validationError(`${what} name '${name}' can only contain characters that are alphanumeric characters or hyphens(-)`);
  }
  if (name.startsWith('-') || name.endsWith('-')) throw validationError(`${what} name '${name}' cannot begin or end with '-'`);
}

const TAG_PATTERN = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;

export const MAX_TAGS = 50;

/** Tag list checks shared by Create* and AddTags. */
export function tags(list: Tag[] | undefined): void {
  if (list === undefined) return;
  if (list.length === 0) throw validationError("1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1");
  const seen = new Set<string>();
  for (const t of list) {
    const key = required(t.Key, 'Key');
    if (key.length < 1 || key.length > 128 || !TAG_PATTERN.test(key)) {
      throw validationError(`1 validation error detected: Value '${key}' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128 and match pattern ${TAG_PATTERN.source}`);
    }
    if (key.toLowerCase().startsWith('aws:')) throw validationError(`Tag key '${key}' cannot start with 'aws:'`);
    const value = t.Value ?? '';
    if (value.length > 256 || !TAG_PATTERN.test(value)) {
      throw validationError(`1 validation error detected: Value '${value}' at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256 and match pattern ${TAG_PATTERN.source}`);
    }
    if (seen.has(key)) throw new AwsFault('DuplicateTagKeys', `Tag key '${key}' is duplicated`);
    seen.add(key);
  }
  if (list.length > MAX_TAGS) throw new AwsFault('TooManyTags', 'You have reached the limit on the number of tags for this resource');
}

export function tagMap(list: Tag[] | undefined): Map<string, string> {
  return new Map((list ?? []).map((t) => [t.Key as string, t.Value ?? '']));
}

export function tagList(map: Map<string, string>): Tag[] {
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

/** Marker paging shared by the Describe* calls (the marker is an opaque offset). */
export function page<T>(items: T[], marker: string | undefined, pageSize: number | undefined): { items: T[]; next?: string } {
  intRange(pageSize, 'PageSize', 1, 400);
  let start = 0;
  if (marker !== undefined) {
    const m = /^m(\d+)$/.exec(marker);
    if (!m) throw validationError(`The marker '${marker}' is not valid`);
    start = Number(m[1]);
  }
  const size = pageSize ?? 400;
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: `m${start + size}` } : { items: slice };
}
