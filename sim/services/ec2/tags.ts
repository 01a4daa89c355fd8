/**
 * CreateTags / DeleteTags / DescribeTags across every EC2 resource the simulator keeps
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html,
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html).
 */
import type {
  CreateTagsCommandInput,
  CreateTagsCommandOutput,
  DeleteTagsCommandInput,
  DeleteTagsCommandOutput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  ResourceType,
} from '@aws-sdk/client-ec2';
import { applyFilters, applyTags, checkId, dryRun, fault, invalidParam, need, paginate, type Tags, validateTags } from './common.js';
import type { Images } from './images.js';
import type { Instances } from './instances.js';
import type { Network } from './network.js';
import type { Ec2Store } from './store.js';
import type { LaunchTemplates } from './templates.js';

type Out<T> = Omit<T, '$metadata'>;

interface TagRow {
  seq: number;
  id: string;
  type: ResourceType;
  key: string;
  value: string;
}
/** Rows per resource in the paging order: above the 50 user tags plus the aws: ones EC2 adds. */
const ROW_SLOTS = 1024;

export class Tagging {
  constructor(
    private readonly store: Ec2Store,
    private readonly parts: { instances: Instances; images: Images; templates: LaunchTemplates; network: Network },
  ) {}

  CreateTags(input: CreateTagsCommandInput): Out<CreateTagsCommandOutput> {
    const targets = this.targets(need(input.Resources, 'ResourceId'));
    const tags = need(input.Tags, 'Tag');
    validateTags(tags);
    // Check the 50-tag limit on every resource before tagging any of them.
    for (const [id, t] of targets) applyTags(new Map(t), tags, id);
    dryRun(input);
    for (const [id, t] of targets) applyTags(t, tags, id);
    return {};
  }

  DeleteTags(input: DeleteTagsCommandInput): Out<DeleteTagsCommandOutput> {
    const targets = this.targets(need(input.Resources, 'ResourceId'));
    for (const t of input.Tags ?? []) {
      if (t.Key?.toLowerCase().startsWith('aws:')) throw invalidParam(`Tag keys starting with 'aws:' are reserved for internal use`);
    }
    dryRun(input);
    for (const [, t] of targets) {
      if (!input.Tags) {
        for (const k of [...t.keys()]) if (!k.startsWith('aws:')) t.delete(k);
        continue;
      }
      // A tag given with a value is deleted only when the value matches.
      for (const d of input.Tags) if (d.Key !== undefined && (d.Value === undefined || t.get(d.Key) === d.Value)) t.delete(d.Key);
    }
    return {};
  }

  /**
   * One row per (resource, tag), aws: tags included, ordered by resource then key. Filters: key,
   * value, resource-id, resource-type, and tag:<key> read as "this row is <key> with one of the
   * values". Terminated instances are listed as long as DescribeInstances shows them.
   */
  DescribeTags(input: DescribeTagsCommandInput): Out<DescribeTagsCommandOutput> {
    const rows: TagRow[] = [];
    const add = (type: ResourceType, records: Iterable<{ seq: number; id: string; tags: Tags }>) => {
      for (const r of records) {
        // A row's place in the paging order: its resource's creation sequence, then its key.
        [...r.tags.keys()].sort().forEach((key, i) => rows.push({ seq: r.seq * ROW_SLOTS + i, id: r.id, type, key, value: r.tags.get(key) as string }));
      }
    };
    add('instance', this.store.instances.values());
    add('image', this.store.images.values());
    add('snapshot', this.store.snapshots.values());
    add('launch-template', this.store.templates.values());
    add('vpc', this.store.vpcs.values());
    add('subnet', this.store.subnets.values());
    add('security-group', this.store.securityGroups.values());
    const matching = applyFilters(rows, input.Filters, (row, name) => {
      if (name === 'key') return [row.key];
      if (name === 'value') return [row.value];
      if (name === 'resource-id') return [row.id];
      if (name === 'resource-type') return [row.type];
      if (name.startsWith('tag:')) return row.key === name.slice(4) ? [row.value] : [];
      return undefined;
    });
    const { page, nextToken } = paginate(matching, input.MaxResults, input.NextToken, { min: 5, max: 1000 });
    dryRun(input);
    return { Tags: page.map((r) => ({ ResourceId: r.id, ResourceType: r.type, Key: r.key, Value: r.value })), NextToken: nextToken };
  }

  private targets(ids: string[]): [string, Tags][] {
    if (ids.length > 1000) throw invalidParam('The maximum number of resource IDs per request is 1000.');
    return ids.map((id): [string, Tags] => [id, this.tagsOf(id)]);
  }

  private tagsOf(id: string): Tags {
    const p = this.parts;
    const prefix = id.slice(0, id.indexOf('-'));
    switch (prefix) {
      case 'i':
        return (p.instances.resolve([id])[0] as { tags: Tags }).tags;
      case 'ami':
        return p.images.get(id).tags;
      case 'snap': {
        const s = this.store.snapshots.get(checkId(id, 'snap', 'InvalidSnapshotID'));
        if (!s) throw fault('InvalidSnapshot.NotFound', `The snapshot '${id}' does not exist.`);
        return s.tags;
      }
      case 'lt':
        return p.templates.find({ LaunchTemplateId: id }, true).tags;
      case 'vpc':
        return p.network.vpc(id).tags;
      case 'subnet':
        return p.network.subnet(id).tags;
      case 'sg':
        return p.network.securityGroup(id).tags;
      default:
        throw fault('InvalidID', `The ID '${id}' is not valid`);
    }
  }
}
