/** Shared EC2 helpers: errors, id checks, tags, filters, pagination (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html). */
import type { Filter, Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { AwsFault } from '../../aws-fault.js';

export const fault = (code: string, message: string, status = 400): AwsFault => new AwsFault(code, message, status);
export const invalidParam = (message: string): AwsFault => fault('InvalidParameterValue', message);
export const missing = (name: string): AwsFault => fault('MissingParameter', `The request must contain the parameter ${name}`);

export function need<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null || (typeof value === 'string' && value === '')) throw missing(name);
  return value;
}

/** DryRun: AWS answers 412 DryRunOperation when the call would have succeeded. */
export function dryRun(input: { DryRun?: boolean }): void {
  if (input.DryRun) throw fault('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412);
}

const ID_PATTERN = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

/** Malformed id → `<Kind>.Malformed` with AWS's `Invalid id: "…"` message. */
export function checkId(id: unknown, prefix: string, kind: string): string {
  if (typeof id !== 'string' || !ID_PATTERN(prefix).test(id)) {
    const expecting = prefix === 'ami' ? ` (expecting "ami-...")` : '';
    throw fault(`${kind}.Malformed`, `Invalid id: "${String(id)}"${expecting}`);
  }
  return id;
}

// ---- tags -------------------------------------------------------------------------------------

export type Tags = Map<string, string>;

export function tagList(tags: Tags): Tag[] | undefined {
  if (tags.size === 0) return undefined;
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

/** Validates user-supplied tags (keys ≤ 127, not `aws:`, values ≤ 256). */
export function validateTags(tags: Tag[] | undefined, allowReserved = false): void {
  for (const t of tags ?? []) {
    const key = t.Key;
    if (key === undefined || key === '') throw invalidParam('Tag key must not be empty');
    if ([...key].length > 127) throw fault('InvalidParameterValue', `Tag key exceeds the maximum length of 127 characters`);
    if (!allowReserved && key.toLowerCase().startsWith('aws:')) {
      throw invalidParam(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
    if ([...(t.Value ?? '')].length > 256) throw invalidParam(`Tag value exceeds the maximum length of 256 characters`);
  }
}

/** Adds tags to a resource, enforcing the 50-tags-per-resource limit. */
export function applyTags(target: Tags, tags: Tag[] | undefined, resourceId: string): void {
  const next = new Map(target);
  for (const t of tags ?? []) next.set(t.Key as string, t.Value ?? '');
  const user = [...next.keys()].filter((k) => !k.startsWith('aws:')).length;
  if (user > 50) throw fault('TagLimitExceeded', `The maximum number of tags (50) for resource ${resourceId} has been exceeded`);
  target.clear();
  for (const [k, v] of next) target.set(k, v);
}

/** Tags from `TagSpecifications` for one resource type, after checking every type is allowed. */
export function tagsFor(specs: TagSpecification[] | undefined, allowed: string[], type: string): Tag[] {
  const out: Tag[] = [];
  for (const s of specs ?? []) {
    if (!s.ResourceType || !allowed.includes(s.ResourceType)) {
      throw invalidParam(`'${String(s.ResourceType)}' is not a valid taggable resource type for this operation.`);
    }
    validateTags(s.Tags);
    if (s.ResourceType === type) out.push(...(s.Tags ?? []));
  }
  if (new Set(out.map((t) => t.Key)).size > 50) throw fault('TagLimitExceeded', `The maximum number of tags (50) for a ${type} has been exceeded`);
  return out;
}

// ---- filters ----------------------------------------------------------------------------------

/** Values of one filter name for an item; `undefined` means the filter name is unknown. */
export type FilterValues<T> = (item: T, name: string) => (string | undefined)[] | undefined;

function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '\\' && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** Tag filters shared by every resource: `tag:<key>`, `tag-key`, `tag-value`. */
export function tagFilter(tags: Tags, name: string): string[] | undefined {
  if (name.startsWith('tag:')) {
    const v = tags.get(name.slice(4));
    return v === undefined ? [] : [v];
  }
  if (name === 'tag-key') return [...tags.keys()];
  if (name === 'tag-value') return [...tags.values()];
  return undefined;
}

/** Different filters are AND-ed, values of one filter OR-ed; values may use `*` and `?`. */
export function applyFilters<T>(items: T[], filters: Filter[] | undefined, values: FilterValues<T>): T[] {
  if (!filters || filters.length === 0) return items;
  const compiled = filters.map((f) => {
    if (!f.Name) throw missing('Filter.Name');
    return { name: f.Name, res: (f.Values ?? []).map(globRegex) };
  });
  return items.filter((item) =>
    compiled.every(({ name, res }) => {
      const vals = values(item, name);
      if (vals === undefined) throw invalidParam(`The filter '${name}' is invalid`);
      return vals.some((v) => v !== undefined && res.some((r) => r.test(v)));
    }),
  );
}

// ---- pagination -------------------------------------------------------------------------------

/**
 * Pages by a record's creation sequence number, so a token stays valid while items come and go.
 * Tokens are opaque base64 as on AWS.
 */
export function paginate<T extends { seq: number }>(
  items: T[],
  maxResults: number | undefined,
  nextToken: string | undefined,
  range: { min: number; max: number },
): { page: T[]; nextToken?: string } {
  if (maxResults !== undefined && (maxResults < range.min || maxResults > range.max)) {
    throw invalidParam(`Value ( ${maxResults} ) for parameter maxResults is invalid. Expecting a value between ${range.min} and ${range.max}.`);
  }
  let from = -1;
  if (nextToken !== undefined) {
    const m = /^seq:(\d+)$/.exec(Buffer.from(nextToken, 'base64').toString('utf8'));
    if (!m) throw invalidParam(`Unable to parse pagination token`);
    from = Number(m[1]);
  }
  const sorted = items.filter((i) => i.seq > from).sort((a, b) => a.seq - b.seq);
  if (maxResults === undefined || sorted.length <= maxResults) return { page: sorted };
  const page = sorted.slice(0, maxResults);
  const last = page[page.length - 1] as T;
  return { page, nextToken: Buffer.from(`seq:${last.seq}`).toString('base64') };
}

// ---- misc -------------------------------------------------------------------------------------

/** `YYYY-MM-DD HH:MM:SS GMT` as in StateTransitionReason. */
export function gmt(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}

/** Strict base64 check; returns the decoded bytes. */
export function decodeBase64(value: string, what: string): Buffer {
  const s = value.replace(/\s+/g, '');
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw invalidParam(`Invalid BASE64 encoding of ${what}`);
  return Buffer.from(s, 'base64');
}

/** Name rule shared by AMIs (3–128 chars, AWS's character set). */
export const AMI_NAME = /^[A-Za-z0-9()[\] ./\-'@_]{3,128}$/;
