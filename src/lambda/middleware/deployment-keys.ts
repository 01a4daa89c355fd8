/** Appends `cluster` and `deployment` from the event to every log line of the invocation. */
import type middy from '@middy/core';
import { logger } from '../logger.js';

const defaults = {
  /** Where to look for the keys, in order. */
  paths: [[], ['input'], ['request'], ['detail']] as string[][],
};

export function deploymentKeys(options: Partial<typeof defaults> = {}): middy.MiddlewareObj {
  const { paths } = { ...defaults, ...options };
  return {
    before: (request) => {
      logger.resetKeys();
      for (const path of paths) {
        const at = path.reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), request.event);
        if (at && typeof at === 'object') {
          if (typeof at.cluster === 'string') logger.appendKeys({ cluster: at.cluster });
          if (typeof at.deployment === 'string') logger.appendKeys({ deployment: at.deployment });
        }
      }
    },
  };
}
