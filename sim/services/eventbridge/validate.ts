/** Input checks for EventBridge rules and targets, with AWS's messages. */
import type { Target } from '@aws-sdk/client-eventbridge';
import { AwsFault } from '../../aws-fault.js';

export const validation = (message: string) => new AwsFault('ValidationException', message);

/** The service-model constraint message AWS returns for a bad parameter. */
export function constraint(field: string, value: unknown, rule: string): AwsFault {
  return validation(`1 validation error detected: Value '${String(value)}' at '${field}' failed to satisfy constraint: ${rule}`);
}

const NAME = /^[.\-_A-Za-z0-9]+$/;

export function checkName(field: string, value: string | undefined, max = 64): string {
  if (value === undefined || value === '') throw constraint(field, value ?? null, 'Member must not be null');
  if (value.length > max) throw constraint(field, value, `Member must have length less than or equal to ${max}`);
  if (!NAME.test(value)) throw constraint(field, value, 'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+');
  return value;
}

export function checkTarget(t: Target, index: number): void {
  const at = `targets.${index + 1}.member`;
  checkName(`${at}.id`, t.Id);
  if (!t.Arn) throw constraint(`${at}.arn`, null, 'Member must not be null');
  if (t.Arn.length > 1600) throw constraint(`${at}.arn`, t.Arn, 'Member must have length less than or equal to 1600');
  const transforms = [t.Input, t.InputPath, t.InputTransformer].filter((x) => x !== undefined).length;
  if (transforms > 1) throw validation('Only one of Input, InputPath, or InputTransformer must be provided.');
  if (t.InputTransformer !== undefined) throw validation('InputTransformer is not simulated by the embedded cloud.');
  if (t.Input !== undefined) {
    if (t.Input.length > 8192) throw constraint(`${at}.input`, t.Input, 'Member must have length less than or equal to 8192');
    try {
      JSON.parse(t.Input);
    } catch {
      throw validation(`Target ${t.Id}: Input is not valid JSON text.`);
    }
  }
  if (t.InputPath !== undefined) {
    if (t.InputPath.length > 256) throw constraint(`${at}.inputPath`, t.InputPath, 'Member must have length less than or equal to 256');
    if (!/^\$((\.[A-Za-z0-9_-]+)|(\[\d+\])|(\['[^']*'\]))*$/.test(t.InputPath)) {
      throw validation(`Target ${t.Id}: InputPath is not a valid JSONPath expression.`);
    }
  }
  const r = t.RetryPolicy;
  if (r?.MaximumRetryAttempts !== undefined && (r.MaximumRetryAttempts < 0 || r.MaximumRetryAttempts > 185)) {
    throw constraint(`${at}.retryPolicy.maximumRetryAttempts`, r.MaximumRetryAttempts, 'Member must have value between 0 and 185');
  }
  if (r?.MaximumEventAgeInSeconds !== undefined && (r.MaximumEventAgeInSeconds < 60 || r.MaximumEventAgeInSeconds > 86_400)) {
    throw constraint(`${at}.retryPolicy.maximumEventAgeInSeconds`, r.MaximumEventAgeInSeconds, 'Member must have value between 60 and 86400');
  }
}

/** PutEvents entry size as EventBridge counts it (UG: Calculating PutEvents event entry size). */
export function entrySize(e: { Time?: Date; Source?: string; DetailType?: string; Detail?: string; Resources?: string[] }): number {
  let size = e.Time ? 14 : 0;
  for (const s of [e.Source, e.DetailType, e.Detail]) if (s) size += Buffer.byteLength(s, 'utf8');
  for (const r of e.Resources ?? []) size += Buffer.byteLength(r, 'utf8');
  return size;
}
