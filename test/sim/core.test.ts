import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { client } from '../../src/aws/clients.js';
import { createCloud } from '../../local/cloud.js';

describe('embedded cloud core', () => {
  const cloud = cloudPerTest({ seed: 7 });
  beforeEach(async () => {
    (cloud.ec2 as any).DescribeRegions = () => ({ Regions: [{ RegionName: 'us-east-1' }] });
  });

  it('answers a real SDK client in process and logs the call', async () => {
    // Act
    const out = await client(EC2Client).send(new DescribeRegionsCommand({}));
    // Assess
    expect(out.Regions?.[0]?.RegionName).toBe('us-east-1');
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(cloud.log.calls).toHaveLength(1);
    expect(cloud.log.calls[0]).toMatchObject({ service: 'ec2', operation: 'DescribeRegions', outcome: 'ok', mutating: false });
  });

  it('lets the SDK retry injected throttling, with back-off on the virtual clock', async () => {
    // Prepare
    cloud.faults.throttle('ec2', 'DescribeRegions', 2);
    const t0 = cloud.clock.now();
    let done = false;
    let result: any;
    // Act
    void client(EC2Client)
      .send(new DescribeRegionsCommand({}))
      .then((r) => ((result = r), (done = true)));
    await cloud.clock.runUntil(() => done, { limitMs: 60_000 });
    // Assess
    expect(result.$metadata.attempts).toBe(3);
    expect(cloud.log.calls.map((c) => c.outcome)).toEqual(['RequestLimitExceeded', 'RequestLimitExceeded', 'ok']);
    expect(cloud.clock.now()).toBeGreaterThan(t0);
  });

  it('fails loudly on an operation the cloud does not simulate', async () => {
    await expect(client(EC2Client).send(new (await import('@aws-sdk/client-ec2')).DescribeVpcsCommand({}))).rejects.toThrow(/ec2:DescribeVpcs is not simulated/);
  });
});

describe('idempotency tokens the SDK fills in', () => {
  it('reach the simulator as AWS sees them', async () => {
    // Prepare
    const cloud = await createCloud({ seed: 3 });
    try {
      const { RunInstancesCommand, RegisterImageCommand } = await import('@aws-sdk/client-ec2');
      const img = await client(EC2Client).send(new RegisterImageCommand({ Name: 'base-image', RootDeviceName: '/dev/xvda' }));
      // Act
      await client(EC2Client).send(new RunInstancesCommand({ ImageId: img.ImageId, MinCount: 1, MaxCount: 1, InstanceType: 't3.micro' }));
      // Assess
      const call = cloud.log.filter({ operation: 'RunInstances' })[0];
      expect((call?.input as { ClientToken?: string }).ClientToken).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      cloud.dispose();
    }
  });
});
