/** AddTags / RemoveTags / DescribeTags on load balancers, target groups, listeners and rules. */
import type {
  AddTagsCommandInput,
  DescribeTagsCommandInput,
  DescribeTagsCommandOutput,
  RemoveTagsCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { ElbSim } from '../elbv2.js';
import { MAX_TAGS, nonEmpty, tagList, tags } from './validate.js';

type Out<T> = Omit<T, '$metadata'>;

export class Tagging {
  constructor(private readonly sim: ElbSim) {}

  /** The tag map of any taggable resource, or the not-found error of its type. */
  private tagsOf(arn: string): Map<string, string> {
    const s = this.sim.state;
    const resource = arn.split(':').slice(5).join(':');
    if (resource.startsWith('loadbalancer/')) {
      const lb = s.loadBalancers.get(arn);
      if (!lb) throw new AwsFault('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
      return lb.tags;
    }
    if (resource.startsWith('targetgroup/')) {
      const tg = s.targetGroups.get(arn);
      if (!tg) throw new AwsFault('TargetGroupNotFound', `Target groups '${arn}' not found`);
      return tg.tags;
    }
    if (resource.startsWith('listener/')) {
      const l = s.listeners.get(arn);
      if (!l) throw new AwsFault('ListenerNotFound', `Listener '${arn}' not found`);
      return l.tags;
    }
    if (resource.startsWith('listener-rule/')) {
      const r = s.rules.get(arn);
      if (!r) throw new AwsFault('RuleNotFound', `Rule '${arn}' not found`);
      return r.tags;
    }
    throw validationError(`'${arn}' is not a valid resource ARN`);
  }

  private arns(list: string[] | undefined): string[] {
    const arns = nonEmpty(list, 'ResourceArns');
    if (arns.length > 20) throw validationError("You cannot specify more than '20' resources at a time");
    return arns;
  }

  add(input: AddTagsCommandInput): void {
    const arns = this.arns(input.ResourceArns);
    const list = nonEmpty(input.Tags, 'Tags');
    tags(list);
    const maps = arns.map((a) => this.tagsOf(a));
    for (const m of maps) {
      const keys = new Set([...m.keys(), ...list.map((t) => t.Key as string)]);
      if (keys.size > MAX_TAGS) throw new AwsFault('TooManyTags', 'You have reached the limit on the number of tags for this resource');
    }
    for (const m of maps) for (const t of list) m.set(t.Key as string, t.Value ?? '');
  }

  remove(input: RemoveTagsCommandInput): void {
    const arns = this.arns(input.ResourceArns);
    const keys = nonEmpty(input.TagKeys, 'TagKeys');
    const maps = arns.map((a) => this.tagsOf(a));
    for (const m of maps) for (const k of keys) m.delete(k);
  }

  describe(input: DescribeTagsCommandInput): Out<DescribeTagsCommandOutput> {
    const arns = this.arns(input.ResourceArns);
    return { TagDescriptions: arns.map((a) => ({ ResourceArn: a, Tags: tagList(this.tagsOf(a)) })) };
  }
}
