/** CloudFormation on the embedded cloud: DescribeStacks of a registered stack, through the real SDK client. */
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';
import { createCloud } from '../../local/cloud.js';
import { expectCode } from './common.js';

describe('CloudFormation', () => {
  let cloud: EmbeddedCloud;
  beforeEach(async () => {
    cloud = await createCloud({ seed: 3 });
  });
  afterEach(() => cloud.dispose());

  it('describes a registered stack by name or id: CREATE_COMPLETE with its outputs', async () => {
    const id = cloud.cloudformation.registerStack('redblack-local', { DeploymentsTableName: 'redblack-local-deployments' });
    const byName = await client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: 'redblack-local' }));
    const byId = await client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: id }));
    expect(id).toMatch(/^arn:aws:cloudformation:us-east-1:123456789012:stack\/redblack-local\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(byName.Stacks).toEqual([
      expect.objectContaining({ StackName: 'redblack-local', StackId: id, StackStatus: 'CREATE_COMPLETE', Outputs: [{ OutputKey: 'DeploymentsTableName', OutputValue: 'redblack-local-deployments' }] }),
    ]);
    expect(byId.Stacks?.[0]?.StackName).toBe('redblack-local');
    expect(cloud.log.filter({ service: 'cloudformation', operation: 'DescribeStacks' })).toHaveLength(2);
  });

  it('answers an unknown stack with ValidationError "does not exist", as AWS does', async () => {
    await expectCode(client(CloudFormationClient).send(new DescribeStacksCommand({ StackName: 'redblack-prod' })), 'ValidationError', {
      message: 'Stack with id redblack-prod does not exist',
      $metadata: expect.objectContaining({ httpStatusCode: 400 }),
    });
  });
});
