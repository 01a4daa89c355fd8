/**
 * The bake verdict travels by a durable, prompt channel: the builder tags itself
 * `redblack:bake-result` before it powers off. EC2 posts console output late (the embedded cloud
 * draws a seeded lag per line), so a verdict read from the console could miss a good bake.
 */
import { DescribeInstancesCommand, EC2Client, GetConsoleOutputCommand } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { DemoSession } from '../../local/demo.js';
import { client } from '../../src/aws/clients.js';

let s: DemoSession | undefined;
afterEach(() => {
  s?.dispose();
  s = undefined;
});

const LAG_MS = 20 * 60_000;

describe('bake verdict', () => {
  it('a good bake survives console output posted twenty minutes late', async () => {
    // Prepare
    s = await DemoSession.create('happy', 7);
    s.cloud.ec2.consoleLag(LAG_MS);
    // Act
    const result = await s.run();
    // Assess
    expect(result.outcome).toBe('succeeded');
    expect(result.to).toBe('web-prod-v002');
    // CheckBake decided from the tag: it never needed the console.
    expect(s.cloud.log.filter({ service: 'ec2', operation: 'GetConsoleOutput' })).toEqual([]);
    const builders = s.cloud.log.filter({ service: 'ec2', operation: 'CreateImage', caller: 'checkBake' });
    expect(builders).toHaveLength(1);
  });

  it('the lag is real: when the builder has stopped, its tag says ok while its console does not yet', async () => {
    // Prepare
    s = await DemoSession.create('happy', 7);
    s.cloud.ec2.consoleLag(LAG_MS);
    await s.upload();
    const session = s;
    const stopped = async () => {
      const out = await client(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:redblack:role', Values: ['builder'] }, { Name: 'instance-state-name', Values: ['stopped'] }] }));
      return out.Reservations?.flatMap((r) => r.Instances ?? [])[0];
    };
    let builder: Awaited<ReturnType<typeof stopped>>;
    // Act: drive the clock until the builder has powered off.
    for (let i = 0; i < 600 && !(builder = await stopped()); i++) await session.cloud.clock.advance(1_000);
    const console = await client(EC2Client).send(new GetConsoleOutputCommand({ InstanceId: builder?.InstanceId }));
    // Assess
    expect(builder?.Tags?.find((t) => t.Key === 'redblack:bake-result')?.Value).toBe('ok');
    expect(Buffer.from(console.Output ?? '', 'base64').toString('utf8')).not.toContain('redblack-bake: ok');
  });
});
