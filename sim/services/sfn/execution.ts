/** One Step Functions execution: its status, history and the per-run bookkeeping of the runner. */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** AWS hard limit on history events of a STANDARD execution (https://docs.aws.amazon.com/step-functions/latest/dg/limits-overview.html): reaching it fails the execution. */
export const HISTORY_LIMIT = 25_000;
/** Where a warning is printed, so a looping workflow is noticed before it hits the limit. */
export const HISTORY_WARNING = 20_000;

/** What the simulator keeps per history event; timestamps stay epoch ms until a Describe call. */
export interface StoredEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: HistoryEventType;
  details?: Record<string, unknown>;
}

/** The end the simulator decided itself (StopExecution, history limit, machine deletion). */
export interface Closing {
  status: ExecutionStatus;
  error?: string;
  cause?: string;
}

/** The internal per-execution record (`SfnSim.execution(arn)`). */
export interface ExecutionSummary {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Billed state transitions, see `Execution.transitions`. */
  transitions: number;
  historyLength: number;
  startedAt: number;
  stoppedAt?: number;
  warnings: string[];
}

export class Execution {
  status: ExecutionStatus = 'RUNNING';
  output?: string;
  error?: string;
  cause?: string;
  stoppedAt?: number;
  /**
   * State transitions as AWS bills them ("each time a step of your workflow is executed,
   * including retries"): 1 for the start, 1 per state entered, 1 per retry attempt, and 1 for
   * the end — so Start → A → B → End counts 4, as in the AWS pricing example.
   */
  transitions = 0;
  /** Transitions whose time (latency.ts) has been charged, at the Task that followed them. */
  chargedTransitions = 0;
  readonly history: StoredEvent[] = [];
  readonly warnings: string[] = [];
  closing?: Closing;
  abort?: () => void;
  /** The token `$$.Task.Token` yields until a Task claims it (see `Runner`). */
  currentToken?: string;
  readonly tokens = new Set<string>();
  /** Last raw Lambda input/output per Task state, for the Lambda/Task history events. */
  readonly taskIO = new Map<string, { input?: unknown; output?: unknown }>();
  /** Task states whose current attempt failed (StateFailed seen, no retry yet). */
  readonly failedAttempt = new Set<string>();
  readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly arn: string,
    readonly name: string,
    readonly stateMachineArn: string,
    readonly roleArn: string,
    readonly input: string,
    readonly startedAt: number,
    /** Creation order, for listings (most recent first) and page tokens. */
    readonly seq: number,
  ) {
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  get running(): boolean {
    return this.status === 'RUNNING' && this.closing === undefined;
  }

  /** Appends a history event; the caller checks the limit first (see `Runner.record`). */
  addEvent(type: HistoryEventType, timestamp: number, details?: Record<string, unknown>): StoredEvent {
    const id = this.history.length + 1;
    const ev: StoredEvent = { id, previousEventId: id - 1, timestamp, type, ...(details ? { details } : {}) };
    this.history.push(ev);
    return ev;
  }

  close(status: ExecutionStatus, at: number, info: { output?: string; error?: string; cause?: string }): void {
    this.status = status;
    this.stoppedAt ??= at;
    if (info.output !== undefined) this.output = info.output;
    if (info.error !== undefined) this.error = info.error;
    if (info.cause !== undefined) this.cause = info.cause;
  }

  /** History complete, `done` resolved. */
  finished = false;

  settle(): void {
    this.finished = true;
    this.resolveDone();
  }

  summary(): ExecutionSummary {
    return {
      executionArn: this.arn,
      stateMachineArn: this.stateMachineArn,
      name: this.name,
      status: this.status,
      input: this.input,
      ...(this.output !== undefined ? { output: this.output } : {}),
      ...(this.error !== undefined ? { error: this.error } : {}),
      ...(this.cause !== undefined ? { cause: this.cause } : {}),
      transitions: this.transitions,
      historyLength: this.history.length,
      startedAt: this.startedAt,
      ...(this.stoppedAt !== undefined ? { stoppedAt: this.stoppedAt } : {}),
      warnings: [...this.warnings],
    };
  }
}

/** The SDK shape of a stored event (`includeExecutionData: false` drops inputs and outputs). */
export function toHistoryEvent(ev: StoredEvent, includeData: boolean): HistoryEvent {
  const out: HistoryEvent = { id: ev.id, previousEventId: ev.previousEventId, timestamp: new Date(ev.timestamp), type: ev.type };
  if (ev.details) {
    const details = includeData ? { ...ev.details } : Object.fromEntries(Object.entries(ev.details).filter(([k]) => k !== 'input' && k !== 'output'));
    (out as unknown as Record<string, unknown>)[detailsKey(ev.type)] = details;
  }
  return out;
}

function detailsKey(type: string): string {
  if (type.endsWith('StateEntered')) return 'stateEnteredEventDetails';
  if (type.endsWith('StateExited')) return 'stateExitedEventDetails';
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}
