/**
 * Task tokens for the callback pattern (`.waitForTaskToken`): issued when a Task's Parameters
 * read `$$.Task.Token`, answered by SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
 * A token closes when its Task ends for any reason; answering it afterwards is `TaskTimedOut`.
 */
import { AwsFault } from '../../aws-fault.js';
import type { Cancel } from '../../clock.js';
import type { SimContext } from '../../context.js';
import type { StateInfo } from './definition.js';
import type { Execution } from './execution.js';

interface Waiter {
  exec: Execution;
  state: string;
  closed: boolean;
  resolve?: (output: unknown) => void;
  reject?: (err: Error) => void;
  heartbeatMs?: number;
  heartbeat?: Cancel;
  timeout?: Cancel;
}

/** An error a Task fails with, matched by Retry/Catch on its `name` like a Lambda error. */
export class TaskError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export class TaskTokens {
  private readonly waiters = new Map<string, Waiter>();

  constructor(private readonly ctx: SimContext) {}

  /** A fresh opaque token (AWS's are long base64 strings). Not answerable until a Task waits on it. */
  issue(exec: Execution): string {
    const token = `AQB${this.ctx.ids.hex(8)}${Buffer.from(`${exec.arn}#${exec.tokens.size}`).toString('base64url')}${this.ctx.ids.hex(64)}`;
    exec.tokens.add(token);
    return token;
  }

  /** Waits for the answer to `token`; heartbeat and Task timeouts close it on the virtual clock. */
  wait(exec: Execution, token: string, state: string, info: StateInfo): Promise<unknown> {
    const w: Waiter = { exec, state, closed: false };
    this.waiters.set(token, w);
    const answer = new Promise<unknown>((resolve, reject) => {
      w.resolve = resolve;
      w.reject = reject;
    });
    if (info.heartbeatSeconds !== undefined) {
      w.heartbeatMs = info.heartbeatSeconds * 1000;
      this.armHeartbeat(token, w);
    }
    // The library fails the Task with States.Timeout at this instant; the token dies with it.
    if (info.timeoutSeconds !== undefined) w.timeout = this.ctx.clock.after(info.timeoutSeconds * 1000, () => this.close(token));
    return answer;
  }

  close(token: string): void {
    const w = this.waiters.get(token);
    if (!w || w.closed) return;
    w.closed = true;
    w.heartbeat?.cancel();
    w.timeout?.cancel();
  }

  /** Closes every token of an execution that ended, failing the Tasks still waiting with `reason`. */
  closeAll(exec: Execution, reason: Error): void {
    for (const token of exec.tokens) {
      const w = this.waiters.get(token);
      if (!w || w.closed) continue;
      this.close(token);
      w.reject?.(reason);
    }
  }

  success(token: string | undefined, output: unknown): void {
    const w = this.live(token);
    this.close(token as string);
    w.resolve?.(output);
  }

  failure(token: string | undefined, error: string | undefined, cause: string | undefined): void {
    const w = this.live(token);
    this.close(token as string);
    w.reject?.(new TaskError(error ?? '', cause ?? ''));
  }

  heartbeat(token: string | undefined): void {
    const w = this.live(token);
    if (w.heartbeatMs !== undefined) this.armHeartbeat(token as string, w);
  }

  /** Checks a token before any state changes: unknown → InvalidToken, closed → TaskTimedOut. */
  check(token: string | undefined): void {
    this.live(token);
  }

  private live(token: string | undefined): Waiter {
    const w = token === undefined ? undefined : this.waiters.get(token);
    if (!w) throw new AwsFault('InvalidToken', `Invalid Token: '${token ?? ''}'`);
    if (w.closed) throw new AwsFault('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    return w;
  }

  private armHeartbeat(token: string, w: Waiter): void {
    w.heartbeat?.cancel();
    w.heartbeat = this.ctx.clock.after(w.heartbeatMs as number, () => {
      this.close(token);
      w.reject?.(new TaskError('States.HeartbeatTimeout', 'States.HeartbeatTimeout'));
    });
  }
}
