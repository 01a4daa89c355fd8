/**
 * Ambient randomness, seeded. Code the embedded cloud runs but does not own draws from globals:
 * the SDK's retry jitter and waiters (`Math.random`), its idempotency tokens and invocation ids
 * (`crypto.randomUUID`), aws-local-stepfunctions' Retry jitter (`Math.random`). While a cloud is
 * alive those globals draw from a stream of their own, derived from the cloud's seed, so one seed
 * gives the same run byte for byte; the simulators' own `Rng` stays a separate stream, so an extra
 * SDK retry never shifts what the simulated world does next.
 */
import { Rng } from './rng.js';

type Restore = () => void;

/** Replaces `Math.random` and `crypto.randomUUID` until the returned function is called. */
export function seedAmbientRandomness(seed: number): Restore {
  // A fixed offset keeps this stream apart from the cloud's own Rng(seed).
  const rng = new Rng((seed ^ 0x5bd1e995) >>> 0);
  const random = Math.random;
  const cryptoObject = globalThis.crypto as unknown as { randomUUID: () => string };
  const hadOwnUuid = Object.prototype.hasOwnProperty.call(cryptoObject, 'randomUUID');
  const uuid = cryptoObject.randomUUID;
  Math.random = () => rng.next();
  Object.defineProperty(cryptoObject, 'randomUUID', {
    configurable: true,
    writable: true,
    value: () => {
      const h = rng.hex(32);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[rng.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
  });
  return () => {
    Math.random = random;
    if (hadOwnUuid) cryptoObject.randomUUID = uuid;
    else delete (cryptoObject as { randomUUID?: unknown }).randomUUID;
  };
}
