/** Every call the embedded cloud answers, in order, for tests and benchmarks to assert on. */
export interface CallRecord {
  seq: number;
  /** Simulated epoch milliseconds when the call arrived. */
  at: number;
  /** IAM service prefix: ec2, autoscaling, elasticloadbalancing, s3, events, scheduler, dynamodb, ssm, cloudwatch, states. */
  service: string;
  operation: string;
  input: unknown;
  /** `ok`, or the AWS error code the caller saw. */
  outcome: string;
  /** The Lambda function (serverless key) that made the call, if any. */
  caller?: string;
  mutating: boolean;
}

const READ_ONLY = /^(Describe|Get|List|Head|Query|Scan|BatchGet|Search|Lookup|Test)/;

export const isMutating = (operation: string): boolean => !READ_ONLY.test(operation);

export class CallLog {
  readonly calls: CallRecord[] = [];
  /** Keep inputs? Long benchmark runs switch this off to stay flat in memory. */
  keepInputs = true;

  add(record: Omit<CallRecord, 'seq'>): CallRecord {
    const r: CallRecord = { ...record, seq: this.calls.length, input: this.keepInputs ? record.input : undefined };
    this.calls.push(r);
    return r;
  }

  filter(pred: Partial<Pick<CallRecord, 'service' | 'operation' | 'caller' | 'outcome'>> & { mutating?: boolean }): CallRecord[] {
    return this.calls.filter(
      (c) =>
        (pred.service === undefined || c.service === pred.service) &&
        (pred.operation === undefined || c.operation === pred.operation) &&
        (pred.caller === undefined || c.caller === pred.caller) &&
        (pred.outcome === undefined || c.outcome === pred.outcome) &&
        (pred.mutating === undefined || c.mutating === pred.mutating),
    );
  }

  /** Successful mutating calls since `seq` (default: all). */
  mutationsSince(seq = 0): CallRecord[] {
    return this.calls.filter((c) => c.seq >= seq && c.mutating && c.outcome === 'ok');
  }

  mark(): number {
    return this.calls.length;
  }

  clear(): void {
    this.calls.length = 0;
  }
}
