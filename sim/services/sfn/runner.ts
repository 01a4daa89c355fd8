/**
 * Runs executions in process with aws-local-stepfunctions, as background promises on the virtual
 * clock (Wait, Retry back-off and Task timeouts are global fake timers). Every Task state gets a
 * local handler, so the library never falls through to a real Lambda call: Lambda tasks go to
 * the in-process Lambda runtime, whose errors carry name = errorType and message = the JSON
 * error payload — what Retry/Catch match and what a Catch hands on as `{Error, Cause}` in AWS.
 */
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import type { HistoryEventType } from '@aws-sdk/client-sfn';
import { checkTaskCoverage } from '../../asl.js';
import type { SimContext } from '../../context.js';
import { MAX_TIMER_SECONDS, type Prepared, type StateInfo } from './definition.js';
import { type Execution, HISTORY_LIMIT, HISTORY_WARNING } from './execution.js';
import { type LibraryEvent, mapLibraryEvent } from './history.js';
import { TaskTokens } from './tokens.js';
import { MAX_PAYLOAD_BYTES } from './validate.js';

/** An error Retry and Catch must not handle (the library reads these two flags). */
class TerminalError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const FAIL_STATE_DEFAULT_CAUSE = 'Execution failed because of a Fail state';

export class Runner {
  readonly tokens: TaskTokens;

  constructor(
    private readonly ctx: SimContext,
    /** Called once an execution has closed and its history is complete. */
    private readonly onClosed: (exec: Execution) => void,
  ) {
    this.tokens = new TaskTokens(ctx);
  }

  /** Writes ExecutionStarted now and starts the run on the next microtask (never inside the API call). */
  start(exec: Execution, prepared: Prepared, definition: unknown, machineName: string): void {
    exec.transitions++;
    exec.addEvent('ExecutionStarted', exec.startedAt, { input: exec.input, roleArn: exec.roleArn });
    const uncovered = checkTaskCoverage(definition, (fn) => this.ctx.lambda.keyOf(fn) !== undefined || this.ctx.lambda.has(fn));
    if (uncovered.length > 0) {
      const list = uncovered.map((u) => `${u.state} (${u.resource}): ${u.reason}`).join('; ');
      exec.closing = { status: 'FAILED', error: 'States.Runtime', cause: `The embedded cloud cannot run these Task states: ${list}` };
      this.finish(exec, { ok: false, error: undefined });
      return;
    }
    void Promise.resolve().then(() => this.launch(exec, prepared, machineName));
  }

  /** StopExecution, and machine deletion: the library stops at its next step; a running Lambda completes. */
  stop(exec: Execution, status: 'ABORTED' | 'FAILED' | 'TIMED_OUT', error?: string, cause?: string): void {
    if (!exec.running) return;
    exec.closing = { status, ...(error !== undefined ? { error } : {}), ...(cause !== undefined ? { cause } : {}) };
    exec.close(status, this.ctx.clock.now(), {});
    this.tokens.closeAll(exec, stopped());
    exec.abort?.();
  }

  private launch(exec: Execution, prepared: Prepared, machineName: string): void {
    if (!exec.running) return this.finish(exec, { ok: false, error: undefined });
    const handlers: Record<string, (input: any) => Promise<any>> = {};
    for (const [name, info] of prepared.states) if (info.type === 'Task') handlers[name] = (input) => this.runTask(exec, name, info, input);
    const tokens = this.tokens;
    const context = {
      Execution: { Id: exec.arn, Name: exec.name, RoleArn: exec.roleArn, RedriveCount: 0 },
      StateMachine: { Id: exec.stateMachineArn, Name: machineName },
      // One token per Task attempt: the same value however often Parameters read it, until the Task claims it.
      Task: {
        get Token() {
          return (exec.currentToken ??= tokens.issue(exec));
        },
      },
    };
    let run: ReturnType<Prepared['machine']['run']>;
    try {
      run = prepared.machine.run(JSON.parse(exec.input), { overrides: { taskResourceLocalHandlers: handlers }, context: context as any });
    } catch (err) {
      return this.finish(exec, { ok: false, error: err });
    }
    exec.abort = run.abort;
    const pump = (async () => {
      for await (const ev of run.eventLogs) this.onEvent(exec, ev as LibraryEvent, prepared);
    })().catch((err) => console.warn(`embedded Step Functions: history of ${exec.arn} is incomplete:`, err));
    const outcome = run.result.then(
      (output) => ({ ok: true as const, output }),
      (error: unknown) => ({ ok: false as const, error }),
    );
    void Promise.all([outcome, pump]).then(([o]) => this.finish(exec, o));
  }

  private onEvent(exec: Execution, ev: LibraryEvent, prepared: Prepared): void {
    // Deleting a machine ends its executions "on the next state transition".
    if (ev.type === 'StateEntered' && exec.running && this.isDeleting(exec)) {
      this.stop(exec, 'ABORTED', 'States.Aborted', 'The state machine is being deleted');
      return;
    }
    mapLibraryEvent(exec, ev, prepared.states, this.ctx.region, (type, details) => this.record(exec, type, ev.timestamp, details));
  }

  /** Set by SfnSim: whether the execution's machine is being deleted. */
  isDeleting: (exec: Execution) => boolean = () => false;

  /** Appends an event, enforcing the 25,000-event history limit by failing the execution. */
  private record(exec: Execution, type: HistoryEventType, at: number, details?: Record<string, unknown>): void {
    if (exec.closing) return;
    const n = exec.history.length + 1;
    if (n >= HISTORY_LIMIT) {
      const message = `The execution reached the limit of ${HISTORY_LIMIT} history events.`;
      exec.warnings.push(message);
      console.warn(`embedded Step Functions: ${exec.arn}: ${message} It fails with States.Runtime, as in AWS.`);
      this.stop(exec, 'FAILED', 'States.Runtime', `${message} Use a child execution or a Map state to split the work.`);
      return;
    }
    if (n === HISTORY_WARNING) {
      const message = `${HISTORY_WARNING} history events: AWS fails an execution at ${HISTORY_LIMIT}.`;
      exec.warnings.push(message);
      console.warn(`embedded Step Functions: ${exec.arn}: ${message}`);
    }
    exec.addEvent(type, at, details);
  }

  private async runTask(exec: Execution, state: string, info: StateInfo, input: any): Promise<unknown> {
    // Also stops the library's retry loop after an abort (its back-off sleep returns at once then).
    if (!exec.running) throw stopped();
    const token = exec.currentToken;
    exec.currentToken = undefined;
    const io: { input?: unknown; output?: unknown } = { input };
    exec.taskIO.set(state, io);
    // The transitions since the last Task take their time now (latency.ts), before the invocation.
    const due = exec.transitions - exec.chargedTransitions;
    exec.chargedTransitions = exec.transitions;
    const perTransition = this.ctx.latency?.model.stateTransitionMs ?? 0;
    if (due > 0 && perTransition > 0) await this.ctx.clock.sleep(due * perTransition);
    switch (info.kind) {
      case 'lambda':
        io.output = limited(await this.ctx.lambda.invoke(info.resource as string, input));
        return io.output;
      case 'invoke': {
        const payload = limited(await this.ctx.lambda.invoke(functionName(input), input?.Payload ?? {}));
        io.output = invokeResponse(payload, this.ctx.ids.uuid());
        return io.output;
      }
      case 'invoke.waitForTaskToken': {
        const tok = token ?? this.tokens.issue(exec);
        // A TimeoutSecondsPath timeout closes the token too, at the instant the library fails the Task.
        const answer = this.tokens.wait(exec, tok, state, { ...info, ...timeoutFromPath(info, input) });
        const invoked = this.ctx.lambda.invoke(functionName(input), input?.Payload ?? {});
        try {
          // The callback may come while the function still runs; a function error fails the Task.
          io.output = limited(await Promise.race([answer, invoked.then(() => answer)]));
          return io.output;
        } finally {
          this.tokens.close(tok);
        }
      }
      default:
        throw new TerminalError('States.Runtime', `The embedded cloud cannot run Task resource ${info.resource ?? '?'}`);
    }
  }

  private finish(exec: Execution, o: { ok: true; output: unknown } | { ok: false; error: unknown }): void {
    if (exec.finished) return;
    const now = this.ctx.clock.now();
    const end = exec.closing ?? this.outcome(o);
    exec.close(end.status, now, end);
    this.tokens.closeAll(exec, stopped());
    exec.transitions++;
    const at = exec.stoppedAt ?? now;
    const info = { ...(end.error !== undefined ? { error: end.error } : {}), ...(end.cause !== undefined ? { cause: end.cause } : {}) };
    if (end.status === 'SUCCEEDED') exec.addEvent('ExecutionSucceeded', at, { output: exec.output });
    else if (end.status === 'TIMED_OUT') exec.addEvent('ExecutionTimedOut', at, info);
    else if (end.status === 'ABORTED') exec.addEvent('ExecutionAborted', at, info);
    else exec.addEvent('ExecutionFailed', at, info);
    exec.settle();
    this.onClosed(exec);
  }

  private outcome(o: { ok: true; output: unknown } | { ok: false; error: unknown }): { status: Execution['status']; output?: string; error?: string; cause?: string } {
    if (o.ok) {
      const output = JSON.stringify(o.output ?? null);
      if (Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) {
        return { status: 'FAILED', error: 'States.DataLimitExceeded', cause: `The state/task returned a result with a size exceeding the maximum number of bytes service limit (${MAX_PAYLOAD_BYTES}).` };
      }
      return { status: 'SUCCEEDED', output };
    }
    if (o.error instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds of the state machine).' };
    if (o.error instanceof ExecutionAbortedError) return { status: 'ABORTED' };
    if (o.error instanceof ExecutionError) {
      const cause = (o.error as Error & { cause?: unknown }).cause as Error | undefined;
      if (cause?.constructor?.name === 'FailStateError') {
        return { status: 'FAILED', ...(cause.name !== 'FailStateError' ? { error: cause.name } : {}), ...(cause.message !== FAIL_STATE_DEFAULT_CAUSE ? { cause: cause.message } : {}) };
      }
      return { status: 'FAILED', error: cause?.name ?? 'States.Runtime', cause: cause?.message ?? String(o.error) };
    }
    return { status: 'FAILED', error: 'States.Runtime', cause: `Internal error of the embedded Step Functions runtime: ${String((o.error as Error)?.message ?? o.error)}` };
  }
}

/** Ends a Task of a stopped execution (settling it also clears the library's timeout timer). */
const stopped = () => new TerminalError('States.Aborted', 'The execution has stopped');

function functionName(input: any): string {
  const fn = input?.FunctionName;
  if (typeof fn !== 'string') throw new TerminalError('States.Runtime', 'lambda:invoke needs Parameters.FunctionName');
  return fn;
}

/** A state's result above 256 KiB fails the execution in AWS (States.DataLimitExceeded). */
function limited(value: unknown): unknown {
  const size = Buffer.byteLength(JSON.stringify(value ?? null));
  if (size > MAX_PAYLOAD_BYTES) {
    throw new TerminalError('States.DataLimitExceeded', `The state/task returned a result with a size exceeding the maximum number of bytes service limit (${size} > ${MAX_PAYLOAD_BYTES}).`);
  }
  return value;
}

/** What `arn:aws:states:::lambda:invoke` returns: the Invoke response with the function's result as Payload. */
function invokeResponse(payload: unknown, requestId: string): Record<string, unknown> {
  const headers = { 'Content-Type': 'application/json', 'X-Amz-Executed-Version': '$LATEST', 'x-amzn-RequestId': requestId };
  return {
    ExecutedVersion: '$LATEST',
    Payload: payload,
    SdkHttpMetadata: { AllHttpHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])), HttpHeaders: headers, HttpStatusCode: 200 },
    SdkResponseMetadata: { RequestId: requestId },
    StatusCode: 200,
  };
}

/** The seconds a Task's TimeoutSecondsPath (a plain `$.a.b` path) reads from its effective parameters. */
function timeoutFromPath(info: StateInfo, input: unknown): { timeoutSeconds?: number } {
  if (info.timeoutSeconds !== undefined || info.timeoutSecondsPath === undefined) return {};
  let value: unknown = input;
  for (const key of info.timeoutSecondsPath.replace(/^\$\.?/, '').split('.').filter((k) => k !== '')) {
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return typeof value === 'number' && value > 0 ? { timeoutSeconds: Math.min(value, MAX_TIMER_SECONDS) } : {};
}
