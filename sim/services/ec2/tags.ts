/** CreateTags / DeleteTags across every EC2 resource the simulator keeps (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateTags.html). */
import type { CreateTagsCommandInput, CreateTagsCommandOutput, DeleteTagsCommandInput, DeleteTagsCommandOutput } from '@aws-sdk/client-ec2';
import { applyTags, checkId, dryRun, fault, invalidParam, need, type Tags, validateTags } from './common.js';
import type { Images } from './images.js';
import type { Instances } from './instances.js';
import type { Network } from './network.js';
import type { Ec2Store } from './store.js';
import type { LaunchTemplates } from './templates.js';

type Out<T> = Omit<T, '$metadata'>;

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
