/**
 * Helpers for pipeline tests: the samples of `events/`, quiet uploads, deploys of further
 * releases, and starting executions the way the console does, all on a DemoSession's world.
 */
import { readFileSync } from 'node:fs';
import { EC2Client, RegisterImageCommand } from '@aws-sdk/client-ec2';
import { DisableRuleCommand, EnableRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { client } from '../../src/aws/clients.js';
import { identityTags } from '../../src/aws/tags.js';
import type { ExecutionSummary } from '../../sim/services/sfn/execution.js';
import type { DemoSession } from '../../local/demo.js';

/** A sample of `events/`, parsed afresh (tests patch their copy). */
export function sample<T = any>(file: string): T {
  return JSON.parse(readFileSync(new URL(`../../events/${file}`, import.meta.url), 'utf8')) as T;
}

const UPLOAD_RULE = (s: DemoSession) => `redblack-${s.stack.stage}-artifact-uploaded`;

/**
 * Uploads an object WITHOUT the stack's S3 → EventBridge rule delivering it, so the test's own
 * (sample) event is the only delivery the trigger sees. Returns the object's real identity.
 */
export async function quietUpload(s: DemoSession, key: string): Promise<{ versionId: string; etag: string }> {
  await client(EventBridgeClient).send(new DisableRuleCommand({ Name: UPLOAD_RULE(s) }));
  const out = await client(S3Client).send(new PutObjectCommand({ Bucket: s.stack.bucket, Key: key, Body: `artifact ${key}` }));
  // Let S3's (now unrouted) notification go by before the rule is switched back on.
  await s.cloud.clock.advance(5_000);
  await client(EventBridgeClient).send(new EnableRuleCommand({ Name: UPLOAD_RULE(s) }));
  return { versionId: out.VersionId as string, etag: (out.ETag as string).replace(/"/g, '') };
}

/** Uploads release `release` the normal way (S3 → EventBridge → trigger) and waits for its execution to end. */
export async function deployRelease(s: DemoSession, release: string): Promise<ExecutionSummary> {
  const ended = s.cloud.sfn.executions().filter((e) => e.status !== 'RUNNING').length;
  await s.upload(`releases/${s.world.cluster}/${release}/web-${release}.tgz`);
  return s.awaitExecutions(ended + 1);
}

/** StartExecution through the SFN client, as the console or CLI does; waits for the end when asked. */
export async function startConsole(s: DemoSession, name: string, input: unknown): Promise<string> {
  const out = await client(SFNClient).send(new StartExecutionCommand({ stateMachineArn: s.stack.stateMachineArn, name, input: JSON.stringify(input) }));
  return out.executionArn as string;
}

/** Drives the clock until the execution has ended. */
export async function awaitExecution(s: DemoSession, arn: string, limitMs = 6 * 3600_000): Promise<ExecutionSummary> {
  await s.cloud.clock.runUntil(() => s.cloud.sfn.execution(arn)?.status !== 'RUNNING', { limitMs });
  return s.cloud.sfn.execution(arn) as ExecutionSummary;
}

/** A prebaked image of the cluster, registered through the API with the standard tags. */
export async function registerImage(s: DemoSession, release: string): Promise<string> {
  const out = await client(EC2Client).send(
    new RegisterImageCommand({
      Name: `redblack/${s.world.cluster}/${release}/prebaked`,
      Architecture: 'arm64',
      RootDeviceName: '/dev/xvda',
      VirtualizationType: 'hvm',
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 8, VolumeType: 'gp3' } }],
      TagSpecifications: [{ ResourceType: 'image', Tags: identityTags({ cluster: s.world.cluster, deployment: 'prebaked', release }) }],
    }),
  );
  return out.ImageId as string;
}

/** Successful mutating calls since `mark`, as `caller:service:Operation`, for readable failures. */
export function mutations(s: DemoSession, mark: number, caller?: string): string[] {
  return s.cloud.log
    .mutationsSince(mark)
    .filter((c) => caller === undefined || c.caller === caller)
    .map((c) => `${c.caller ?? '-'}:${c.service}:${c.operation}`);
}
