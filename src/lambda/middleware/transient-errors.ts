/**
 * AWS errors that are worth retrying (throttling, 5xx, contention) leave the function as one error
 * name, `AwsTransient`, so the state machine retries them with one Retry rule; every other error
 * keeps its own name and goes to Catch.
 */
import type middy from '@middy/core';
import { logger } from '../logger.js';

const defaults = {
  /** Names that are transient even though the SDK does not mark them so. */
  names: [
    'Throttling',
    'ThrottlingException',
    'RequestLimitExceeded',
    'TooManyRequestsException',
    'PriorRequestNotCompleteException',
    'ResourceContentionFault',
    'ScalingActivityInProgressFault',
    'ProvisionedThroughputExceededException',
    'TransactionConflictException',
    'InternalError',
    'InternalFailure',
    'InternalServerError',
    'InternalServerException',
    'ServiceUnavailable',
    'SlowDown',
    'TimeoutError',
  ],
};

export class AwsTransient extends Error {
  constructor(cause: Error) {
    // The SDK error stays attached (`cause`): its request id and HTTP status are what support asks for.
    super(`${cause.name}: ${cause.message}`, { cause });
    this.name = 'AwsTransient';
  }
}

export function isTransient(err: unknown, names: readonly string[] = defaults.names): boolean {
  const e = err as { name?: string; $retryable?: unknown; $fault?: string; $metadata?: { httpStatusCode?: number } };
  if (!e || typeof e !== 'object') return false;
  if (e.name && names.includes(e.name)) return true;
  if (e.$retryable) return true;
  const status = e.$metadata?.httpStatusCode;
  return e.$fault === 'server' || (status !== undefined && (status === 429 || status >= 500));
}

export function transientErrors(options: Partial<typeof defaults> = {}): middy.MiddlewareObj {
  const { names } = { ...defaults, ...options };
  return {
    onError: (request) => {
      const err = request.error;
      if (err && isTransient(err, names)) {
        logger.warn('transient AWS error, the state machine will retry', { error: err.name, detail: err.message });
        request.error = new AwsTransient(err);
      }
    },
  };
}
