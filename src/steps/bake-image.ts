/**
 * BakeImage: launch a builder from the base image whose user data fetches the artifact, runs the
 * install command and powers off. The ClientToken is derived from the deployment, so a retried
 * step gets the same builder back instead of a second one.
 */
import { createHash } from 'node:crypto';
import type { _InstanceType } from '@aws-sdk/client-ec2';
import { runInstance } from '../aws/ec2.js';
import { getParameter } from '../aws/ssm.js';
import { identityTags, TAG } from '../aws/tags.js';
import { ImageNotFound, InvalidClusterConfig } from '../domain/errors.js';
import { expectedAt, FIRST_BUILDER_LOOK_SECONDS, pollSeconds } from '../domain/poll.js';
import { bakeUserData } from '../domain/user-data.js';
import { optionalSetting } from '../env.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, ImageProgress } from './shared/state.js';

export const builderToken = (deployment: string): string => `redblack-bake-${createHash('sha256').update(deployment).digest('hex').slice(0, 40)}`;

export async function bakeImage(state: DeploymentState): Promise<ImageProgress> {
  requireState(state, PLANNED, { artifact: 'object' });
  const bake = state.config.bake;
  if (!bake) throw new InvalidClusterConfig(state.cluster, 'bake', 'is required to bake an artifact');
  if (!state.artifact) throw new InvalidClusterConfig(state.cluster, 'bake', 'nothing to bake: no artifact');
  const baseImage = bake.baseImageId ?? (await getParameter(bake.baseImageParameter as string));
  if (!baseImage) throw new ImageNotFound(bake.baseImageParameter ?? '(base image)', 'base image parameter does not exist');
  const profile = bake.instanceProfile ?? optionalSetting('builderInstanceProfile');
  const tags = [
    ...identityTags({ cluster: state.cluster, deployment: state.deployment, release: state.release }),
    { Key: TAG.role, Value: 'builder' },
    { Key: 'Name', Value: `redblack-bake-${state.cluster}-${state.release}` },
  ];
  const instance = await runInstance({
    ClientToken: builderToken(state.deployment),
    ImageId: baseImage,
    InstanceType: bake.instanceType as _InstanceType,
    SubnetId: bake.subnetId,
    SecurityGroupIds: bake.securityGroupIds.length > 0 ? bake.securityGroupIds : undefined,
    IamInstanceProfile: profile ? (profile.startsWith('arn:') ? { Arn: profile } : { Name: profile }) : undefined,
    UserData: bakeUserData({ ...state.artifact, installCommand: bake.installCommand }),
    InstanceInitiatedShutdownBehavior: 'stop',
    TagSpecifications: [{ ResourceType: 'instance', Tags: tags }],
    MinCount: 1,
    MaxCount: 1,
  });
  const now = Date.now();
  const deadline = now + bake.timeoutMinutes * 60_000;
  // The live group's bake tells how long a bake of this cluster takes; without it, the first look.
  const firstLook = expectedAt(now, state.live?.bakeSeconds?.builder, FIRST_BUILDER_LOOK_SECONDS);
  return {
    status: 'baking',
    builderId: instance.InstanceId as string,
    deadline,
    phaseSince: now,
    waitSeconds: pollSeconds({ now, since: now, expectedAt: firstLook, early: state.live?.bakeSeconds?.builder !== undefined, deadline }),
  };
}
