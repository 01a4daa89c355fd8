/**
 * Manual judgment on the real state machine: the deployment waits before the 100 % step with its
 * task token in the ledger, holding traffic and lock; promote lets the step happen, reject and a
 * timeout roll back; a second or late answer is refused with ApprovalNotPending.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { pendingApproval, promote, reject } from '../../src/aws/approvals.js';
import { getDeployment, listJudgments, lockHolder, setApproval } from '../../src/aws/store.js';
import { ApprovalNotPending } from '../../src/domain/errors.js';
import { DemoSession } from '../../local/demo.js';
import { snapshotCluster } from '../../local/inspect.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

type Approval = NonNullable<Parameters<typeof DemoSession.create>[2]>['approval'];

/** A deployment 10 → 100 that has reached its approval request. */
async function waiting(approval: Approval = { beforeSteps: [100], timeoutMinutes: 10 }) {
  session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, approval });
  const s = session;
  await s.upload();
  await s.cloud.clock.runUntil(() => s.cloud.lambda.count('requestApproval') > 0, { limitMs: 3600_000 });
  await s.cloud.clock.runUntil(() => s.cloud.sfn.executions()[0]?.status !== 'RUNNING' || s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 60_000 });
  return s;
}

const refusal = async (p: Promise<unknown>): Promise<ApprovalNotPending> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ApprovalNotPending) return e;
    throw e;
  }
  throw new Error('expected ApprovalNotPending');
};

describe('approval before 100 %', () => {
  it('waits holding 10 % and the lock, with the token in the ledger and an Approval Requested event', async () => {
    // Prepare
    const s = await waiting();
    // Act: nine of the ten minutes pass without an answer
    await s.cloud.clock.advance(9 * 60_000);
    // Assess
    const execution = s.cloud.sfn.executions()[0];
    expect(execution?.status).toBe('RUNNING');
    expect(s.traffic()).toEqual({ 'web-prod-v002': 10, 'web-prod-v001': 90 });
    expect((await lockHolder('web-prod'))?.deployment).toBe(execution?.name);
    const { approval } = await pendingApproval('web-prod');
    expect(approval).toMatchObject({ stepIndex: 1, step: 100 });
    expect(approval.token.length).toBeGreaterThan(20);
    const event = s.cloud.log.calls.find((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents')?.input as { Entries: { DetailType: string; Detail: string }[] };
    expect(event.Entries[0]?.DetailType).toBe('Deployment Approval Requested');
    expect(JSON.parse(event.Entries[0]?.Detail ?? '{}')).toMatchObject({ cluster: 'web-prod', gate: 'traffic 100% on web-prod-v002', weights: { 'web-prod-v002': 10, 'web-prod-v001': 90 } });
  });

  it('promote: the step happens and the deployment succeeds; a second promote is refused', async () => {
    // Prepare
    const s = await waiting();
    // Act
    const answered = await promote('web-prod', 'alice');
    const again = await refusal(promote('web-prod', 'bob'));
    const done = await s.awaitExecutions(1);
    // Assess
    expect(answered).toMatchObject({ decision: 'promoted', step: 100 });
    expect(again.reason).toMatch(/already answered|not waiting/);
    expect(done.status).toBe('SUCCEEDED');
    expect((await snapshotCluster('web-prod', s.world.listenerArn)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
    expect((await getDeployment('web-prod', done.name))?.approval).toBeUndefined();
  });

  it('reject: rolls back with ApprovalRejected and the reason', async () => {
    // Prepare
    const s = await waiting();
    const before = { 'web-prod-v001': 100 };
    // Act
    await reject('web-prod', 'carol', 'checkout latency looks off');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('ApprovalRejected');
    expect(done.cause).toContain('rejected by carol: checkout latency looks off');
    expect(s.traffic()).toEqual(before);
    expect(await lockHolder('web-prod')).toBeUndefined();
  });

  it('timeout: rolls back with ApprovalTimedOut; a promote arriving late is refused', async () => {
    // Prepare
    const s = await waiting({ beforeSteps: [100], timeoutMinutes: 2 });
    // Act
    const done = await s.awaitExecutions(1);
    const late = await refusal(promote('web-prod', 'dave'));
    // Assess
    expect(done.error).toBe('ApprovalTimedOut');
    expect(s.traffic()).toEqual({ 'web-prod-v001': 100 });
    expect(late.reason).toMatch(/no deployment is running/);
  });

  it('timeout with onTimeout: promote carries on to 100 %', async () => {
    // Prepare
    const s = await waiting({ beforeSteps: [100], timeoutMinutes: 2, onTimeout: 'promote' });
    // Act
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.status).toBe('SUCCEEDED');
    expect((await snapshotCluster('web-prod', s.world.listenerArn)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
  });

  it('before the first step: nothing has moved while it waits', async () => {
    // Prepare
    const s = await waiting({ beforeSteps: [10], timeoutMinutes: 10 });
    // Assess
    expect(s.traffic()).toEqual({ 'web-prod-v001': 100, 'web-prod-v002': 0 });
    expect((await pendingApproval('web-prod')).approval).toMatchObject({ stepIndex: 0, step: 10 });
    // Act
    await promote('web-prod', 'erin');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.status).toBe('SUCCEEDED');
  });
});

describe('the approval wait, in slices', () => {
  it('rolls back on a watched alarm that fires while the approval waits, within a slice and before anyone answers', async () => {
    // Prepare: 10 % is live and waits 30 minutes for a person; three minutes in, 1.1.0 starts failing
    session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 60, alarms: ['web-prod-5xx'], approval: { beforeSteps: [100], timeoutMinutes: 30 } });
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
    const asked = (await pendingApproval('web-prod')).approval;
    await s.cloud.clock.advance(3 * 60_000);
    s.cloud.apps.set('1.1.0', { healthy: false });
    await s.cloud.clock.runUntil(() => s.cloud.cloudwatch.alarmState('web-prod-5xx') === 'ALARM', { limitMs: 20 * 60_000 });
    const alarmAt = s.cloud.clock.now();
    // Act: no one answers
    const done = await s.awaitExecutions(1);
    // Assess
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('AlarmTriggered');
    expect(done.cause).toContain('web-prod-5xx');
    expect(done.stoppedAt as number).toBeLessThan(alarmAt + 2 * 60_000);
    expect(done.stoppedAt as number).toBeLessThan(asked.expiresAt);
    expect(s.traffic()).toEqual({ 'web-prod-v001': 100 });
    expect(s.cloud.lambda.invocations.some((i) => i.function === 'rollback' && i.outcome === 'ok')).toBe(true);
  });

  it('asks again each slice with a fresh token, announcing once and keeping the window; promote answers the current token', async () => {
    // Prepare
    const s = await waiting({ beforeSteps: [100], timeoutMinutes: 10 });
    const first = (await pendingApproval('web-prod')).approval;
    // Act: five and a half minutes pass unanswered, then a person promotes
    await s.cloud.clock.advance(5.5 * 60_000);
    const current = (await pendingApproval('web-prod')).approval;
    const answered = await promote('web-prod', 'heidi');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(s.cloud.lambda.count('requestApproval')).toBeGreaterThanOrEqual(6);
    expect(s.cloud.log.calls.filter((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents')).toHaveLength(1);
    expect(current.token).not.toBe(first.token);
    expect({ requestedAt: current.requestedAt, expiresAt: current.expiresAt }).toEqual({ requestedAt: first.requestedAt, expiresAt: first.expiresAt });
    expect(current.expiresAt - current.requestedAt).toBe(10 * 60_000);
    expect(answered).toMatchObject({ decision: 'promoted', step: 100 });
    expect(done.status).toBe('SUCCEEDED');
    expect((await snapshotCluster('web-prod', s.world.listenerArn)).forward).toEqual({ 'web-prod-v002': 100, 'web-prod-v001': 0 });
  });

  it('promote follows the next slice token when its token closed between the read and the answer, and the step happens once', async () => {
    // Prepare: the ledger still shows the first slice's token after the second slice recorded its own
    const s = await waiting({ beforeSteps: [100], timeoutMinutes: 10 });
    const first = (await pendingApproval('web-prod')).approval;
    await s.cloud.clock.advance(61_000);
    const { deployment, approval: second } = await pendingApproval('web-prod');
    await setApproval('web-prod', deployment, first);
    // ...and the second slice's record lands just as promote answers the first token
    const sent: string[] = [];
    const dispatch = s.cloud.dispatch.bind(s.cloud);
    s.cloud.dispatch = async (client, command, input) => {
      if (command === 'SendTaskSuccessCommand') {
        const token = (input as { taskToken: string }).taskToken;
        sent.push(token);
        if (token === first.token) await setApproval('web-prod', deployment, second);
      }
      return dispatch(client, command, input);
    };
    // Act
    const answered = await promote('web-prod', 'judy');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(second.token).not.toBe(first.token);
    expect(sent).toEqual([first.token, second.token]);
    expect(answered).toMatchObject({ decision: 'promoted', step: 100 });
    expect(done.status).toBe('SUCCEEDED');
    expect(s.cloud.log.calls.filter((c) => c.caller === 'swapTargetGroup' && c.operation === 'ModifyListener')).toHaveLength(2);
    expect((await getDeployment('web-prod', deployment))?.approval).toBeUndefined();
  });

  it('honours the window across slices: still pending a second before it closes, ApprovalTimedOut right after', async () => {
    // Prepare
    const s = await waiting({ beforeSteps: [100], timeoutMinutes: 3 });
    const { expiresAt } = (await pendingApproval('web-prod')).approval;
    // Act: two slices pass unanswered, then the window closes
    await s.cloud.clock.runUntil(() => s.cloud.clock.now() >= expiresAt - 1_000, { limitMs: 10 * 60_000 });
    const stillPending = await pendingApproval('web-prod');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(stillPending.approval.expiresAt).toBe(expiresAt);
    expect(s.cloud.lambda.count('requestApproval')).toBe(4);
    expect(done.error).toBe('ApprovalTimedOut');
    expect(done.stoppedAt as number).toBeGreaterThanOrEqual(expiresAt);
    expect(done.stoppedAt as number).toBeLessThan(expiresAt + 30_000);
    expect(s.traffic()).toEqual({ 'web-prod-v001': 100 });
  });
});

describe('promote with nothing to answer', () => {
  it('is refused naming why', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    // Act
    const e = await refusal(promote('web-prod', 'frank'));
    // Assess
    expect(e.message).toBe('no approval pending for cluster web-prod: no deployment is running');
  });
});

describe('approval with the canary judge', () => {
  /** A judged deployment 10 → 100 (five-minute step) that has reached its approval request. */
  async function judgedWaiting() {
    session = await DemoSession.create('happy', 1, { steps: [10, 100], stepWaitSeconds: 300, canary: {}, approval: { beforeSteps: [100], timeoutMinutes: 60 } });
    const s = session;
    await s.upload();
    await s.cloud.clock.runUntil(() => s.cloud.log.calls.some((c) => c.caller === 'requestApproval' && c.operation === 'PutEvents'), { limitMs: 3600_000 });
    return s;
  }
  const approvalLooks = (s: DemoSession) => s.cloud.log.calls.filter((c) => c.caller === 'requestApproval' && c.operation === 'GetMetricData').length;

  it('keeps judging while a person decides: a canary that goes bad is rolled back during the wait, before anyone answers', async () => {
    // Prepare: healthy through the 10 % step; then 1.1.0 starts failing 5 % of requests
    const s = await judgedWaiting();
    const wentBad = Date.now();
    s.cloud.apps.set('1.1.0', { errorRate: 0.05 });
    // Act
    const done = await s.awaitExecutions(1);
    const late = await refusal(promote('web-prod', 'grace'));
    // Assess: rolled back within minutes of the 60-minute window, on the critical metric
    expect(done.error).toBe('CanaryFailed');
    expect(done.cause).toContain('failed on errorRate');
    expect(done.cause).toContain('while waiting for approval');
    expect((done.stoppedAt ?? Infinity) - wentBad).toBeLessThan(10 * 60_000);
    expect(s.traffic()).toEqual({ 'web-prod-v001': 100 });
    expect(late.reason).toMatch(/no deployment is running/);
    const judgments = await listJudgments('web-prod', done.name);
    expect(judgments.at(-1)).toMatchObject({ decision: 'fail', during: 'approval', stepIndex: 0, step: 10, failing: ['errorRate'] });
    expect(judgments.filter((j) => j.during === 'approval')).toHaveLength(1);
  });

  it('a healthy canary waits out its approval with a look every slice and nothing recorded; promote carries on', async () => {
    // Prepare
    const s = await judgedWaiting();
    const before = approvalLooks(s);
    // Act: twenty minutes without an answer, then promote
    await s.cloud.clock.advance(20 * 60_000);
    const looks = approvalLooks(s) - before;
    await promote('web-prod', 'heidi');
    const done = await s.awaitExecutions(1);
    // Assess
    expect(looks).toBeGreaterThanOrEqual(19);
    expect(done.status).toBe('SUCCEEDED');
    expect((await listJudgments('web-prod', done.name)).filter((j) => j.during === 'approval')).toEqual([]);
  });
});
