/**
 * Wraps a step's logic as a Lambda handler: Powertools context and keys in every log line, the
 * error logged once, transient AWS errors folded into `AwsTransient` for the state machine's Retry.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.js';
import { deploymentKeys } from './middleware/deployment-keys.js';
import { logErrors } from './middleware/log-errors.js';
import { transientErrors } from './middleware/transient-errors.js';

export function step<I, O>(fn: (event: I, context: Context) => Promise<O>) {
  return middy(fn).use(injectLambdaContext(logger)).use(deploymentKeys()).use(logErrors()).use(transientErrors());
}
