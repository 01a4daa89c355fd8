/**
 * What a deployment tells the outside world: lifecycle notifications on EventBridge, one INFO log
 * line per progress change, metrics. None of it may hurt a deployment: a notification that fails
 * is logged, counted (`NotificationsFailed`) and returned as a warning, never thrown — past the
 * commit point a thrown error would be retried into a rollback of a deployment that succeeded.
 */
import { notify } from '../../aws/events.js';
import type { ApprovalRequestedDetail, NotificationDetail, NotificationType, StepChangedDetail } from '../../domain/notifications.js';
import { notificationWarning, summarize } from '../../domain/notifications.js';
import { logger } from '../../lambda/logger.js';
import { count, METRIC } from '../../lambda/metrics.js';

/** Publishes the notification; on failure logs and counts it and returns the warning text. */
export async function announce<T extends NotificationType>(type: T, detail: NotificationDetail[T]): Promise<string | undefined> {
  try {
    await notify(type, { ...detail, summary: summarize(type, detail) });
    return undefined;
  } catch (err) {
    const e = err as Error;
    // The first line: SDK deserialization errors append a paragraph of advice.
    const warning = notificationWarning(type, `${e.name}: ${e.message.split('\n')[0]}`);
    logger.warn('notification not delivered', { notification: type, error: e.name, detail: e.message });
    count(detail.cluster, METRIC.notificationsFailed);
    return warning;
  }
}

/** A progress change: one INFO line with the same fields as the `Deployment Step Changed` event. */
export async function reportProgress(detail: StepChangedDetail): Promise<string | undefined> {
  logger.info('progress', { ...detail });
  return announce('Deployment Step Changed', detail);
}

/**
 * For a gate that waits for a person (manual approval): announces the request. Call it when the
 * gate starts waiting; the returned warning (if any) belongs in the step's result.
 */
export async function requestApproval(detail: ApprovalRequestedDetail): Promise<string | undefined> {
  logger.info('approval requested', { ...detail });
  return announce('Deployment Approval Requested', detail);
}
