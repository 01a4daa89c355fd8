/** Test fixtures every home's tests share. */
import { afterEach, beforeEach } from 'vitest';

/**
 * A fresh `T` for each test of the enclosing `describe` (or file), disposed after it. Declare it
 * before the describe's own `beforeEach`, which then sees it. The value stands for whichever `T`
 * the running test has, so test bodies use it as they would a variable assigned in `beforeEach`.
 */
export function perTest<T extends { dispose(): void }>(open: () => Promise<T>): T {
  let current: T | undefined;
  beforeEach(async () => {
    current = await open();
  });
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return new Proxy({} as T, {
    get(_, key) {
      if (!current) throw new Error('a perTest() fixture exists only while a test runs');
      const value = Reflect.get(current, key, current) as unknown;
      // Methods run on the object itself, not on this stand-in.
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}
