/** Helpers every embedded-cloud test shares: a cloud per test, moving the clock, settling retried calls, failures. */
import { afterEach, beforeEach, expect } from 'vitest';
import type { CloudOptions, EmbeddedCloud } from '../../sim/cloud.js';
import { createCloud } from '../../local/cloud.js';

/**
 * A fresh embedded cloud for each test of the enclosing `describe`, disposed after it (real timers
 * back, clients unwired). Declare it before the describe's own `beforeEach`, which then sees it.
 * The value stands for whichever cloud the running test has.
 */
export function cloudPerTest(options: CloudOptions): EmbeddedCloud {
  let current: EmbeddedCloud | undefined;
  beforeEach(async () => {
    current = await createCloud(options);
  });
  afterEach(() => {
    current?.dispose();
    current = undefined;
  });
  return new Proxy({} as EmbeddedCloud, {
    get(_, key) {
      if (!current) throw new Error('the embedded cloud of cloudPerTest() exists only while a test runs');
      const value = Reflect.get(current, key, current) as unknown;
      // Methods run on the cloud itself, not on this stand-in.
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** Advance simulated time by exactly `ms`, running every event due on the way, in order. */
export async function elapse(cloud: EmbeddedCloud, ms: number): Promise<void> {
  await cloud.clock.advance(ms);
}

/** Drive the clock until a call (maybe retried by the SDK with back-off) settles. */
export async function settle<T>(cloud: EmbeddedCloud, p: Promise<T>): Promise<T> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await cloud.clock.runUntil(() => done, { limitMs: 60_000 });
  return p;
}

/** The rejection of a call that must fail. */
export async function failure(p: Promise<unknown>): Promise<any> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

/** The call fails with this SDK error name (and whatever else `extra` says). */
export async function expectCode(p: Promise<unknown>, name: string, extra: Record<string, unknown> = {}): Promise<void> {
  await expect(p).rejects.toMatchObject({ name, ...extra });
}
