/** VerifyImage: a prebaked image must be ours (owned by this account) and available. */
import { checkOwnImage } from './shared/own-image.js';
import { requireState } from './shared/require-state.js';
import type { DeploymentState, ImageProgress } from './shared/state.js';

export async function verifyImage(state: DeploymentState): Promise<ImageProgress> {
  requireState(state, { imageId: 'string' });
  const imageId = state.imageId as string;
  await checkOwnImage(imageId);
  return { status: 'done', imageId, waitSeconds: 0 };
}
