/**
 * What Auto Scaling reads from EC2 and ELBv2 beyond their internal contract (subnet zones,
 * launch templates, instance details, deregistration delay): it asks their simulated read
 * operations in process, never through the SDK (no call-log entries), and copes with either a
 * sync or an async answer, or with the operation not being simulated at all.
 */
import type {
  DescribeInstancesCommandInput,
  DescribeInstancesCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeSubnetsCommandInput,
  DescribeSubnetsCommandOutput,
} from '@aws-sdk/client-ec2';
import type {
  DescribeTargetGroupAttributesCommandInput,
  DescribeTargetGroupAttributesCommandOutput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LaunchTemplateSpecification } from '@aws-sdk/client-auto-scaling';
import { AwsFault, validationError } from '../../aws-fault.js';
import type { SimContext } from '../../context.js';

type Maybe<T> = T | Promise<T>;
interface Ec2Reads {
  DescribeSubnets?(i: DescribeSubnetsCommandInput): Maybe<Omit<DescribeSubnetsCommandOutput, '$metadata'>>;
  DescribeLaunchTemplates?(i: DescribeLaunchTemplatesCommandInput): Maybe<Omit<DescribeLaunchTemplatesCommandOutput, '$metadata'>>;
  DescribeInstances?(i: DescribeInstancesCommandInput): Maybe<Omit<DescribeInstancesCommandOutput, '$metadata'>>;
}
interface ElbReads {
  DescribeTargetGroupAttributes?(i: DescribeTargetGroupAttributesCommandInput): Maybe<Omit<DescribeTargetGroupAttributesCommandOutput, '$metadata'>>;
}

export interface InstanceDetails {
  instanceType?: string;
  az?: string;
  imageId?: string;
  version?: number;
}

/** ELBv2's default `deregistration_delay.timeout_seconds`. */
export const DEFAULT_DEREGISTRATION_DELAY_S = 300;

export class Peers {
  constructor(private readonly ctx: SimContext) {}

  private get ec2(): Ec2Reads {
    return this.ctx.ec2 as unknown as Ec2Reads;
  }

  /** Subnet → AZ. Unknown subnets fail the way Auto Scaling reports them. */
  async subnetZones(subnets: string[]): Promise<Map<string, string>> {
    const zones = new Map<string, string>();
    const describe = this.ec2.DescribeSubnets;
    if (typeof describe === 'function') {
      for (const id of subnets) {
        try {
          const out = await describe.call(this.ctx.ec2, { SubnetIds: [id] });
          const az = out.Subnets?.[0]?.AvailabilityZone;
          if (az) zones.set(id, az);
        } catch (err) {
          if (err instanceof AwsFault) throw validationError(`The subnet ID '${id}' does not exist`);
          throw err;
        }
      }
    }
    // EC2 without subnets simulated: spread the subnets over the region's zones a, b, c, …
    subnets.forEach((id, i) => {
      if (!zones.has(id)) zones.set(id, `${this.ctx.region}${String.fromCharCode(97 + (i % 6))}`);
    });
    return zones;
  }

  /** Fill in the template's id and name; reject unknown templates and versions. */
  async resolveTemplate(spec: LaunchTemplateSpecification): Promise<LaunchTemplateSpecification> {
    const resolved: LaunchTemplateSpecification = { ...spec, Version: spec.Version ?? '$Default' };
    const describe = this.ec2.DescribeLaunchTemplates;
    if (typeof describe !== 'function') return resolved;
    let out: Omit<DescribeLaunchTemplatesCommandOutput, '$metadata'>;
    try {
      out = await describe.call(
        this.ctx.ec2,
        spec.LaunchTemplateId ? { LaunchTemplateIds: [spec.LaunchTemplateId] } : { LaunchTemplateNames: [spec.LaunchTemplateName as string] },
      );
    } catch (err) {
      if (err instanceof AwsFault) throw validationError(`You must use a valid fully-formed launch template. ${err.message}`);
      throw err;
    }
    const lt = out.LaunchTemplates?.[0];
    if (!lt) {
      throw validationError(
        `You must use a valid fully-formed launch template. The specified launch template, with template ${spec.LaunchTemplateId ? `ID ${spec.LaunchTemplateId}` : `name ${spec.LaunchTemplateName}`}, does not exist.`,
      );
    }
    const v = Number(resolved.Version);
    if (Number.isInteger(v) && lt.LatestVersionNumber !== undefined && v > lt.LatestVersionNumber) {
      throw validationError(`You must use a valid fully-formed launch template. The specified launch template version ${v} does not exist for ${lt.LaunchTemplateId}.`);
    }
    resolved.LaunchTemplateId = lt.LaunchTemplateId;
    resolved.LaunchTemplateName = lt.LaunchTemplateName;
    return resolved;
  }

  /** Instance type, zone, image and template version of a launched instance, when EC2 tells. */
  instanceDetails(id: string, fill: (d: InstanceDetails) => void): void {
    const describe = this.ec2.DescribeInstances;
    if (typeof describe !== 'function') return;
    const use = (out: Omit<DescribeInstancesCommandOutput, '$metadata'>) => {
      const i = out.Reservations?.[0]?.Instances?.[0];
      if (!i) return;
      const version = Number(i.Tags?.find((t) => t.Key === 'aws:ec2launchtemplate:version')?.Value);
      fill({
        instanceType: i.InstanceType,
        az: i.Placement?.AvailabilityZone,
        imageId: i.ImageId,
        version: Number.isInteger(version) ? version : undefined,
      });
    };
    try {
      const out = describe.call(this.ctx.ec2, { InstanceIds: [id] });
      if (out instanceof Promise) out.then(use, () => undefined);
      else use(out);
    } catch {
      // Not visible yet (eventual consistency): the describe output just lacks the details.
    }
  }

  /** The target group's deregistration delay in ms; `set` may be called later if ELB answers async. */
  deregistrationDelayMs(targetGroupArn: string, set: (ms: number) => void): number {
    const fallback = DEFAULT_DEREGISTRATION_DELAY_S * 1000;
    const describe = (this.ctx.elb as unknown as ElbReads).DescribeTargetGroupAttributes;
    if (typeof describe !== 'function') return fallback;
    const read = (out: Omit<DescribeTargetGroupAttributesCommandOutput, '$metadata'>) => {
      const v = Number(out.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value);
      return Number.isFinite(v) ? v * 1000 : fallback;
    };
    try {
      const out = describe.call(this.ctx.elb, { TargetGroupArn: targetGroupArn });
      if (out instanceof Promise) {
        out.then((o) => set(read(o)), () => undefined);
        return fallback;
      }
      return read(out);
    } catch {
      return fallback;
    }
  }
}
