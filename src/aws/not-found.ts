/**
 * The one way the adapters treat an expected AWS error as an answer: a lookup of something that is
 * not there, a delete of something already gone, a create of something that already exists. The
 * SDK v3 names each service error after its error code (`err.name`), e.g. `TargetGroupNotFound`
 * → `TargetGroupNotFoundException`: https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/the-response-object.html
 */

/** An error code, a pattern of codes, or a test of the whole error (some services only say it in the message). */
export type ErrorMatch = string | RegExp | ((err: Error) => boolean);

/** Whether `err` is an AWS error that one of `matches` names. */
export function isAwsError(err: unknown, ...matches: ErrorMatch[]): boolean {
  // What the SDK throws is an Error by shape; its class may come from another copy of the SDK.
  if (typeof err !== 'object' || err === null || typeof (err as Error).name !== 'string') return false;
  const e = err as Error;
  return matches.some((m) => (typeof m === 'string' ? e.name === m : m instanceof RegExp ? m.test(e.name) : m(e)));
}

/** `call`'s result; `otherwise` when it fails with an error `match` names; any other error is thrown. */
export async function tolerate<T, U = undefined>(match: ErrorMatch | readonly ErrorMatch[], call: Promise<T>, otherwise?: U): Promise<T | U> {
  try {
    return await call;
  } catch (err) {
    if (isAwsError(err, ...(Array.isArray(match) ? match : [match as ErrorMatch]))) return otherwise as U;
    throw err;
  }
}
