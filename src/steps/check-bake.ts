/**
 * CheckBake, polled by the state machine: builder stopped → read its console verdict and create
 * the image; image available → terminate the builder and go on. Every failure path terminates the
 * builder first, so no bake ever leaves an instance behind.
 */
import { consoleOutput, createImage, describeImage, describeInstance, terminateInstances } from '../aws/ec2.js';
import { identityTags } from '../aws/tags.js';
import { BakeFailed, BakeTimedOut } from '../domain/errors.js';
import { imageName } from '../domain/names.js';
import { parseBakeConsole } from '../domain/user-data.js';
import type { DeploymentState, ImageProgress } from './state.js';

/** Poll while the install runs; image snapshots take minutes, so poll those a little slower. */
export const BAKE_POLL_SECONDS = 15;
export const IMAGE_POLL_SECONDS = 20;

export async function checkBake(state: DeploymentState): Promise<ImageProgress> {
  const progress = state.image;
  if (!progress?.builderId) throw new BakeFailed('no builder was launched');
  const builderId = progress.builderId;
  const timeoutMinutes = state.config.bake?.timeoutMinutes ?? 0;
  const fail = async (err: Error): Promise<never> => {
    await terminateInstances([builderId]);
    throw err;
  };
  const overdue = Date.now() > (progress.deadline ?? Infinity);

  if (progress.imageId) {
    const image = await describeImage(progress.imageId);
    if (image?.State === 'available') {
      await terminateInstances([builderId]);
      return { status: 'done', imageId: progress.imageId, builderId, waitSeconds: 0 };
    }
    if (!image || image.State === 'failed' || image.State === 'error' || image.State === 'invalid') {
      return fail(new BakeFailed(`image ${progress.imageId} is ${image?.State ?? 'gone'}`, builderId));
    }
    if (overdue) return fail(new BakeTimedOut(timeoutMinutes, builderId));
    return { ...progress, status: 'imaging', waitSeconds: IMAGE_POLL_SECONDS };
  }

  const builder = await describeInstance(builderId);
  const s = builder?.State?.Name;
  if (!builder || s === 'terminated' || s === 'shutting-down') {
    return fail(new BakeFailed(`builder is ${s ?? 'gone'} (${builder?.StateReason?.Message ?? 'no reason given'})`, builderId));
  }
  if (s === 'stopped') {
    const verdict = parseBakeConsole(await consoleOutput(builderId));
    if (verdict === 'pending') return fail(new BakeFailed('builder powered off without reporting a result', builderId));
    if (verdict !== 'ok') return fail(new BakeFailed(verdict.failed, builderId));
    const tags = identityTags({ cluster: state.cluster, deployment: state.deployment, release: state.release });
    const imageId = await createImage(builderId, imageName(state.cluster, state.release, state.deployment), tags);
    return { ...progress, status: 'imaging', imageId, waitSeconds: IMAGE_POLL_SECONDS };
  }
  if (overdue) return fail(new BakeTimedOut(timeoutMinutes, builderId));
  return { ...progress, status: 'baking', waitSeconds: BAKE_POLL_SECONDS };
}
