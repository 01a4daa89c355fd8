/** Auto Scaling DescribeAccountLimits on the embedded cloud: the Region's group quota and how much of it is used. */
import { AutoScalingClient, DescribeAccountLimitsCommand } from '@aws-sdk/client-auto-scaling';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import type { EmbeddedCloud } from '../../sim/cloud.js';
import { createCloud } from '../../local/cloud.js';
import { seedDemoWorld } from '../../local/demo-world.js';

let cloud: EmbeddedCloud;
beforeEach(async () => {
  cloud = await createCloud({ seed: 4 });
});
afterEach(() => cloud.dispose());

it('counts the groups against the quota (200 by default, settable)', async () => {
  const before = await client(AutoScalingClient).send(new DescribeAccountLimitsCommand({}));
  await seedDemoWorld({});
  cloud.autoscaling.groupLimit = 10;
  const after = await client(AutoScalingClient).send(new DescribeAccountLimitsCommand({}));
  expect(before).toMatchObject({ MaxNumberOfAutoScalingGroups: 200, NumberOfAutoScalingGroups: 0 });
  expect(after).toMatchObject({ MaxNumberOfAutoScalingGroups: 10, NumberOfAutoScalingGroups: 1 });
});
