/**
 * Lifecycle notifications on the embedded cloud: what a deployment announces, in order, with the
 * documented detail fields; and that a notification which fails — refused by EventBridge
 * (`FailedEntryCount`) or failing outright — never hurts the deployment: it succeeds, nothing is
 * retried into a rollback, and the failure comes back as a warning.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { NOTIFICATION_TYPES } from '../../src/domain/notifications.js';
import { requestApproval } from '../../src/steps/shared/observe.js';

let s: DemoSession | undefined;
afterEach(() => {
  s?.dispose();
  s = undefined;
  delete process.env.REDBLACK_EVENT_BUS;
});

const announced = (session: DemoSession) =>
  session.cloud.log
    .filter({ service: 'events', operation: 'PutEvents' })
    .flatMap((c) => ((c.input as { Entries?: { Source?: string; DetailType?: string; Detail?: string }[] }).Entries ?? []).map((e) => ({ ...e, caller: c.caller, outcome: c.outcome })))
    .filter((e) => e.Source === 'redblack');

describe('lifecycle notifications', () => {
  it('a canary deployment announces Started, Step Changed (healthy, then each traffic step) and Succeeded, with the documented fields', async () => {
    // Prepare
    s = await DemoSession.create('canary-steps', 1);
    // Act
    const result = await s.run();
    // Assess
    expect(result.outcome).toBe('succeeded');
    const events = announced(s);
    expect(events.map((e) => [e.caller, e.DetailType])).toEqual([
      ['plan', 'Deployment Started'],
      ['healthGate', 'Deployment Step Changed'],
      ['swapTargetGroup', 'Deployment Step Changed'],
      ['swapTargetGroup', 'Deployment Step Changed'],
      ['swapTargetGroup', 'Deployment Step Changed'],
      ['finalize', 'Deployment Succeeded'],
    ]);
    for (const e of events) expect(NOTIFICATION_TYPES).toContain(e.DetailType);
    const details = events.map((e) => JSON.parse(e.Detail as string));
    expect(details[0]).toEqual({ cluster: 'web-prod', deployment: result.deployment, release: '1.1.0', from: 'web-prod-v001', to: 'web-prod-v002', source: 'bake', steps: [10, 50, 100], summary: 'web-prod 1.1.0: deploying a new bake to web-prod-v002, replacing web-prod-v001; traffic steps 10/50/100%' });
    expect(details[1]).toMatchObject({ phase: 'healthy', weights: { 'web-prod-v001': 100, 'web-prod-v002': 0 }, healthy: 4, required: 4 });
    expect(details.slice(2, 5).map((d) => [d.phase, d.step, d.weights['web-prod-v002'], d.healthy, d.required])).toEqual([
      ['traffic', 10, 10, 4, 4],
      ['traffic', 50, 50, 4, 4],
      ['traffic', 100, 100, 4, 4],
    ]);
    expect(details[5]).toMatchObject({ outcome: 'succeeded', from: 'web-prod-v001', to: 'web-prod-v002', traffic: { 'web-prod-v002': 100, 'web-prod-v001': 0 } });
    // What the SNS subscription reads (serverless.yml's input transformer puts `summary` in the text).
    expect(details[5].summary).toMatch(/^web-prod 1\.1\.0: web-prod-v001 → web-prod-v002 succeeded; web-prod-v002 100%, web-prod-v001 0%; web-prod-v001 torn down at \d{4}-/);
    expect(details[2].summary).toBe('web-prod 1.1.0: traffic step 10%; web-prod-v002 10%, web-prod-v001 90%; 4/4 healthy');
    expect(result.warnings).toEqual([]);
  });

  it('a rolled-back deployment announces Rolled Back with what was deleted', async () => {
    // Prepare
    s = await DemoSession.create('unhealthy-release', 1);
    // Act
    const result = await s.run();
    // Assess
    expect(result.outcome).toBe('rolled-back');
    const last = announced(s).at(-1);
    expect(last?.DetailType).toBe('Deployment Rolled Back');
    expect(JSON.parse(last?.Detail as string)).toMatchObject({ outcome: 'rolled-back', deleted: ['web-prod-v002', 'web-prod-v002'], kept: [] });
  });

  it('EventBridge refusing every entry (FailedEntryCount) costs a warning, never a retry or a rollback', async () => {
    // Prepare: a bus that does not exist — PutEvents answers 200 with the entry failed.
    s = await DemoSession.create('happy', 1);
    process.env.REDBLACK_EVENT_BUS = 'no-such-bus';
    // Act
    const result = await s.run();
    // Assess
    expect(result.outcome).toBe('succeeded');
    expect(result.to).toBe('web-prod-v002');
    expect(result.warnings).toEqual([expect.stringMatching(/^notification "Deployment Succeeded" not delivered: EventNotAccepted: .*ResourceNotFoundException/)]);
    expect(s.cloud.lambda.count('finalize')).toBe(1);
    expect(s.cloud.lambda.count('rollback')).toBe(0);
  });

  it('PutEvents failing outright (HTTP 500) after the commit point costs a warning, never a rollback', async () => {
    // Prepare
    s = await DemoSession.create('happy', 1);
    s.cloud.faults.add({ service: 'events', operation: 'PutEvents', error: 'InternalFailure', status: 500, times: 1000 });
    // Act
    const result = await s.run();
    // Assess
    expect(result.outcome).toBe('succeeded');
    expect(result.traffic).toEqual({ 'web-prod-v002': 100 });
    expect(result.warnings).toEqual([expect.stringContaining('notification "Deployment Succeeded" not delivered: InternalFailure')]);
    expect(s.cloud.lambda.count('rollback')).toBe(0);
  });
});

describe('requestApproval (the emitter a gate that waits for a person calls)', () => {
  it('puts a Deployment Approval Requested event with its schema and summary, and logs it', async () => {
    // Prepare
    s = await DemoSession.create('happy', 1);
    const detail = {
      cluster: 'web-prod',
      deployment: 'web-prod-1_1_0-0000000000000000',
      release: '1.1.0',
      gate: 'traffic 50%',
      weights: { 'web-prod-v002': 10, 'web-prod-v001': 90 },
      expiresAt: '2026-11-26T12:00:00.000Z',
      respond: 'redblack approve web-prod',
    };
    // Act
    const warning = await requestApproval(detail);
    // Assess
    expect(warning).toBeUndefined();
    const [event] = announced(s);
    expect(event?.DetailType).toBe('Deployment Approval Requested');
    expect(JSON.parse(event?.Detail as string)).toEqual({ ...detail, summary: expect.stringContaining('approval needed for traffic 50%') });
  });
});
