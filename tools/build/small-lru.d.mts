/** See small-lru.mjs. */
export default class LRUCache<K = unknown, V = unknown> {
  constructor(capacity: number);
  readonly size: number;
  get(key: K): V | undefined;
  set(key: K, value: V): this;
  peek(key: K): V | undefined;
  has(key: K): boolean;
  clear(): void;
}
