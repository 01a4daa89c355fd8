/**
 * The cluster configuration: one JSON document per cluster in SSM at `/redblack/clusters/<cluster>`.
 * Every object is strict (a misspelt key is an error, not a silently ignored setting) and every
 * optional field has the default documented beside it, so the parsed value is complete.
 */
// zod/mini: the same checks as zod's classic API, a fraction of its bundle and init (no method chains).
import * as z from 'zod/mini';
import { unknownApprovalSteps } from './approval.js';
import { approvalSchema } from './approval-config.js';
import { canarySchema } from './canary/config.js';
import { minimumStepSeconds } from './canary/rules.js';
import { InvalidClusterConfig } from './errors.js';
import { windowsSchema } from './windows-config.js';
import { IMAGE_ID_PATTERN, SECURITY_GROUP_ID_PATTERN, SUBNET_ID_PATTERN, VPC_ID_PATTERN } from './ids.js';
import { describeIssues, preview, summarize } from './issues.js';
import { stepsProblem } from './traffic.js';

const int = (min: number, max: number) =>
  z.int().check(z.minimum(min, { error: `must be an integer from ${min} to ${max}` }), z.maximum(max, { error: `must be an integer from ${min} to ${max}` }));

const pattern = (re: RegExp, what: string) => z.string().check(z.regex(re, { error: `must be ${what}` }));
/** A string of `min`–`max` characters. */
const text = (min: number, max: number) =>
  z.string().check(z.minLength(min, { error: 'must not be empty' }), z.maxLength(max, { error: `must be at most ${max} characters` }));

const subnetId = pattern(SUBNET_ID_PATTERN, 'a subnet id (subnet- and 8 or 17 hex digits)');
const securityGroupId = pattern(SECURITY_GROUP_ID_PATTERN, 'a security group id (sg- and 8 or 17 hex digits)');
const vpcId = pattern(VPC_ID_PATTERN, 'a VPC id (vpc- and 8 or 17 hex digits)');
const alarmNames = z._default(z.array(text(1, 255)), []);

const ELB_ARN = /^arn:aws[-a-z]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:(.+)$/;
const LISTENER_RESOURCE = /^listener\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+\/[0-9a-f]+$/;
const RULE_RESOURCE = /^listener-rule\/app\/[A-Za-z0-9-]{1,32}\/[0-9a-f]+\/[0-9a-f]+\/[0-9a-f]+$/;

/** What kind of ELBv2 ARN a string is, to tell the user which ARN they pasted instead. */
function elbArnKind(arn: string): string | undefined {
  const m = ELB_ARN.exec(arn);
  if (!m) return undefined;
  const resource = m[1] as string;
  if (LISTENER_RESOURCE.test(resource)) return 'listener';
  if (RULE_RESOURCE.test(resource)) return 'listener-rule';
  if (/^listener(-rule)?\/(net|gwy)\//.test(resource)) return 'non-ALB listener';
  return resource.split('/')[0];
}

const elbArn = (want: 'listener' | 'listener-rule', shape: string) =>
  z.string().check(
    z.superRefine((arn, ctx) => {
      const kind = elbArnKind(arn);
      if (kind === want) return;
      const got = kind === undefined ? `${preview(arn)}, which is not an Elastic Load Balancing ARN` : `a ${kind} ARN`;
      ctx.addIssue({ code: 'custom', message: `must be an Application Load Balancer ${want} ARN (${shape}), got ${got}` });
    }),
  );

/** Settings of the builder instance that bakes an artifact into an AMI. */
const bakeSchema = z
  .strictObject({
    /** Base AMI to install onto (`ami-` + 8 or 17 hex). Exactly one of this or `baseImageParameter`. */
    baseImageId: z.optional(pattern(IMAGE_ID_PATTERN, 'an AMI id (ami- and 8 or 17 hex digits)')),
    /** SSM parameter holding the base AMI id, e.g. `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64`. */
    baseImageParameter: z.optional(
      pattern(/^(?:(?:\/[A-Za-z0-9_.-]+)+|[A-Za-z0-9_.-]+)$/, 'an SSM parameter name (letters, digits, _ . - and / levels)').check(
        z.maxLength(1011, { error: 'must be at most 1011 characters' }),
      ),
    ),
    /** Builder instance type. Default `t3.small`. */
    instanceType: z._default(pattern(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, 'an EC2 instance type such as t3.small'), 't3.small'),
    /** Subnet the builder runs in (needs a route to S3 and the package sources). Required. */
    subnetId,
    /** Security groups of the builder. Default none (the VPC's default group). */
    securityGroupIds: z._default(z.array(securityGroupId).check(z.maxLength(5, { error: 'must list at most 5 security groups' })), []),
    /** Instance profile (name or ARN) that may read the artifact from S3. Optional. */
    instanceProfile: z.optional(
      pattern(/^(?:[\w+=,.@-]{1,128}|arn:aws[-a-z]*:iam::\d{12}:instance-profile\/[\w+=,.@/-]{1,128})$/, 'an instance profile name or instance-profile ARN'),
    ),
    /** Shell command run on the builder; the downloaded artifact's path is appended as its last argument. Default `/opt/redblack/install.sh`. */
    installCommand: z._default(text(1, 4096), '/opt/redblack/install.sh'),
    /** Minutes the bake (boot, install, image) may take. Default 30, 5–240. */
    timeoutMinutes: z._default(int(5, 240), 30),
  })
  .check(
    z.superRefine((bake, ctx) => {
      const given = [bake.baseImageId, bake.baseImageParameter].filter((v) => v !== undefined).length;
      if (given !== 1)
        ctx.addIssue({
          code: 'custom',
          path: [given === 0 ? 'baseImageId' : 'baseImageParameter'],
          message: given === 0 ? 'one of baseImageId or baseImageParameter is required' : 'give baseImageId or baseImageParameter, not both',
        });
    }),
  );

/** Target group settings for a cluster's first group (later groups clone the live one's). */
const targetGroupSchema = z.strictObject({
  /** VPC of the target group. Required. */
  vpcId,
  /** Port the instances serve on. Default 80. */
  port: z._default(int(1, 65535), 80),
  /** Default `HTTP`. */
  protocol: z._default(z.enum(['HTTP', 'HTTPS'], { error: 'must be HTTP or HTTPS' }), 'HTTP'),
  /** Health check path. Default `/`. */
  healthCheckPath: z._default(pattern(/^\/.{0,1023}$/s, 'a path starting with / (at most 1024 characters)'), '/'),
  /** Seconds between health checks. Default 10, 5–300. */
  healthCheckIntervalSeconds: z._default(int(5, 300), 10),
  /** Consecutive passes before a target is healthy. Default 3, 2–10. */
  healthyThresholdCount: z._default(int(2, 10), 3),
  /** Consecutive failures before a target is unhealthy. Default 2, 2–10. */
  unhealthyThresholdCount: z._default(int(2, 10), 2),
  /** Seconds a deregistered target drains. Default 60, 0–3600. */
  deregistrationDelaySeconds: z._default(int(0, 3600), 60),
});

/** How to create a cluster's first server group; ignored once a live group exists (it is cloned). */
const launchSchema = z
  .strictObject({
    /** Launch template the first group pins a version of. Required. */
    launchTemplateName: pattern(/^[A-Za-z0-9().\-/_]{3,128}$/, 'a launch template name (3-128 of letters, digits and ( ) . - / _)'),
    /** Subnets of the group. At least one. */
    subnets: z.array(subnetId).check(z.minLength(1, { error: 'must list at least one subnet' })),
    /** Default 1. */
    minSize: z._default(int(0, 1000), 1),
    /** Default 4. */
    maxSize: z._default(int(0, 1000), 4),
    /** Default 2; minSize ≤ desiredCapacity ≤ maxSize. */
    desiredCapacity: z._default(int(0, 1000), 2),
    /** `ELB` replaces instances the load balancer finds unhealthy. Default `ELB`. */
    healthCheckType: z._default(z.enum(['ELB', 'EC2'], { error: 'must be ELB or EC2' }), 'ELB'),
    /** Seconds after launch before health checks count. Default 300. */
    healthCheckGracePeriodSeconds: z._default(int(0, 7200), 300),
    /** Required. */
    targetGroup: targetGroupSchema,
  })
  .check(
    z.superRefine((l, ctx) => {
      if (l.minSize > l.maxSize) ctx.addIssue({ code: 'custom', path: ['maxSize'], message: `must be at least minSize (${l.minSize}), got ${l.maxSize}` });
      else if (l.desiredCapacity < l.minSize || l.desiredCapacity > l.maxSize)
        ctx.addIssue({ code: 'custom', path: ['desiredCapacity'], message: `must be between minSize (${l.minSize}) and maxSize (${l.maxSize}), got ${l.desiredCapacity}` });
    }),
  );

/** When a new group is healthy enough to take traffic. */
const healthGateSchema = z.strictObject({
  /** Minutes the new group has to become healthy. Default 20, 1–120. */
  timeoutMinutes: z._default(int(1, 120), 20),
  /** Percent of desired capacity that must be healthy targets. Default 100, 1–100. */
  minHealthyPercent: z._default(int(1, 100), 100),
  /** CloudWatch alarms that fail the gate when in ALARM. Default none. */
  alarmNames,
});

/** How traffic moves to the new group. */
const trafficSchema = z.strictObject({
  /** Percent of traffic on the new group per step: strictly increasing, 1–100, ending at 100, ≤ 10 steps. Default [100]. */
  steps: z._default(
    z.array(z.number()).check(
      z.superRefine((steps, ctx) => {
        const p = stepsProblem(steps);
        if (p) ctx.addIssue({ code: 'custom', path: p.index === undefined ? [] : [p.index], message: p.problem });
      }),
    ),
    [100],
  ),
  /** Seconds to watch between steps (none after the last). Default 300, 0–3600. */
  waitSeconds: z._default(int(0, 3600), 300),
  /** CloudWatch alarms that roll the deployment back when in ALARM during the shift. Default none. */
  alarmNames,
});

/** What happens to old groups. */
const teardownSchema = z.strictObject({
  /** Minutes the previous group is kept (for a fast rollback) before its teardown. Default 120, 0–10080. */
  retainMinutes: z._default(int(0, 10080), 120),
  /** Groups kept per cluster, counting the live one. Default 2, 1–10. */
  maxRemainingGroups: z._default(int(1, 10), 2),
  /** Scale the previous group to 0 right after the swap instead of keeping it warm. Default false. */
  scaleDownOld: z._default(z.boolean(), false),
  /** Days an image of a torn-down group is kept before it is deregistered. Default 30, 1–3650. */
  imageRetentionDays: z._default(int(1, 3650), 30),
});

export const clusterConfigSchema = z
  .strictObject({
    /** ALB listener whose default action is swapped. Exactly one of this or `ruleArn`. */
    listenerArn: z.optional(elbArn('listener', 'arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<name>/<id>/<id>')),
    /** ALB listener rule whose forward action is swapped. */
    ruleArn: z.optional(elbArn('listener-rule', 'arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/<name>/<id>/<id>/<id>')),
    /** Bake settings; absent for a cluster that only deploys prebaked images. */
    bake: z.optional(bakeSchema),
    /** First-deploy settings; absent when the cluster already has a live group. */
    launch: z.optional(launchSchema),
    healthGate: z.prefault(healthGateSchema, {}),
    traffic: z.prefault(trafficSchema, {}),
    teardown: z.prefault(teardownSchema, {}),
    /** Restore the listener and delete the new group when a step fails. Default true. */
    rollbackOnFailure: z._default(z.boolean(), true),
    /** The canary judge between traffic steps (src/domain/canary/config.ts). Absent: alarms only. */
    canary: z.optional(canarySchema),
    /** Manual judgment before traffic steps (src/domain/approval.ts). Absent: no approval. */
    approval: z.optional(approvalSchema),
    /** When deployments may start (src/domain/windows.ts). Absent or empty: any time. */
    windows: z.optional(windowsSchema),
    /** Outside every window (or in a freeze): wait for the next opening, up to 5 hours, instead of refusing. Default false. */
    waitForWindow: z.optional(z.boolean()),
  })
  .check(
    z.superRefine((c, ctx) => {
      if (c.listenerArn === undefined && c.ruleArn === undefined)
        ctx.addIssue({ code: 'custom', path: ['listenerArn'], message: 'one of listenerArn or ruleArn is required' });
      if (c.listenerArn !== undefined && c.ruleArn !== undefined)
        ctx.addIssue({ code: 'custom', path: ['ruleArn'], message: 'give listenerArn or ruleArn, not both' });
      if (c.canary !== undefined) canaryProblems(c, ctx);
      const unknown = c.approval === undefined ? [] : unknownApprovalSteps(c.approval, c.traffic.steps);
      if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: ['approval', 'beforeSteps'], message: `must be values of traffic.steps (${c.traffic.steps.join(', ')}), got ${unknown.join(', ')}` });
    }),
  );

/** The judge needs a step before 100 % and a wait long enough for its samples. */
function canaryProblems(c: { canary?: z.output<typeof canarySchema> | undefined; traffic: { steps: number[]; waitSeconds: number } }, ctx: { addIssue(issue: { code: 'custom'; path: (string | number)[]; message: string }): void }): void {
  if (c.canary?.baseline === 'fresh') {
    // The fresh baseline takes the canary's weight from the live group's share (live = 100 − 2w).
    const over = c.traffic.steps.findIndex((s) => s > 50 && s < 100);
    if (over >= 0) ctx.addIssue({ code: 'custom', path: ['traffic', 'steps', over], message: `must be at most 50 with canary.baseline fresh (the baseline takes as much traffic as the canary, the live group keeps 100 − 2 × step), got ${c.traffic.steps[over]}` });
  }
  if (c.traffic.steps.length < 2) ctx.addIssue({ code: 'custom', path: ['canary'], message: 'needs traffic.steps with at least one step before 100 (the judge runs during a step\'s wait)' });
  else if (c.traffic.waitSeconds < minimumStepSeconds(c.canary as z.output<typeof canarySchema>))
    ctx.addIssue({ code: 'custom', path: ['traffic', 'waitSeconds'], message: `must be at least ${minimumStepSeconds(c.canary as z.output<typeof canarySchema>)} for the canary judge to gather its samples (one datapoint a minute), got ${c.traffic.waitSeconds}` });
}

export type ClusterConfig = z.output<typeof clusterConfigSchema>;
export type ClusterConfigInput = z.input<typeof clusterConfigSchema>;

/**
 * Checks a cluster's configuration and fills in defaults. Accepts the parsed document or the raw
 * SSM string. Throws InvalidClusterConfig naming the first bad field (and counting the others).
 */
export function parseClusterConfig(json: unknown, cluster: string): ClusterConfig {
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (e) {
      throw new InvalidClusterConfig(cluster, '', `is not valid JSON (${(e as Error).message})`);
    }
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new InvalidClusterConfig(cluster, '', 'must be a JSON object');
  const result = clusterConfigSchema.safeParse(doc, { reportInput: true });
  if (result.success) return result.data;
  const { field, problem } = summarize(describeIssues(result.error.issues));
  throw new InvalidClusterConfig(cluster, field, problem);
}
