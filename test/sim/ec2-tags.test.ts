/** EC2 DescribeTags on the embedded cloud: one row per tag, the documented filters, paging, terminated instances. */
import { DescribeTagsCommand, paginateDescribeTags, RunInstancesCommand, type TagDescription, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { ec2, elapse, expectCode, world } from './ec2-helpers.js';

describe('EC2 DescribeTags', () => {
  const cloud = cloudPerTest({ seed: 12 });
  let w: Awaited<ReturnType<typeof world>>;
  beforeEach(async () => {
    w = await world();
  });

  const run = async (tags: Record<string, string>): Promise<string> => {
    const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
    const out = await ec2().send(
      new RunInstancesCommand({ ImageId: w.imageId, SubnetId: w.subnetId, MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags }] }),
    );
    return out.Instances?.[0]?.InstanceId as string;
  };
  const describeTags = async (Filters: { Name: string; Values: string[] }[]): Promise<TagDescription[]> => (await ec2().send(new DescribeTagsCommand({ Filters }))).Tags ?? [];
  const rows = (tags: TagDescription[]) => tags.map((t) => `${t.ResourceId} ${t.Key}=${t.Value}`).sort();

  it('lists one row per tag of each resource, with its type', async () => {
    // Prepare
    const id = await run({ Name: 'web', Role: 'builder' });
    // Act
    const tags = await describeTags([{ Name: 'resource-id', Values: [id, w.imageId] }]);
    // Assess
    expect(tags).toEqual(
      expect.arrayContaining([
        { ResourceId: id, ResourceType: 'instance', Key: 'Name', Value: 'web' },
        { ResourceId: id, ResourceType: 'instance', Key: 'Role', Value: 'builder' },
        { ResourceId: w.imageId, ResourceType: 'image', Key: 'redblack:release', Value: '1.0.0' },
      ]),
    );
    expect(tags).toHaveLength(3);
  });

  it('filters by key, value, resource type and tag:<key>, ANDing filters and ORing values', async () => {
    // Prepare
    const a = await run({ Deployment: 'd1', Role: 'builder' });
    const b = await run({ Deployment: 'd1', Role: 'server' });
    const c = await run({ Deployment: 'd2', Role: 'builder' });
    // Act / Assess: key and value are both checked on the same row
    expect(rows(await describeTags([{ Name: 'key', Values: ['Deployment'] }, { Name: 'value', Values: ['d1'] }]))).toEqual(rows([
      { ResourceId: a, Key: 'Deployment', Value: 'd1' },
      { ResourceId: b, Key: 'Deployment', Value: 'd1' },
    ]));
    // A value under another key is no match for key=Role.
    expect(await describeTags([{ Name: 'key', Values: ['Role'] }, { Name: 'value', Values: ['d1'] }])).toEqual([]);
    // Values of one filter are ORed; wildcards work.
    expect(rows(await describeTags([{ Name: 'key', Values: ['Deployment'] }, { Name: 'value', Values: ['d2', 'nope'] }]))).toEqual([`${c} Deployment=d2`]);
    expect(await describeTags([{ Name: 'value', Values: ['d*'] }])).toHaveLength(3);
    // resource-type: the image's tag is not an instance's.
    expect(await describeTags([{ Name: 'resource-type', Values: ['instance'] }, { Name: 'key', Values: ['redblack:release'] }])).toEqual([]);
    expect(await describeTags([{ Name: 'resource-type', Values: ['image'] }])).toEqual([{ ResourceId: w.imageId, ResourceType: 'image', Key: 'redblack:release', Value: '1.0.0' }]);
    // tag:<key>: rows with that key and one of the values.
    expect(rows(await describeTags([{ Name: 'tag:Role', Values: ['builder'] }]))).toEqual([`${a} Role=builder`, `${c} Role=builder`].sort());
    // resource-id with key: each resource's value of one tag.
    expect(rows(await describeTags([{ Name: 'resource-id', Values: [a, b] }, { Name: 'key', Values: ['Role'] }]))).toEqual([`${a} Role=builder`, `${b} Role=server`].sort());
  });

  it('rejects an unknown filter and a MaxResults out of 5..1000', async () => {
    await expectCode(ec2().send(new DescribeTagsCommand({ Filters: [{ Name: 'tag-key', Values: ['x'] }] })), 'InvalidParameterValue');
    await expectCode(ec2().send(new DescribeTagsCommand({ MaxResults: 4 })), 'InvalidParameterValue');
    await expectCode(ec2().send(new DescribeTagsCommand({ MaxResults: 1001 })), 'InvalidParameterValue');
    await expectCode(ec2().send(new DescribeTagsCommand({ DryRun: true })), 'DryRunOperation');
  });

  it('pages with NextToken and MaxResults, each row once, in a stable order', async () => {
    // Prepare: 7 instances × 2 tags
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await run({ N: String(i), Group: 'g' }));
    const Filters = [{ Name: 'resource-type', Values: ['instance'] }];
    // Act
    const first = await ec2().send(new DescribeTagsCommand({ Filters, MaxResults: 5 }));
    const pages: TagDescription[][] = [];
    for await (const page of paginateDescribeTags({ client: ec2(), pageSize: 5 }, { Filters })) pages.push(page.Tags ?? []);
    // Assess
    expect(first.Tags).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();
    expect(pages.map((p) => p.length)).toEqual([5, 5, 4]);
    const all = pages.flat();
    expect(new Set(all.map((t) => `${t.ResourceId} ${t.Key}`)).size).toBe(14);
    expect(all.map((t) => t.ResourceId)).toEqual(ids.flatMap((id) => [id, id]));
    await expectCode(ec2().send(new DescribeTagsCommand({ NextToken: 'garbage' })), 'InvalidParameterValue');
  });

  it('lists a terminated instance while DescribeInstances still shows it, then no more', async () => {
    // Prepare
    const id = await run({ Role: 'builder' });
    await elapse(cloud, 30_000);
    await ec2().send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    await elapse(cloud, 60_000);
    expect(cloud.ec2.instanceState(id)).toBe('terminated');
    // Act / Assess
    expect(rows(await describeTags([{ Name: 'resource-id', Values: [id] }]))).toEqual([`${id} Role=builder`]);
    await elapse(cloud, 3_600_000);
    expect(cloud.ec2.instanceState(id)).toBeUndefined();
    expect(await describeTags([{ Name: 'resource-id', Values: [id] }])).toEqual([]);
  });
});
