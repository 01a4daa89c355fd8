/**
 * The undo's builder clean-up (shared by Rollback and Recover), on the demo world: the
 * deployment's builders are found by tags alone (DescribeTags) and terminated; its group
 * instances, which carry the deployment's tag too, and other deployments' builders are left alone.
 */
import { EC2Client, RunInstancesCommand, StopInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it, vi } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { TAG } from '../../src/aws/tags.js';
import { rollback } from '../../src/steps/rollback.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { runAsCaller } from '../../sim/caller.js';
import { perTest } from '../fixture.js';
import { openWorld, plannedState } from '../functions/helpers.js';

const s = perTest(() => openWorld());
const DEPLOYMENT = 'web-prod-undo-0000000000000000';
/** An id of the right shape that EC2 no longer knows. */
const VANISHED = 'i-0123456789abcdef0';

async function launch(imageId: string, tags: Record<string, string>): Promise<string> {
  const Tags = Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
  const out = await client(EC2Client).send(new RunInstancesCommand({ ImageId: imageId, MinCount: 1, MaxCount: 1, TagSpecifications: [{ ResourceType: 'instance', Tags }] }));
  return out.Instances?.[0]?.InstanceId as string;
}

async function failed(): Promise<DeploymentState> {
  return { ...(await plannedState(s, DEPLOYMENT)), error: { Error: 'BakeFailed', Cause: 'test' } };
}

describe('the undo of a deployment', () => {
  it("terminates the deployment's builders only: not its group instances, not another deployment's builder", async () => {
    // Prepare
    const state = await failed();
    const imageId = state.imageId as string;
    const mine = { [TAG.cluster]: state.cluster, [TAG.deployment]: DEPLOYMENT };
    const builder = await launch(imageId, { ...mine, [TAG.role]: 'builder' });
    const stoppedBuilder = await launch(imageId, { ...mine, [TAG.role]: 'builder' });
    const groupInstance = await launch(imageId, { ...mine, [TAG.serverGroup]: state.next.serverGroup });
    const baselineInstance = await launch(imageId, { ...mine, [TAG.role]: 'baseline' });
    const otherBuilder = await launch(imageId, { [TAG.cluster]: state.cluster, [TAG.deployment]: 'web-prod-other-0000000000000000', [TAG.role]: 'builder' });
    const goneBuilder = await launch(imageId, { ...mine, [TAG.role]: 'builder' });
    await s.cloud.clock.advance(120_000);
    // A builder powers itself off after its bake; one may already be terminated (CheckBake's).
    await client(EC2Client).send(new StopInstancesCommand({ InstanceIds: [stoppedBuilder] }));
    s.cloud.ec2.terminateForGroup(goneBuilder);
    await s.cloud.clock.advance(120_000);
    expect([stoppedBuilder, goneBuilder].map((id) => s.cloud.ec2.instanceState(id))).toEqual(['stopped', 'terminated']);
    // Act
    const result = await runAsCaller('rollback', () => rollback(state));
    // Assess
    const state_ = (id: string) => s.cloud.ec2.instanceState(id);
    expect([builder, stoppedBuilder].map(state_)).toEqual(['shutting-down', 'shutting-down']);
    expect([groupInstance, baselineInstance, otherBuilder].map(state_)).toEqual(['running', 'running', 'running']);
    // Deleted: what this undo terminated (the builder already gone is not news).
    expect(result.deleted.sort()).toEqual([builder, stoppedBuilder].sort());
    // The lookup reads tags, not instances.
    const ec2Calls = s.cloud.log.filter({ service: 'ec2', caller: 'rollback' }).map((c) => c.operation);
    expect(ec2Calls).not.toContain('DescribeInstances');
    expect(ec2Calls).toContain('DescribeTags');
  });

  it('still terminates a builder when another one EC2 listed has vanished meanwhile', async () => {
    // Prepare: DescribeTags still lists a builder EC2 has since forgotten
    const state = await failed();
    const builder = await launch(state.imageId as string, { [TAG.deployment]: DEPLOYMENT, [TAG.role]: 'builder' });
    const real = s.cloud.ec2.DescribeTags.bind(s.cloud.ec2);
    const vanished = [
      { ResourceId: VANISHED, ResourceType: 'instance' as const, Key: TAG.deployment, Value: DEPLOYMENT },
      { ResourceId: VANISHED, ResourceType: 'instance' as const, Key: TAG.role, Value: 'builder' },
    ];
    vi.spyOn(s.cloud.ec2, 'DescribeTags').mockImplementation((input) => {
      const out = real(input);
      const fields = { key: 'Key', value: 'Value', 'resource-id': 'ResourceId', 'resource-type': 'ResourceType' } as const;
      const listed = vanished.filter((row) => (input.Filters ?? []).every((f) => f.Values?.includes(row[fields[f.Name as keyof typeof fields]])));
      return { ...out, Tags: [...listed, ...(out.Tags ?? [])] };
    });
    // Act
    const result = await runAsCaller('rollback', () => rollback(state));
    // Assess
    expect(s.cloud.ec2.instanceState(builder)).toBe('shutting-down');
    expect(result.deleted).toContain(builder);
    expect(result.deleted).not.toContain(VANISHED);
    const terminations = s.cloud.log.filter({ service: 'ec2', operation: 'TerminateInstances' }).map((c) => c.outcome);
    expect(terminations).toEqual(['InvalidInstanceID.NotFound', 'InvalidInstanceID.NotFound', 'ok']);
  });

  it('terminates nothing when the deployment made no builder', async () => {
    // Prepare
    const state = await failed();
    const other = await launch(state.imageId as string, { [TAG.deployment]: 'web-prod-other-0000000000000000', [TAG.role]: 'builder' });
    // Act
    await runAsCaller('rollback', () => rollback(state));
    // Assess
    expect(s.cloud.log.filter({ service: 'ec2', operation: 'TerminateInstances' })).toEqual([]);
    expect(s.cloud.ec2.instanceState(other)).toBe('pending');
  });
});
