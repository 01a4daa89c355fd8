/**
 * The EC2 adapter's tag lookups (DescribeTags) and terminateInstances' answer to a vanished id,
 * on the embedded cloud.
 */
import { RunInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { instanceIdsTagged, tagValues, terminateInstances } from '../../src/aws/ec2.js';
import { cloudPerTest } from '../sim/common.js';
import { ec2, elapse, world } from '../sim/ec2-helpers.js';

const cloud = cloudPerTest({ seed: 13 });
let w: Awaited<ReturnType<typeof world>>;
beforeEach(async () => {
  w = await world();
});

const run = async (tags: Record<string, string>): Promise<string> => {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await ec2().send(new RunInstancesCommand({ ImageId: w.imageId, SubnetId: w.subnetId, MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags }] }));
  return out.Instances?.[0]?.InstanceId as string;
};
const calls = (operation: string) => cloud.log.filter({ service: 'ec2', operation });
/** An id of the right shape that EC2 does not know. */
const VANISHED = 'i-0123456789abcdef0';

describe('instanceIdsTagged', () => {
  it('finds the instances whose tag has that value, and only instances', async () => {
    // Prepare
    const a = await run({ Deployment: 'd1', Role: 'builder' });
    const b = await run({ Deployment: 'd1' });
    await run({ Deployment: 'd2' });
    await run({ Other: 'd1' });
    // Act
    const ids = await instanceIdsTagged('Deployment', 'd1');
    // Assess
    expect(ids.sort()).toEqual([a, b].sort());
    expect(await instanceIdsTagged('Deployment', 'd3')).toEqual([]);
    expect(calls('DescribeTags').at(-1)?.input).toMatchObject({ MaxResults: 1000 });
  });

  it('keeps only rows of that key and value, once per instance, whatever EC2 answers', async () => {
    // Prepare: an EC2 that reads the filters loosely, pages, and repeats a row
    const a = await run({ Deployment: 'd1' });
    const b = await run({ Deployment: 'd10' });
    const pages = [
      { Tags: [{ ResourceId: a, ResourceType: 'instance' as const, Key: 'Deployment', Value: 'd1' }, { ResourceId: b, ResourceType: 'instance' as const, Key: 'Deployment', Value: 'd10' }], NextToken: 'next' },
      { Tags: [{ ResourceId: b, ResourceType: 'instance' as const, Key: 'Owner', Value: 'd1' }, { ResourceId: a, ResourceType: 'instance' as const, Key: 'Deployment', Value: 'd1' }] },
    ];
    const describe = vi.spyOn(cloud.ec2, 'DescribeTags').mockImplementation((input) => (input.NextToken ? pages[1] : pages[0]) as never);
    // Act
    const ids = await instanceIdsTagged('Deployment', 'd1');
    // Assess
    expect(ids).toEqual([a]);
    expect(describe).toHaveBeenCalledTimes(2);
  });
});

describe('tagValues', () => {
  it("maps each instance to its value of the key; instances without it are absent", async () => {
    // Prepare
    const builder = await run({ Deployment: 'd1', Role: 'builder' });
    const server = await run({ Deployment: 'd1', Role: 'server' });
    const plain = await run({ Deployment: 'd1' });
    // Act
    const roles = await tagValues([builder, server, plain], 'Role');
    // Assess
    expect(roles).toEqual(new Map([[builder, 'builder'], [server, 'server']]));
    expect(await tagValues([], 'Role')).toEqual(new Map());
  });

  it('asks about at most 200 resources per request (EC2 filter limit)', async () => {
    // Prepare: 450 ids, two of them real
    const real = [await run({ Role: 'builder' }), await run({ Role: 'server' })];
    const ids = [...Array.from({ length: 448 }, (_, i) => `i-${(i + 1).toString(16).padStart(17, '0')}`), ...real];
    // Act
    const roles = await tagValues(ids, 'Role');
    // Assess
    expect(roles).toEqual(new Map([[real[0], 'builder'], [real[1], 'server']]));
    const sizes = calls('DescribeTags').map((c) => ((c.input as any).Filters.find((f: any) => f.Name === 'resource-id').Values as string[]).length);
    expect(sizes).toEqual([200, 200, 50]);
  });
});

describe('terminateInstances', () => {
  it('terminates every id in one request and answers the ones not already terminated', async () => {
    // Prepare
    const a = await run({});
    const b = await run({});
    const done = await run({});
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [done] }));
    await elapse(cloud, 60_000);
    // Act
    const terminated = await terminateInstances([a, b, done, a]);
    // Assess
    expect(terminated.sort()).toEqual([a, b].sort());
    expect(calls('TerminateInstances')).toHaveLength(2);
    expect(cloud.ec2.instanceState(a)).toBe('shutting-down');
    expect(cloud.ec2.instanceState(b)).toBe('shutting-down');
  });

  it('when one id no longer exists, still terminates each of the others', async () => {
    // Prepare: EC2 fails the whole request for one unknown id
    const a = await run({});
    const b = await run({});
    // Act
    const terminated = await terminateInstances([a, VANISHED, b]);
    // Assess
    expect(terminated).toEqual([a, b]);
    expect(cloud.ec2.instanceState(a)).toBe('shutting-down');
    expect(cloud.ec2.instanceState(b)).toBe('shutting-down');
    expect(calls('TerminateInstances').map((c) => `${(c.input as any).InstanceIds.join(',')} ${c.outcome}`)).toEqual([
      `${a},${VANISHED},${b} InvalidInstanceID.NotFound`,
      `${a} ok`,
      `${VANISHED} InvalidInstanceID.NotFound`,
      `${b} ok`,
    ]);
  });

  it('answers nothing for nothing or a lone vanished id, and throws any other error', async () => {
    expect(await terminateInstances([])).toEqual([]);
    expect(await terminateInstances([VANISHED])).toEqual([]);
    expect(calls('TerminateInstances')).toHaveLength(1);
    const a = await run({});
    await expect(terminateInstances([a, 'i-bogus'])).rejects.toMatchObject({ name: 'InvalidInstanceID.Malformed' });
    expect(cloud.ec2.instanceState(a)).toBe('pending');
  });
});
