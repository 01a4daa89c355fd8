import { TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  ModifyListenerCommand,
  ModifyTargetGroupAttributesCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { ec2, elapse, elb, expectCode, listener, loadBalancer, type Net, network, runningInstances, targetGroup } from './elbv2-helpers.js';

describe('ELBv2 target health on the virtual clock', () => {
  const cloud = cloudPerTest({ seed: 5 });
  let net: Net;
  beforeEach(async () => {
    net = await network();
  });

  const health = async (tg: string, id?: string) =>
    (await elb().send(new DescribeTargetHealthCommand({ TargetGroupArn: tg, ...(id ? { Targets: [{ Id: id }] } : {}) }))).TargetHealthDescriptions ?? [];

  it('turns a target healthy at the HealthyThresholdCount-th check after its app answers', async () => {
    // Prepare: app answers 15 s after running (DEFAULT_APP), checks every 30 s from registration.
    const tg = await targetGroup(net, 'web-v001');
    await listener(await loadBalancer(net), tg);
    const [id] = await runningInstances(cloud, net, 1);
    const changes: string[] = [];
    cloud.hooks.on('targetHealthChanged', (e) => changes.push(e.state));
    // Act
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    // Assess
    expect((await health(tg))[0]).toMatchObject({
      Target: { Id: id, Port: 80 },
      HealthCheckPort: '80',
      TargetHealth: { State: 'initial', Reason: 'Elb.RegistrationInProgress' },
    });
    await elapse(cloud, 30_000);
    expect((await health(tg))[0]?.TargetHealth).toMatchObject({ State: 'initial', Reason: 'Elb.InitialHealthChecking' });
    await elapse(cloud, 150_000 - 30_000 - 1);
    expect(cloud.elb.targetState(tg, id as string)).toBe('initial');
    await elapse(cloud, 1);
    expect((await health(tg))[0]?.TargetHealth).toEqual({ State: 'healthy' });
    expect(cloud.elb.healthyCount(tg)).toBe(1);
    expect(changes).toEqual(['initial', 'healthy']);
  });

  it('counts checks from when the app answers, with a registration before that', async () => {
    // Prepare: an app that needs 100 s to start, a fast health check
    cloud.apps.set('1.0.0', { appStartSeconds: 100 });
    const tg = await targetGroup(net, 'web-v001', { HealthCheckIntervalSeconds: 10, HealthCheckTimeoutSeconds: 5, HealthyThresholdCount: 3, UnhealthyThresholdCount: 10 });
    await listener(await loadBalancer(net), tg);
    const [id] = await runningInstances(cloud, net, 1);
    // Act: register at T; the app answers from T+100 s; checks at T+10, T+20 …
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    // Assess: passes at T+100, T+110, T+120 → healthy at T+120
    await elapse(cloud, 119_999);
    expect(cloud.elb.targetState(tg, id as string)).toBe('initial');
    await elapse(cloud, 1);
    expect(cloud.elb.targetState(tg, id as string)).toBe('healthy');
  });

  it('marks targets of an unhealthy release unhealthy after UnhealthyThresholdCount failures', async () => {
    // Prepare
    cloud.apps.set('1.0.0', { healthy: false });
    const tg = await targetGroup(net, 'web-v001');
    await listener(await loadBalancer(net), tg);
    const [id] = await runningInstances(cloud, net, 1);
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    // Act
    await elapse(cloud, 59_999);
    const before = cloud.elb.targetState(tg, id as string);
    await elapse(cloud, 1);
    // Assess
    expect(before).toBe('initial');
    expect((await health(tg))[0]?.TargetHealth).toMatchObject({ State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' });
  });

  it('reports targets of a group no listener forwards to as unused, and checks them once attached', async () => {
    // Prepare
    const tg = await targetGroup(net, 'web-v002');
    const other = await targetGroup(net, 'web-v001');
    const listenerArn = await listener(await loadBalancer(net), other);
    const [id] = await runningInstances(cloud, net, 1);
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    await elapse(cloud, 600_000);
    const idle = (await health(tg))[0]?.TargetHealth;
    // Act: forward a weight-0 share to it — referenced is in use
    await elb().send(
      new ModifyListenerCommand({
        ListenerArn: listenerArn,
        DefaultActions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: other, Weight: 1 }, { TargetGroupArn: tg, Weight: 0 }] } }],
      }),
    );
    // Assess
    expect(idle).toMatchObject({ State: 'unused', Reason: 'Target.NotInUse' });
    expect(cloud.elb.targetState(tg, id as string)).toBe('initial');
    await elapse(cloud, 150_000);
    expect(cloud.elb.targetState(tg, id as string)).toBe('healthy');
  });

  it('drains a deregistered target for the deregistration delay, never healthy, then forgets it', async () => {
    // Prepare
    const tg = await targetGroup(net, 'web-v001');
    await listener(await loadBalancer(net), tg);
    await elb().send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tg, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '120' }] }));
    const [id] = await runningInstances(cloud, net, 1);
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    await elapse(cloud, 150_000);
    expect(cloud.elb.targetState(tg, id as string)).toBe('healthy');
    const seen = new Set<string>();
    cloud.hooks.on('healthTick', () => seen.add(cloud.elb.targetState(tg, id as string) ?? 'gone'));
    // Act
    await elb().send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    // Assess
    expect((await health(tg))[0]?.TargetHealth).toMatchObject({ State: 'draining', Reason: 'Target.DeregistrationInProgress' });
    expect(cloud.elb.healthyCount(tg)).toBe(0);
    await elapse(cloud, 119_999);
    expect(cloud.elb.targetState(tg, id as string)).toBe('draining');
    await elapse(cloud, 1);
    expect(cloud.elb.targetState(tg, id as string)).toBeUndefined();
    expect(await health(tg)).toEqual([]);
    expect((await health(tg, id))[0]?.TargetHealth).toMatchObject({ State: 'unused', Reason: 'Target.NotRegistered' });
    expect(seen.has('healthy')).toBe(false);
  });

  it('turns the target of a terminated instance unhealthy at the next checks', async () => {
    // Prepare
    const tg = await targetGroup(net, 'web-v001');
    await listener(await loadBalancer(net), tg);
    const [id] = await runningInstances(cloud, net, 1);
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    await elapse(cloud, 150_000);
    // Act
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id as string] }));
    await elapse(cloud, 60_000);
    // Assess
    expect((await health(tg))[0]?.TargetHealth).toMatchObject({ State: 'unhealthy', Reason: 'Target.FailedHealthChecks' });
  });

  it('rejects targets that are not running instances, and ignores deregistering unknown ones', async () => {
    // Prepare
    const tg = await targetGroup(net, 'web-v001');
    // Act + Assess
    await expectCode(elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: 'i-0123456789abcdef0' }] })), 'InvalidTargetException');
    await expectCode(elb().send(new RegisterTargetsCommand({ TargetGroupArn: `${tg}0`, Targets: [{ Id: 'i-0123456789abcdef0' }] })), 'TargetGroupNotFoundException');
    await expectCode(elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [] })), 'ValidationError');
    await expect(elb().send(new DeregisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: 'i-0123456789abcdef0' }] }))).resolves.toBeDefined();
  });

  it('registers idempotently, one target per instance and port', async () => {
    // Prepare
    const tg = await targetGroup(net, 'web-v001');
    const [id] = await runningInstances(cloud, net, 1);
    // Act
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }, { Id: id as string, Port: 8080 }] }));
    await elb().send(new RegisterTargetsCommand({ TargetGroupArn: tg, Targets: [{ Id: id as string }] }));
    // Assess
    expect((await health(tg)).map((d) => d.Target?.Port)).toEqual([80, 8080]);
  });

  // How fast it runs is measured by `npm run bench:cloud` (never by a timed unit test).
  it('keeps 100 staggered targets healthy through a simulated hour', async () => {
    // Prepare
    cloud.ec2.instanceLimit = 1000;
    const tg = await targetGroup(net, 'web-v001');
    await listener(await loadBalancer(net), tg);
    const ids = await runningInstances(cloud, net, 100);
    for (const id of ids) {
      cloud.elb.registerInstanceTargets(tg, [id]);
      await elapse(cloud, 300);
    }
    let ticks = 0;
    cloud.hooks.on('healthTick', () => ticks++);
    // Act
    await elapse(cloud, 3_600_000);
    // Assess: every target checked every 10 s through the hour
    expect(cloud.elb.healthyCount(tg)).toBe(100);
    expect(ticks).toBeGreaterThanOrEqual(360);
  });
});
