/** Logs the error a function ends with, once, with its name (the state machine's error code). */
import type middy from '@middy/core';
import { logger } from '../logger.js';

export function logErrors(): middy.MiddlewareObj {
  return {
    onError: (request) => {
      const err = request.error;
      if (err) logger.error('step failed', { error: err.name, detail: err.message });
    },
  };
}
