/** CloudWatch parameter checks and their wire codes (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CommonErrors.html). */
import type { Dimension } from '@aws-sdk/client-cloudwatch';
import { AwsFault } from '../../aws-fault.js';

/** `ValidationError` on the wire; the SDK names it `ValidationException`. */
export const cwValidation = (message: string): AwsFault => new AwsFault('ValidationError', message);

export function mustHave<T>(value: T | undefined | null, name: string): T {
  if (value === undefined || value === null) {
    throw cwValidation(`1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

export function checkDimensions(dims: Dimension[] | undefined): void {
  if (!dims) return;
  if (dims.length > 30) throw cwValidation('The collection Dimensions must not contain more than 30 members');
  for (const d of dims) {
    if (!d.Name || d.Name.length > 255) throw cwValidation('Dimension names must be 1 to 255 characters long');
    if (d.Value === undefined || d.Value.length < 1 || d.Value.length > 1024) throw cwValidation(`The value of dimension '${d.Name}' must be 1 to 1024 characters long`);
  }
  if (new Set(dims.map((d) => d.Name)).size !== dims.length) throw cwValidation('No dimension name may be repeated');
}

/** Alarm periods: 10, 20, 30 or a multiple of 60; query periods: ≥ 1 and a multiple of 60 unless 1, 5, 10, 20 or 30. */
export function checkPeriod(period: number, alarm: boolean): void {
  const high = alarm ? [10, 20, 30] : [1, 5, 10, 20, 30];
  if (!Number.isInteger(period) || period < 1 || (!high.includes(period) && period % 60 !== 0)) {
    throw alarm
      ? cwValidation(`The parameter Period must be 10, 20, 30 or a multiple of 60 (got ${period})`)
      : new AwsFault('InvalidParameterValue', `The parameter Period must be a multiple of 60 (got ${period})`);
  }
}

/** `dd/MM/yy HH:mm:ss` as CloudWatch writes datapoint times in a StateReason. */
export function formatReasonDate(t: number): string {
  const d = new Date(t);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${two(d.getUTCFullYear() % 100)} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}
