import { describeOwnImage } from '../../aws/ec2.js';
import { ImageNotFound } from '../../domain/errors.js';

/** Throws ImageNotFound unless the image is this account's and available (Plan checks it too, before the lock). */
export async function checkOwnImage(imageId: string): Promise<void> {
  const image = await describeOwnImage(imageId);
  if (!image) throw new ImageNotFound(imageId, 'does not exist or is not owned by this account');
  if (image.State !== 'available') throw new ImageNotFound(imageId, `is ${image.State ?? 'in an unknown state'}, not available`);
}
