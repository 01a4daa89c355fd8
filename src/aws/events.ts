/** EventBridge: deployment notifications users route to SNS, Slack, or anything else. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { NotificationDetail, NotificationType } from '../domain/notifications.js';
import { optionalSetting } from '../env.js';
import { client } from './clients.js';

export type { NotificationType } from '../domain/notifications.js';

/** PutEvents answered 200 but refused the entry (`FailedEntryCount` > 0, the entry's own error code). */
export class EventNotAccepted extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(`EventBridge refused the event: ${code}${detail ? `: ${detail}` : ''}`);
    this.name = 'EventNotAccepted';
  }
}

/**
 * Puts one event on the bus. Throws when the call fails or when EventBridge refuses the entry
 * (PutEvents reports per-entry failures in a successful response, not as an error:
 * https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutEvents.html).
 */
export async function notify<T extends NotificationType>(type: T, detail: NotificationDetail[T] | Record<string, unknown>): Promise<void> {
  const out = await client(EventBridgeClient).send(
    new PutEventsCommand({
      Entries: [{ Source: 'redblack', DetailType: type, Detail: JSON.stringify(detail), EventBusName: optionalSetting('eventBus') }],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0) {
    const entry = out.Entries?.find((e) => e.ErrorCode);
    throw new EventNotAccepted(entry?.ErrorCode ?? 'unknown', entry?.ErrorMessage ?? '');
  }
}
