/** VerifyImage: a prebaked image must be ours (owned by this account) and available. */
import { describeOwnImage } from '../aws/ec2.js';
import { ImageNotFound } from '../domain/errors.js';
import { requireState } from './require-state.js';
import type { DeploymentState, ImageProgress } from './state.js';

export async function verifyImage(state: DeploymentState): Promise<ImageProgress> {
  requireState(state, { imageId: 'string' });
  const imageId = state.imageId as string;
  await checkOwnImage(imageId);
  return { status: 'done', imageId, waitSeconds: 0 };
}

/** Throws ImageNotFound unless the image is this account's and available (Plan checks it too, before the lock). */
export async function checkOwnImage(imageId: string): Promise<void> {
  const image = await describeOwnImage(imageId);
  if (!image) throw new ImageNotFound(imageId, 'does not exist or is not owned by this account');
  if (image.State !== 'available') throw new ImageNotFound(imageId, `is ${image.State ?? 'in an unknown state'}, not available`);
}
