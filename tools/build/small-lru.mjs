/**
 * What `mnemonist/lru-cache` is to the SDK's endpoint cache (@aws-sdk/endpoint-cache, which
 * DynamoDB's client builds even with endpoint discovery off): a least-recently-used map of a fixed
 * capacity. The methods the cache calls — get and set (which refresh recency), peek and has (which
 * do not), clear — on a Map, whose insertion order is the recency order. ~7 KB less per bundle
 * than mnemonist and the iterator library it brings.
 */
export default class LRUCache {
  constructor(capacity) {
    if (!(capacity > 0)) throw new Error('LRUCache: capacity must be a positive number');
    this.capacity = capacity;
    this.items = new Map();
  }
  get size() {
    return this.items.size;
  }
  get(key) {
    if (!this.items.has(key)) return undefined;
    const value = this.items.get(key);
    this.items.delete(key);
    this.items.set(key, value);
    return value;
  }
  set(key, value) {
    this.items.delete(key);
    this.items.set(key, value);
    if (this.items.size > this.capacity) this.items.delete(this.items.keys().next().value);
    return this;
  }
  peek(key) {
    return this.items.get(key);
  }
  has(key) {
    return this.items.has(key);
  }
  clear() {
    this.items.clear();
  }
}
