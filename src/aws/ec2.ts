/**
 * EC2 calls: bake builders, images and launch template versions. The reads and deletes that
 * housekeeping sends (teardown, undo, the image check) go without the client, in ./ec2-query.ts.
 */
import {
  CreateImageCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  EC2Client,
  GetConsoleOutputCommand,
  type Image,
  type Instance,
  type LaunchTemplateVersion,
  RunInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { client } from './clients.js';
import {
  describeImages,
  describeInstances,
  describeLaunchTemplateVersions,
  describeTags,
  deregisterImageCall,
  type ImageSummary,
  type InstanceSummary,
  type LaunchTemplateVersionSummary,
  terminateInstancesCall,
} from './ec2-query.js';
import { isAwsError, tolerate } from './not-found.js';
import { pages } from './signed-call.js';

const ec2 = () => client(EC2Client);

/** InvalidAMIID.NotFound, .Unavailable, .Malformed: no such image, as far as the caller can use. */
const NO_SUCH_IMAGE = /^InvalidAMIID\./;

/** RunInstances with a caller-chosen ClientToken, so a retried step never launches twice. */
export async function runInstance(input: RunInstancesCommandInput & { ClientToken: string }): Promise<Instance> {
  const out = await ec2().send(new RunInstancesCommand({ ...input, MinCount: 1, MaxCount: 1 }));
  const instance = out.Instances?.[0];
  if (!instance?.InstanceId) throw new Error('RunInstances returned no instance');
  return instance;
}

export async function describeInstance(id: string): Promise<Instance | undefined> {
  const out = await tolerate('InvalidInstanceID.NotFound', ec2().send(new DescribeInstancesCommand({ InstanceIds: [id] })));
  return out?.Reservations?.[0]?.Instances?.[0];
}

/** Instances with all the given tags, in any state but terminated. */
export async function instancesTagged(tags: Record<string, string>): Promise<InstanceSummary[]> {
  const found: InstanceSummary[] = [];
  const Filters = [
    ...Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] })),
    { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped', 'shutting-down'] },
  ];
  for (const page of await pages((NextToken) => describeInstances({ Filters, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }))) {
    for (const r of page.Reservations ?? []) found.push(...(r.Instances ?? []));
  }
  return found;
}

/**
 * Ids of instances whose tag `key` is `value`, from DescribeTags: its output is a few strings per
 * tag where DescribeInstances' carries whole instances. Terminated
 * instances stay listed while EC2 still shows them. Key and value are checked here too, so the
 * answer does not hang on how EC2 reads the filters.
 */
export async function instanceIdsTagged(key: string, value: string): Promise<string[]> {
  const Filters = [
    { Name: 'resource-type', Values: ['instance'] },
    { Name: 'key', Values: [key] },
    { Name: 'value', Values: [value] },
  ];
  const ids = new Set<string>();
  for (const page of await pages((NextToken) => describeTags({ Filters, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }))) {
    for (const t of page.Tags ?? []) if (t.Key === key && t.Value === value && t.ResourceId) ids.add(t.ResourceId);
  }
  return [...ids];
}

/** EC2 takes at most 200 values per filter. */
const FILTER_VALUES = 200;

/** Each resource's value of tag `key` (resources without it are absent), from DescribeTags. */
export async function tagValues(ids: string[], key: string): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (let i = 0; i < ids.length; i += FILTER_VALUES) {
    const Filters = [
      { Name: 'resource-id', Values: ids.slice(i, i + FILTER_VALUES) },
      { Name: 'key', Values: [key] },
    ];
    for (const page of await pages((NextToken) => describeTags({ Filters, MaxResults: 1000, ...(NextToken ? { NextToken } : {}) }))) {
      for (const t of page.Tags ?? []) if (t.Key === key && t.ResourceId) values.set(t.ResourceId, t.Value ?? '');
    }
  }
  return values;
}

export async function consoleOutput(id: string): Promise<string> {
  const out = await ec2().send(new GetConsoleOutputCommand({ InstanceId: id, Latest: true }));
  return out.Output ? Buffer.from(out.Output, 'base64').toString('utf8') : '';
}

/**
 * Terminates instances; ids already gone are not an error (TerminateInstances is idempotent on a
 * terminated instance, but one id EC2 no longer knows fails the whole request with
 * InvalidInstanceID.NotFound: then each id is retried on its own, so a vanished one spares no other).
 * Returns the ids that were not already terminated.
 */
export async function terminateInstances(ids: string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const terminate = async (InstanceIds: string[]): Promise<string[]> => {
    const out = await terminateInstancesCall({ InstanceIds });
    return (out.TerminatingInstances ?? []).filter((c) => c.PreviousState?.Name !== 'terminated').flatMap((c) => c.InstanceId ?? []);
  };
  try {
    return await terminate(unique);
  } catch (err) {
    if (!isAwsError(err, 'InvalidInstanceID.NotFound')) throw err;
    if (unique.length === 1) return [];
  }
  const terminated: string[] = [];
  for (const id of unique) terminated.push(...(await tolerate('InvalidInstanceID.NotFound', terminate([id]), [] as string[])));
  return terminated;
}

export async function describeImage(id: string): Promise<Image | undefined> {
  const out = await tolerate(NO_SUCH_IMAGE, ec2().send(new DescribeImagesCommand({ ImageIds: [id] })));
  return out?.Images?.[0];
}

/** The image if this account owns it; foreign and unknown ids both come back undefined. */
export async function describeOwnImage(id: string): Promise<ImageSummary | undefined> {
  const out = await tolerate(NO_SUCH_IMAGE, describeImages({ ImageIds: [id], Owners: ['self'] }));
  return out?.Images?.[0];
}

export async function findImageByName(name: string): Promise<Image | undefined> {
  const out = await ec2().send(new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }));
  return out.Images?.[0];
}

export async function imagesTagged(tags: Record<string, string>): Promise<ImageSummary[]> {
  const found: ImageSummary[] = [];
  const Filters = Object.entries(tags).map(([k, v]) => ({ Name: `tag:${k}`, Values: [v] }));
  for (const page of await pages((NextToken) => describeImages({ Owners: ['self'], Filters, ...(NextToken ? { NextToken } : {}) }))) found.push(...(page.Images ?? []));
  return found;
}

/** CreateImage, idempotent by name: when the name is taken, the image of that name is returned. */
export async function createImage(instanceId: string, name: string, tags: { Key: string; Value: string }[]): Promise<string> {
  try {
    const out = await ec2().send(
      new CreateImageCommand({
        InstanceId: instanceId,
        Name: name,
        TagSpecifications: [
          { ResourceType: 'image', Tags: tags },
          { ResourceType: 'snapshot', Tags: tags },
        ],
      }),
    );
    if (!out.ImageId) throw new Error('CreateImage returned no image id');
    return out.ImageId;
  } catch (err) {
    if (!isAwsError(err, 'InvalidAMIName.Duplicate')) throw err;
    const existing = await findImageByName(name);
    if (!existing?.ImageId) throw err;
    return existing.ImageId;
  }
}

export async function deregisterImage(id: string): Promise<void> {
  await tolerate(NO_SUCH_IMAGE, deregisterImageCall({ ImageId: id, DeleteAssociatedSnapshots: true }));
}

export async function launchTemplateVersions(templateId: string, versions: string[]): Promise<LaunchTemplateVersionSummary[]> {
  const out = await describeLaunchTemplateVersions({ LaunchTemplateId: templateId, Versions: versions });
  return out.LaunchTemplateVersions ?? [];
}

/** The versions newer than `after`, newest first: where a retried step finds the version it made. */
export async function launchTemplateVersionsAfter(templateId: string, after: number): Promise<LaunchTemplateVersion[]> {
  const out = await ec2().send(
    new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, MinVersion: String(after + 1) }),
  );
  return (out.LaunchTemplateVersions ?? []).sort((a, b) => (b.VersionNumber ?? 0) - (a.VersionNumber ?? 0));
}

export async function launchTemplateByName(name: string): Promise<{ id: string; defaultVersion: number } | undefined> {
  const out = await tolerate(/NotFound/, ec2().send(new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [name] })));
  const t = out?.LaunchTemplates?.[0];
  return t?.LaunchTemplateId ? { id: t.LaunchTemplateId, defaultVersion: t.DefaultVersionNumber ?? 1 } : undefined;
}

export async function createLaunchTemplateVersion(input: {
  templateId: string;
  sourceVersion: number;
  imageId: string;
  description: string;
}): Promise<number> {
  const out = await ec2().send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: input.templateId,
      SourceVersion: String(input.sourceVersion),
      VersionDescription: input.description,
      LaunchTemplateData: { ImageId: input.imageId },
    }),
  );
  const n = out.LaunchTemplateVersion?.VersionNumber;
  if (n === undefined) throw new Error('CreateLaunchTemplateVersion returned no version');
  return n;
}
