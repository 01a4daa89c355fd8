/** Helpers every embedded-cloud test shares: a cloud per test, moving the clock, settling retried calls, failures. */
import { expect } from 'vitest';
import type { CloudOptions, EmbeddedCloud } from '../../sim/cloud.js';
import { createCloud } from '../../local/cloud.js';
import { perTest } from '../fixture.js';

/** A fresh embedded cloud for each test of the enclosing `describe`, disposed after it (real timers back, clients unwired). */
export const cloudPerTest = (options: CloudOptions): EmbeddedCloud => perTest(() => createCloud(options));

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
