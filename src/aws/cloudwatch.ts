/** CloudWatch: which of the given alarms are firing; the alarms behind scaling policies, for the clone. */
import { CloudWatchClient, DescribeAlarmsCommand, type MetricAlarm, PutMetricAlarmCommand, type PutMetricAlarmCommandInput } from '@aws-sdk/client-cloudwatch';
import { client } from './clients.js';

/** Names of the alarms, among `names`, in state ALARM. One call per 100 names. */
export async function alarmsInAlarm(names: string[]): Promise<string[]> {
  const firing: string[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const out = await client(CloudWatchClient).send(
      new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), StateValue: 'ALARM', MaxRecords: 100 }),
    );
    // The state is checked here too: an emulator (moto) that ignores StateValue next to AlarmNames
    // would otherwise make every watched alarm look as if it fired.
    for (const a of [...(out.MetricAlarms ?? []), ...(out.CompositeAlarms ?? [])]) if (a.AlarmName && a.StateValue === 'ALARM') firing.push(a.AlarmName);
  }
  return firing;
}

/** The metric alarms of these names (one call per 100 names). */
export async function metricAlarms(names: string[]): Promise<MetricAlarm[]> {
  const alarms: MetricAlarm[] = [];
  for (let i = 0; i < names.length; i += 100) {
    const out = await client(CloudWatchClient).send(new DescribeAlarmsCommand({ AlarmNames: names.slice(i, i + 100), AlarmTypes: ['MetricAlarm'], MaxRecords: 100 }));
    alarms.push(...(out.MetricAlarms ?? []));
  }
  return alarms;
}

/** Creates or replaces an alarm (idempotent by name). */
export async function putAlarm(input: PutMetricAlarmCommandInput): Promise<void> {
  await client(CloudWatchClient).send(new PutMetricAlarmCommand(input));
}
