/** EventBridge: deployment notifications users route to SNS, Slack, or anything else. */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { optionalSetting } from '../env.js';
import { client } from './clients.js';

export type NotificationType = 'Deployment Succeeded' | 'Deployment Rolled Back' | 'Deployment Failed' | 'Canary Judged' | 'Approval Requested';

export async function notify(type: NotificationType, detail: Record<string, unknown>): Promise<void> {
  await client(EventBridgeClient).send(
    new PutEventsCommand({
      Entries: [{ Source: 'redblack', DetailType: type, Detail: JSON.stringify(detail), EventBusName: optionalSetting('eventBus') }],
    }),
  );
}
