/**
 * Wraps a step's logic as a Lambda handler: Powertools context and keys in every log line, the
 * error logged once, transient AWS errors folded into `AwsTransient` for the state machine's Retry,
 * the invocation's metrics flushed (EMF).
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';
import { flushMetrics } from './flush.js';
import { deploymentKeys } from './middleware/deployment-keys.js';
import { logErrors } from './middleware/log-errors.js';
import { transientErrors } from './middleware/transient-errors.js';

export function step<I, O>(fn: (event: I, context: Context) => Promise<O>) {
  // No early-timeout timer: a step that runs out of time fails as Sandbox.Timedout and the state machine retries it.
  return middy(fn, { timeoutEarlyInMillis: 0 }).use(injectLambdaContext(logger)).use(deploymentKeys()).use(logErrors()).use(transientErrors()).use(flushMetrics());
}
