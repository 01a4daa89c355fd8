/**
 * The metrics a deployment records (EMF, namespace redblack, dimension cluster), end to end on the
 * embedded cloud: what the dashboard plots for a canary that succeeds and for one that rolls back.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { metrics } from '../../src/lambda/metrics.js';

let s: DemoSession | undefined;
afterEach(() => {
  s?.dispose();
  s = undefined;
});

/** Every metric recorded during `run`, as [name, value, cluster dimension at the time]. */
async function recorded(run: () => Promise<unknown>): Promise<[string, number, string | undefined][]> {
  const out: [string, number, string | undefined][] = [];
  let cluster: string | undefined;
  vi.spyOn(metrics, 'addDimension').mockImplementation((name: string, value: string) => {
    if (name === 'cluster') cluster = value;
    return metrics;
  });
  vi.spyOn(metrics, 'addMetric').mockImplementation((name: string, _unit: unknown, value: number) => {
    out.push([name, value, cluster]);
    return metrics;
  });
  await run();
  return out;
}

describe('deployment metrics', () => {
  it('a canary that succeeds: succeeded, its duration, its gate wait and its three traffic steps, for its cluster', async () => {
    // Prepare
    s = await DemoSession.create('canary-steps', 1);
    const session = s;
    // Act
    const m = await recorded(async () => {
      await session.upload();
      await session.awaitExecutions(1);
    });
    // Assess
    expect(m.map(([name]) => name).sort()).toEqual(['DeploymentDuration', 'DeploymentsSucceeded', 'HealthGateWait', 'TrafficSteps']);
    const value = (name: string) => m.find(([n]) => n === name)?.[1];
    expect(value('DeploymentsSucceeded')).toBe(1);
    expect(value('TrafficSteps')).toBe(3);
    expect(value('HealthGateWait')).toBeGreaterThanOrEqual(30);
    expect(value('DeploymentDuration')).toBeGreaterThan(value('HealthGateWait') as number);
    expect(new Set(m.map(([, , cluster]) => cluster))).toEqual(new Set(['web-prod']));
  });

  it('a release that never turns healthy: one rollback, with the time it took', async () => {
    // Prepare
    s = await DemoSession.create('unhealthy-release', 1);
    const session = s;
    // Act
    const m = await recorded(async () => {
      await session.upload();
      await session.awaitExecutions(1);
    });
    // Assess
    expect(m.map(([name]) => name).sort()).toEqual(['DeploymentDuration', 'DeploymentsRolledBack']);
    expect(m.find(([n]) => n === 'DeploymentDuration')?.[1]).toBeGreaterThanOrEqual(8 * 60);
  });
});
