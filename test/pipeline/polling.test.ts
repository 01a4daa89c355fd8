/**
 * How the polling steps time their looks (domain/poll.ts) on the real state machine: a bake
 * polled at the times the cluster's last bake took, a health gate that never looks before health
 * can have changed, traffic steps that wait their configured time while watching the alarms.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { describeGroup } from '../../src/aws/autoscaling.js';
import { currentCaller } from '../../sim/caller.js';
import { DemoSession } from '../../local/demo.js';

let session: DemoSession | undefined;
afterEach(() => {
  session?.dispose();
  session = undefined;
});

const key = (release: string) => `releases/web-prod/${release}/web-${release}.tgz`;

async function deploy(s: DemoSession, release: string, count: number) {
  const inv0 = s.cloud.lambda.invocations.length;
  await s.upload(key(release));
  const ex = await s.awaitExecutions(count);
  return { ex, invocations: s.cloud.lambda.invocations.slice(inv0), seconds: ((ex.stoppedAt ?? 0) - ex.startedAt) / 1000 };
}

describe('bake polling', () => {
  it("tags the new group with how long its bake took, and the next bake polls on that: a handful of looks, seconds after the floor", async () => {
    // Prepare: the demo bake takes 30 s boot + 120 s install + 10 s power-off + 60 s image = 220 s
    session = await DemoSession.create('happy', 1);
    const first = await deploy(session, '1.1.0', 1);
    const learned = (await describeGroup('web-prod-v002'))?.Tags?.find((t) => t.Key === 'redblack:bake-seconds')?.Value;
    // Act
    const second = await deploy(session, '1.2.0', 2);
    // Assess
    expect(first.ex.status).toBe('SUCCEEDED');
    expect(learned).toMatch(/^builder=\d+,image=\d+$/);
    const [builder, image] = (learned as string).match(/\d+/g)?.map(Number) ?? [];
    // Lower bounds: never more than what the phases really took (160 s and 60 s).
    expect(builder).toBeLessThanOrEqual(160);
    expect(image).toBeLessThanOrEqual(60);
    expect(second.ex.status).toBe('SUCCEEDED');
    expect(second.invocations.filter((i) => i.function === 'checkBake').length).toBeLessThan(first.invocations.filter((i) => i.function === 'checkBake').length);
    // Floor: bake 220 + boot 30 + checks 40 (app up 15 s after boot, 3 checks 10 s apart) = 290 s.
    expect(second.seconds).toBeLessThanOrEqual(290 * 1.05);
  });
});

describe('health gate polling', () => {
  it('first looks once boot-to-healthy can have happened (interval × threshold after launch), never sooner', async () => {
    // Prepare
    session = await DemoSession.create('happy', 1);
    // Act
    const { invocations } = await deploy(session, '1.1.0', 1);
    // Assess
    const launched = invocations.find((i) => i.function === 'launchGroup')?.at as number;
    const gates = invocations.filter((i) => i.function === 'healthGate').map((i) => i.at);
    expect(gates[0]).toBeGreaterThanOrEqual(launched + 30_000);
    // Tight but not busy: no two looks less than 2 s apart.
    for (let i = 1; i < gates.length; i++) expect((gates[i] as number) - (gates[i - 1] as number)).toBeGreaterThanOrEqual(2_000);
  });
});

describe('traffic steps', () => {
  it('wait exactly their configured time between listener changes, looking at the alarms once a minute meanwhile', async () => {
    // Prepare: canary 10/50/100, 120 s apart, one alarm watched
    session = await DemoSession.create('canary-steps', 1);
    const calls0 = session.cloud.log.mark();
    // Act
    const { ex, invocations } = await deploy(session, '1.1.0', 1);
    // Assess
    expect(ex.status).toBe('SUCCEEDED');
    const writes = session.cloud.log.calls.slice(calls0).filter((c) => c.caller === 'swapTargetGroup' && c.operation === 'ModifyListener').map((c) => c.at);
    expect(writes).toHaveLength(3);
    expect([(writes[1] as number) - (writes[0] as number), (writes[2] as number) - (writes[1] as number)]).toEqual([120_000, 120_000]);
    // Each 120 s wait: one watch look at 60 s, then the next step.
    expect(invocations.filter((i) => i.function === 'swapTargetGroup')).toHaveLength(5);
  });

  it('rolls back within a watch slice when a watched alarm fires mid-wait, restoring the listener after one round trip of reads', async () => {
    // Prepare: 30 s after the first real shift the release starts failing its requests
    session = await DemoSession.create('canary-steps', 1);
    const s = session;
    let armed = false;
    let alarmAt = 0;
    const watchAlarm = () => {
      if (s.cloud.cloudwatch.alarmState('web-prod-5xx') === 'ALARM') alarmAt = s.cloud.clock.now();
      else s.cloud.clock.after(1_000, watchAlarm);
    };
    s.cloud.hooks.on('listenerChanged', () => {
      if (armed || !s.cloud.elb.forwardWeights(s.world.listenerArn).some((f) => f.weight > 0 && f.targetGroupArn !== s.world.liveTargetGroupArn)) return;
      armed = true;
      s.cloud.clock.after(30_000, () => {
        s.cloud.apps.set('1.1.0', { healthy: false });
        watchAlarm();
      });
    });
    // Which rollback calls are in flight at once (the SDK call router, timed in real order).
    const inFlight = new Set<string>();
    let inFlightTogether: string[] = [];
    const dispatch = s.cloud.dispatch.bind(s.cloud);
    s.cloud.dispatch = async (client, command, input) => {
      if (currentCaller() !== 'rollback') return dispatch(client, command, input);
      const op = command.replace(/Command$/, '');
      inFlight.add(op);
      if (inFlight.size > inFlightTogether.length) inFlightTogether = [...inFlight].sort();
      try {
        return await dispatch(client, command, input);
      } finally {
        inFlight.delete(op);
      }
    };
    // Act
    const { ex, invocations } = await deploy(s, '1.1.0', 1);
    // Assess
    expect(ex.error).toBe('AlarmTriggered');
    const firstShift = s.cloud.log.calls.filter((c) => c.caller === 'swapTargetGroup' && c.operation === 'ModifyListener')[0]?.at as number;
    const rollback = invocations.find((i) => i.function === 'rollback')?.at as number;
    // Failing from +30 s; the alarm's next one-minute evaluation sees it; a watch look follows within 60 s.
    expect(rollback - firstShift).toBeLessThanOrEqual(30_000 + 60_000 + 60_000);
    // Whichever minute the alarm turns in, the next look (a watch slice or the step's end) is at most 60 s later.
    expect(alarmAt).toBeGreaterThan(firstShift);
    expect(rollback - alarmAt).toBeLessThanOrEqual(60_000);
    // The restore: the listener and the live group's health and capacity read together, then the write.
    const calls = s.cloud.log.calls.filter((c) => c.caller === 'rollback').map((c) => c.operation);
    expect(calls.slice(0, 4).sort()).toEqual(['DescribeAutoScalingGroups', 'DescribeListeners', 'DescribeTargetHealth', 'ModifyListener']);
    expect(calls[3]).toBe('ModifyListener');
    expect(inFlightTogether).toEqual(['DescribeAutoScalingGroups', 'DescribeListeners', 'DescribeTargetHealth']);
  });
});
