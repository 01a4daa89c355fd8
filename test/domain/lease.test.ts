import { describe, expect, it } from 'vitest';
import { parseClusterConfig } from '../../src/domain/config.js';
import { leaseFor } from '../../src/domain/lease.js';
import { LISTENER_ARN } from './arbitraries.js';

const STEPPED = { listenerArn: LISTENER_ARN, traffic: { steps: [10, 50, 100], waitSeconds: 300 } };

describe('leaseFor', () => {
  it('covers the health gate, the traffic waits and a margin', () => {
    // Assess: 20 min gate + 2 × 300 s + 30 min margin
    expect(leaseFor(parseClusterConfig(STEPPED, 'web-prod'))).toBe(1200 + 600 + 1800);
  });

  it('holds the lock through every approval wait and every marginal extension', () => {
    // Prepare
    const judged = parseClusterConfig({ ...STEPPED, canary: { extendMinutes: 10 }, approval: { beforeSteps: [50, 100], timeoutMinutes: 45 } }, 'web-prod');
    // Assess: + 2 extensions × 600 s + 2 approvals × 2,700 s
    expect(leaseFor(judged)).toBe(1200 + 600 + 1800 + 1200 + 5400);
  });
});
