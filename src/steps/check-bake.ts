/**
 * CheckBake, polled by the state machine: builder stopped → read its verdict tag and create
 * the image; image available → terminate the builder and go on. Every failure path terminates the
 * builder first, so no bake ever leaves an instance behind.
 */
import { consoleOutput, createImage, describeImage, describeInstance, terminateInstances } from '../aws/ec2.js';
import { identityTags, TAG } from '../aws/tags.js';
import { BakeFailed, BakeTimedOut } from '../domain/errors.js';
import { imageName } from '../domain/names.js';
import { expectedAt, FIRST_BUILDER_LOOK_SECONDS, FIRST_IMAGE_LOOK_SECONDS, learnedSeconds, pollSeconds } from '../domain/poll.js';
import { parseBakeConsole, parseBakeTag } from '../domain/user-data.js';
import { logger } from '../lambda/logger.js';
import { PLANNED, requireState } from './shared/require-state.js';
import type { DeploymentState, ImageProgress } from './shared/state.js';

export async function checkBake(state: DeploymentState): Promise<ImageProgress> {
  requireState(state, PLANNED, { 'image.builderId': 'string' });
  const progress = state.image as ImageProgress;
  const builderId = progress.builderId as string;
  const timeoutMinutes = state.config.bake?.timeoutMinutes ?? 0;
  const fail = async (err: Error): Promise<never> => {
    await terminateInstances([builderId]);
    logger.info('bake cleaned up', { deleted: [builderId], kept: [], reason: err.message });
    throw err;
  };
  const now = Date.now();
  const overdue = now > (progress.deadline ?? Infinity);
  // Polls are timed from the phase's start to when the live group's bake says it ends (domain/poll.ts).
  const learned = state.live?.bakeSeconds;
  const since = progress.phaseSince ?? now;
  const expect = (seconds: number | undefined, first: number) => expectedAt(since, seconds, first);
  const deadline = progress.deadline === undefined ? {} : { deadline: progress.deadline };
  const pending = (status: 'baking' | 'imaging', expectedAt: number): ImageProgress => ({
    ...progress,
    status,
    phaseSince: since,
    lastPendingAt: now,
    waitSeconds: pollSeconds({ now, since, expectedAt, early: learned !== undefined, ...deadline }),
  });

  if (progress.imageId) {
    const image = await describeImage(progress.imageId);
    if (image?.State === 'available') {
      await terminateInstances([builderId]);
      const took = { ...progress.took, image: learnedSeconds({ since, lastPendingAt: progress.lastPendingAt, expectedAt: expect(learned?.image, FIRST_IMAGE_LOOK_SECONDS) }) };
      return { status: 'done', imageId: progress.imageId, builderId, waitSeconds: 0, took };
    }
    if (!image || image.State === 'failed' || image.State === 'error' || image.State === 'invalid') {
      return fail(new BakeFailed(`image ${progress.imageId} is ${image?.State ?? 'gone'}`, builderId));
    }
    if (overdue) return fail(new BakeTimedOut(timeoutMinutes, builderId));
    return pending('imaging', expect(learned?.image, FIRST_IMAGE_LOOK_SECONDS));
  }

  const builder = await describeInstance(builderId);
  const s = builder?.State?.Name;
  if (!builder || s === 'terminated' || s === 'shutting-down') {
    return fail(new BakeFailed(`builder is ${s ?? 'gone'} (${builder?.StateReason?.Message ?? 'no reason given'})`, builderId));
  }
  if (s === 'stopped') {
    // The verdict is the tag the builder set on itself before powering off; the console (posted
    // late by EC2, so possibly still empty) is read only when there is no tag, and for diagnostics.
    const tagged = parseBakeTag(builder.Tags?.find((t) => t.Key === TAG.bakeResult)?.Value);
    const verdict = tagged !== 'pending' ? tagged : parseBakeConsole(await consoleOutput(builderId));
    if (verdict === 'pending') return fail(new BakeFailed('builder powered off without reporting a result (no redblack:bake-result tag, nothing on the console)', builderId));
    if (verdict !== 'ok') return fail(new BakeFailed(verdict.failed, builderId));
    const tags = identityTags({ cluster: state.cluster, deployment: state.deployment, release: state.release });
    const imageId = await createImage(builderId, imageName(state.cluster, state.release, state.deployment), tags);
    const builderTook = learnedSeconds({ since, lastPendingAt: progress.lastPendingAt, expectedAt: expect(learned?.builder, FIRST_BUILDER_LOOK_SECONDS) });
    const imageAt = expectedAt(now, learned?.image, FIRST_IMAGE_LOOK_SECONDS);
    return {
      status: 'imaging',
      builderId,
      imageId,
      ...deadline,
      phaseSince: now,
      took: { builder: builderTook },
      waitSeconds: pollSeconds({ now, since: now, expectedAt: imageAt, early: learned?.image !== undefined, ...deadline }),
    };
  }
  if (overdue) return fail(new BakeTimedOut(timeoutMinutes, builderId));
  return pending('baking', expect(learned?.builder, FIRST_BUILDER_LOOK_SECONDS));
}
