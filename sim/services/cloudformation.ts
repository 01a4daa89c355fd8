/**
 * CloudFormation, as far as a stack's consumers see it: DescribeStacks of the stacks registered
 * here (the local stack registers itself, with the outputs serverless.yml declares). Creating
 * stacks from templates is left out: the local runner builds the resources through each service.
 */
import type * as cfn from '@aws-sdk/client-cloudformation';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';

type Out<T> = Omit<T, '$metadata'>;

interface StackRecord {
  name: string;
  id: string;
  createdAt: number;
  outputs: Record<string, string>;
  description?: string;
}

export class CloudFormationSim {
  private readonly stacks = new Map<string, StackRecord>();

  constructor(readonly ctx: SimContext) {}

  // ---- internal methods ----

  /** A stack in CREATE_COMPLETE with these outputs (what `serverless deploy` leaves behind). */
  registerStack(name: string, outputs: Record<string, string>, description?: string): string {
    const id = `arn:aws:cloudformation:${this.ctx.region}:${this.ctx.accountId}:stack/${name}/${this.ctx.rng.hex(8)}-${this.ctx.rng.hex(4)}-${this.ctx.rng.hex(4)}-${this.ctx.rng.hex(4)}-${this.ctx.rng.hex(12)}`;
    this.stacks.set(name, { name, id, createdAt: this.ctx.clock.now(), outputs: { ...outputs }, ...(description ? { description } : {}) });
    return id;
  }

  // ---- operations ----

  DescribeStacks(input: cfn.DescribeStacksCommandInput): Out<cfn.DescribeStacksCommandOutput> {
    const wanted = input.StackName;
    const found = wanted === undefined ? [...this.stacks.values()] : [...this.stacks.values()].filter((s) => s.name === wanted || s.id === wanted);
    // AWS answers an unknown stack name with a 400 ValidationError, not an empty list
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
    if (wanted !== undefined && found.length === 0) throw new AwsFault('ValidationError', `Stack with id ${wanted} does not exist`);
    return {
      Stacks: found.map((s) => ({
        StackName: s.name,
        StackId: s.id,
        CreationTime: new Date(s.createdAt),
        StackStatus: 'CREATE_COMPLETE',
        ...(s.description ? { Description: s.description } : {}),
        Outputs: Object.entries(s.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      })),
    };
  }
}
