/** One simulated table: key schema, item storage by partition, key validation, description. */
import type { AttributeDefinition, KeySchemaElement, TableDescription } from '@aws-sdk/client-dynamodb';
import type { Cancel } from '../../clock.js';
import { compareValues, itemSize, keyText, typeOf, validation, type Av, type Item } from './values.js';

export interface KeyAttr {
  name: string;
  type: 'S' | 'N' | 'B';
}

export interface TtlState {
  enabled: boolean;
  attribute?: string;
  changedAt?: number;
}

const invalid = (message: string) => validation(`One or more parameter values were invalid: ${message}`);
const badKey = () => validation('The provided key element does not match the schema');

/** FNV-1a: scans walk partitions in hash order, as DynamoDB does, yet stable across pages. */
export function partitionHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export class Table {
  readonly hash: KeyAttr;
  readonly range?: KeyAttr;
  readonly ttl: TtlState = { enabled: false };
  /** Pending TTL deletions by item key text. */
  readonly ttlTimers = new Map<string, Cancel>();
  private readonly partitions = new Map<string, Map<string, Item>>();
  private itemCount = 0;
  private bytes = 0;

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly id: string,
    readonly createdAt: number,
    readonly keySchema: KeySchemaElement[],
    readonly attributeDefinitions: AttributeDefinition[],
    readonly billing: { mode: 'PAY_PER_REQUEST' | 'PROVISIONED'; read?: number; write?: number },
    readonly deletionProtection: boolean,
  ) {
    const typeOfAttr = (n: string) => attributeDefinitions.find((d) => d.AttributeName === n)?.AttributeType as KeyAttr['type'];
    const h = keySchema.find((k) => k.KeyType === 'HASH') as KeySchemaElement;
    this.hash = { name: h.AttributeName as string, type: typeOfAttr(h.AttributeName as string) };
    const r = keySchema.find((k) => k.KeyType === 'RANGE');
    if (r) this.range = { name: r.AttributeName as string, type: typeOfAttr(r.AttributeName as string) };
  }

  keyAttrs(): KeyAttr[] {
    return this.range ? [this.hash, this.range] : [this.hash];
  }

  isKeyAttr(name: string): boolean {
    return name === this.hash.name || name === this.range?.name;
  }

  /** A `Key` parameter: exactly the key attributes, of the declared types. */
  checkKey(key: unknown): Item {
    if (!key || typeof key !== 'object') throw badKey();
    const k = key as Item;
    const names = Object.keys(k).filter((n) => k[n] !== undefined);
    if (names.length !== this.keyAttrs().length) throw badKey();
    const out: Item = {};
    for (const a of this.keyAttrs()) {
      const v = k[a.name];
      if (!v || typeOf(v) !== a.type) throw badKey();
      this.checkKeyValue(a, v);
      out[a.name] = v;
    }
    return out;
  }

  /** The key attributes of a whole item (PutItem). */
  checkItemKey(item: Item): void {
    for (const a of this.keyAttrs()) {
      const v = item[a.name];
      if (!v) throw invalid(`Missing the key ${a.name} in the item`);
      const t = typeOf(v);
      if (t !== a.type) throw invalid(`Type mismatch for key ${a.name} expected: ${a.type} actual: ${t}`);
      this.checkKeyValue(a, v);
    }
  }

  private checkKeyValue(a: KeyAttr, v: Av): void {
    const len = v.S !== undefined ? Buffer.byteLength(v.S) : v.B !== undefined ? v.B.length : 1;
    if (len === 0) {
      throw validation(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${v.S !== undefined ? 'string' : 'binary'} value. Key: ${a.name}`);
    }
    if (a === this.hash && len > 2048) throw invalid('Size of hashkey has exceeded the maximum size limit of2048 bytes');
    if (a === this.range && len > 1024) throw invalid('Aggregated size of all range keys has exceeded the size limit of 1024 bytes');
  }

  keyOf(item: Item): Item {
    const out: Item = { [this.hash.name]: item[this.hash.name] as Av };
    if (this.range) out[this.range.name] = item[this.range.name] as Av;
    return out;
  }

  /** Key text of an item or key: identifies it exactly. */
  textOf(item: Item): string {
    const h = keyText(item[this.hash.name] as Av);
    return this.range ? `${h}\u0000${keyText(item[this.range.name] as Av)}` : h;
  }

  get(key: Item): Item | undefined {
    return this.partitions.get(keyText(key[this.hash.name] as Av))?.get(this.rangeText(key));
  }

  put(item: Item): void {
    const h = keyText(item[this.hash.name] as Av);
    let p = this.partitions.get(h);
    if (!p) this.partitions.set(h, (p = new Map()));
    const r = this.rangeText(item);
    const old = p.get(r);
    if (old) this.bytes -= itemSize(old);
    else this.itemCount++;
    p.set(r, item);
    this.bytes += itemSize(item);
  }

  delete(key: Item): Item | undefined {
    const h = keyText(key[this.hash.name] as Av);
    const p = this.partitions.get(h);
    const r = this.rangeText(key);
    const old = p?.get(r);
    if (!p || !old) return undefined;
    p.delete(r);
    if (p.size === 0) this.partitions.delete(h);
    this.itemCount--;
    this.bytes -= itemSize(old);
    return old;
  }

  private rangeText(item: Item): string {
    return this.range ? keyText(item[this.range.name] as Av) : '';
  }

  /** Items of one partition, ascending by sort key. */
  partition(hashValue: Av): Item[] {
    const items = [...(this.partitions.get(keyText(hashValue))?.values() ?? [])];
    if (this.range) items.sort((a, b) => this.compareRange(a, b));
    return items;
  }

  compareRange(a: Item, b: Item): number {
    const name = (this.range as KeyAttr).name;
    return compareValues(a[name] as Av, b[name] as Av) ?? 0;
  }

  /** Scan order: partitions by hash, then sort key. */
  scanOrder(): Item[] {
    const keys = [...this.partitions.keys()].sort((a, b) => partitionHash(a) - partitionHash(b) || (a < b ? -1 : a > b ? 1 : 0));
    const out: Item[] = [];
    for (const k of keys) {
      const items = [...(this.partitions.get(k) as Map<string, Item>).values()];
      if (this.range) items.sort((a, b) => this.compareRange(a, b));
      out.push(...items);
    }
    return out;
  }

  /** Order of two items (or keys) in scan order. */
  compareScan(a: Item, b: Item): number {
    const ha = keyText(a[this.hash.name] as Av);
    const hb = keyText(b[this.hash.name] as Av);
    if (ha !== hb) return partitionHash(ha) - partitionHash(hb) || (ha < hb ? -1 : 1);
    return this.range ? this.compareRange(a, b) : 0;
  }

  /** Partition hash of an item, for parallel-scan segments. */
  segmentHash(item: Item): number {
    return partitionHash(keyText(item[this.hash.name] as Av));
  }

  *allItems(): Generator<[string, Item]> {
    for (const p of this.partitions.values()) for (const item of p.values()) yield [this.textOf(item), item];
  }

  describe(status: 'ACTIVE' | 'DELETING' = 'ACTIVE'): TableDescription {
    const onDemand = this.billing.mode === 'PAY_PER_REQUEST';
    return {
      AttributeDefinitions: this.attributeDefinitions,
      TableName: this.name,
      KeySchema: this.keySchema,
      TableStatus: status,
      CreationDateTime: new Date(this.createdAt),
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: this.billing.read ?? 0, WriteCapacityUnits: this.billing.write ?? 0 },
      TableSizeBytes: this.bytes,
      ItemCount: this.itemCount,
      TableArn: this.arn,
      TableId: this.id,
      ...(onDemand ? { BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST', LastUpdateToPayPerRequestDateTime: new Date(this.createdAt) } } : {}),
      DeletionProtectionEnabled: this.deletionProtection,
    };
  }
}
