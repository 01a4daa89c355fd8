/**
 * The end-of-invocation hook for metrics, kept apart from Powertools Metrics so that a function
 * which records none does not bundle it: src/lambda/metrics.ts registers its flush here when a
 * step module imports it; step() runs whatever is registered.
 */
import type middy from '@middy/core';

let flushers: (() => void)[] = [];

export function onFlush(fn: () => void): void {
  flushers = [...flushers, fn];
}

/** After the handler, whether it succeeded or failed. */
export function flushMetrics(): middy.MiddlewareObj {
  const flush = () => {
    for (const fn of flushers) fn();
  };
  return { after: flush, onError: flush };
}
