/**
 * Step Functions (STANDARD workflows): state machines, executions run in process by
 * aws-local-stepfunctions on the virtual clock, execution history, and task tokens.
 * Validation, errors and idempotency follow https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html and the other action pages.
 */
import type {
  HistoryEvent,
  CreateStateMachineCommandInput,
  CreateStateMachineCommandOutput,
  DeleteStateMachineCommandInput,
  DeleteStateMachineCommandOutput,
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  DescribeStateMachineCommandInput,
  DescribeStateMachineCommandOutput,
  ExecutionListItem,
  GetExecutionHistoryCommandInput,
  GetExecutionHistoryCommandOutput,
  ListExecutionsCommandInput,
  ListExecutionsCommandOutput,
  ListStateMachinesCommandInput,
  ListStateMachinesCommandOutput,
  LoggingConfiguration,
  SendTaskFailureCommandInput,
  SendTaskFailureCommandOutput,
  SendTaskHeartbeatCommandInput,
  SendTaskHeartbeatCommandOutput,
  SendTaskSuccessCommandInput,
  SendTaskSuccessCommandOutput,
  StartExecutionCommandInput,
  StartExecutionCommandOutput,
  StopExecutionCommandInput,
  StopExecutionCommandOutput,
  TracingConfiguration,
} from '@aws-sdk/client-sfn';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';
import { type Prepared, prepare } from './sfn/definition.js';
import { Execution, type ExecutionSummary, toHistoryEvent } from './sfn/execution.js';
import { Runner } from './sfn/runner.js';
import {
  checkMaxLength,
  checkMaxResults,
  checkName,
  constraint,
  decodeToken,
  encodeToken,
  MAX_DEFINITION_CHARS,
  parseArn,
  parsePayload,
  required,
} from './sfn/validate.js';

type Out<T> = Omit<T, '$metadata'>;

interface Machine {
  arn: string;
  name: string;
  definition: string;
  parsed: unknown;
  prepared: Prepared;
  roleArn: string;
  type: 'STANDARD';
  status: 'ACTIVE' | 'DELETING';
  creationDate: number;
  logging: LoggingConfiguration;
  tracing: TracingConfiguration;
  seq: number;
  /** Executions by name (the idempotency key). */
  executions: Map<string, Execution>;
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;
const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']);
const NAME_REUSE_MS = 90 * 24 * 3600 * 1000;
const MAX_OPEN_EXECUTIONS = 1_000_000;

export class SfnSim {
  private readonly machines = new Map<string, Machine>();
  private readonly byArn = new Map<string, Execution>();
  private readonly runner: Runner;
  private seq = 0;

  constructor(readonly ctx: SimContext) {
    this.runner = new Runner(ctx, (exec) => this.closed(exec));
    this.runner.isDeleting = (exec) => this.machines.get(exec.stateMachineArn)?.status === 'DELETING';
  }

  // ---- state machines ----

  CreateStateMachine(input: CreateStateMachineCommandInput): Out<CreateStateMachineCommandOutput> {
    required('name', input.name);
    required('definition', input.definition);
    required('roleArn', input.roleArn);
    const name = input.name as string;
    const definition = input.definition as string;
    checkName('name', name);
    if (definition.length > MAX_DEFINITION_CHARS) throw constraint('definition', '…', `Member must have length less than or equal to ${MAX_DEFINITION_CHARS}`);
    if (!ROLE_ARN.test(input.roleArn as string)) throw new AwsFault('InvalidArn', `Invalid Arn: '${input.roleArn}'`);
    const type = input.type ?? 'STANDARD';
    if (type === 'EXPRESS') throw new AwsFault('StateMachineTypeNotSupported', 'The embedded cloud simulates STANDARD state machines only');
    if (type !== 'STANDARD') throw constraint('type', type, 'Member must satisfy enum value set: [STANDARD, EXPRESS]');
    const arn = this.machineArn(name);
    const existing = this.machines.get(arn);
    if (existing?.status === 'DELETING') throw new AwsFault('StateMachineDeleting', `State machine is being deleted: '${arn}'`);
    const logging = input.loggingConfiguration ?? { level: 'OFF', includeExecutionData: false };
    const tracing = input.tracingConfiguration ?? { enabled: false };
    const prepared = prepare(definition);
    if (existing) {
      // Idempotent on name, definition, type, logging and tracing; roleArn and tags are ignored.
      const same = existing.definition === definition && JSON.stringify(existing.logging) === JSON.stringify(logging) && JSON.stringify(existing.tracing) === JSON.stringify(tracing);
      if (!same) throw new AwsFault('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
    }
    const now = this.ctx.clock.now();
    this.machines.set(arn, {
      arn,
      name,
      definition,
      parsed: JSON.parse(definition),
      prepared,
      roleArn: input.roleArn as string,
      type: 'STANDARD',
      status: 'ACTIVE',
      creationDate: now,
      logging,
      tracing,
      seq: ++this.seq,
      executions: new Map(),
    });
    return { stateMachineArn: arn, creationDate: new Date(now) };
  }

  DescribeStateMachine(input: DescribeStateMachineCommandInput): Out<DescribeStateMachineCommandOutput> {
    const m = this.machine(input.stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: m.status,
      definition: m.definition,
      roleArn: m.roleArn,
      type: m.type,
      creationDate: new Date(m.creationDate),
      loggingConfiguration: m.logging,
      tracingConfiguration: m.tracing,
    };
  }

  ListStateMachines(input: ListStateMachinesCommandInput): Out<ListStateMachinesCommandOutput> {
    const max = checkMaxResults(input.maxResults);
    const after = decodeToken(input.nextToken, 'machines', '') ?? 0;
    const all = [...this.machines.values()].filter((m) => m.seq > after).sort((a, b) => a.seq - b.seq);
    const page = all.slice(0, max);
    return {
      stateMachines: page.map((m) => ({ stateMachineArn: m.arn, name: m.name, type: m.type, creationDate: new Date(m.creationDate) })),
      ...(all.length > max ? { nextToken: encodeToken('machines', '', (page.at(-1) as Machine).seq) } : {}),
    };
  }

  /** Asynchronous as in AWS: DELETING until its executions end; they stop at their next state transition. */
  DeleteStateMachine(input: DeleteStateMachineCommandInput): Out<DeleteStateMachineCommandOutput> {
    const p = parseArn(input.stateMachineArn, 'stateMachine', 'stateMachineArn');
    if (p.rest !== undefined) throw constraint('stateMachineArn', input.stateMachineArn, 'qualified state machine ARNs are not supported here');
    const m = this.machines.get(input.stateMachineArn as string);
    if (!m) return {};
    m.status = 'DELETING';
    this.removeIfIdle(m);
    return {};
  }

  // ---- executions ----

  StartExecution(input: StartExecutionCommandInput): Out<StartExecutionCommandOutput> {
    return this.startExecution({ stateMachineArn: input.stateMachineArn as string, name: input.name, input: input.input });
  }

  /** StartExecution for EventBridge/Scheduler targets; same rules and idempotency as the API. */
  startExecution(request: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    parseArn(request.stateMachineArn, 'stateMachine', 'stateMachineArn');
    const name = request.name ?? this.ctx.ids.uuid();
    checkName('name', name);
    const inputText = request.input ?? '{}';
    parsePayload(inputText, 'InvalidExecutionInput', 'Execution Input');
    const m = this.machine(request.stateMachineArn);
    if (m.status === 'DELETING') throw new AwsFault('StateMachineDeleting', `State machine is being deleted: '${m.arn}'`);
    const now = this.ctx.clock.now();
    const prior = m.executions.get(name);
    if (prior) {
      // Same name and input while running: the same execution (an SDK retry of a lost response).
      if (prior.running && prior.input === inputText) return { executionArn: prior.arn, startDate: new Date(prior.startedAt) };
      const reusable = !prior.running && prior.stoppedAt !== undefined && now - prior.stoppedAt > NAME_REUSE_MS;
      if (!reusable) throw new AwsFault('ExecutionAlreadyExists', `Execution Already Exists: '${prior.arn}'`);
    }
    if (this.runningCount() >= MAX_OPEN_EXECUTIONS) throw new AwsFault('ExecutionLimitExceeded', `Maximum number of running executions (${MAX_OPEN_EXECUTIONS}) reached`);
    const arn = this.ctx.ids.arn('states', `execution:${m.name}:${name}`);
    const exec = new Execution(arn, name, m.arn, m.roleArn, inputText, now, ++this.seq);
    m.executions.set(name, exec);
    this.byArn.set(arn, exec);
    this.runner.start(exec, m.prepared, m.parsed, m.name);
    this.announce(exec);
    return { executionArn: arn, startDate: new Date(now) };
  }

  DescribeExecution(input: DescribeExecutionCommandInput): Out<DescribeExecutionCommandOutput> {
    const e = this.exec(input.executionArn);
    return {
      executionArn: e.arn,
      stateMachineArn: e.stateMachineArn,
      name: e.name,
      status: e.status,
      startDate: new Date(e.startedAt),
      ...(e.stoppedAt !== undefined && e.status !== 'RUNNING' ? { stopDate: new Date(e.stoppedAt) } : {}),
      input: e.input,
      inputDetails: { included: true },
      ...(e.status === 'SUCCEEDED' && e.output !== undefined ? { output: e.output, outputDetails: { included: true } } : {}),
      ...(e.error !== undefined ? { error: e.error } : {}),
      ...(e.cause !== undefined ? { cause: e.cause } : {}),
      redriveCount: 0,
    };
  }

  ListExecutions(input: ListExecutionsCommandInput): Out<ListExecutionsCommandOutput> {
    if (input.mapRunArn !== undefined) {
      if (input.stateMachineArn !== undefined) throw new AwsFault('ValidationException', 'Specify either stateMachineArn or mapRunArn, not both');
      throw new AwsFault('ResourceNotFound', `Resource not found: '${input.mapRunArn}'`);
    }
    if (input.stateMachineArn === undefined) throw new AwsFault('ValidationException', 'Must provide a StateMachine ARN or a MapRun ARN');
    if (input.statusFilter !== undefined && !STATUSES.has(input.statusFilter)) {
      throw constraint('statusFilter', input.statusFilter, 'Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]');
    }
    const max = checkMaxResults(input.maxResults);
    const m = this.machine(input.stateMachineArn);
    const scope = `${m.arn}|${input.statusFilter ?? ''}`;
    const before = decodeToken(input.nextToken, 'executions', scope) ?? Infinity;
    const all = [...m.executions.values()]
      .filter((e) => e.seq < before && (input.statusFilter === undefined || e.status === input.statusFilter))
      .sort((a, b) => b.seq - a.seq);
    const page = all.slice(0, max);
    return {
      executions: page.map((e): ExecutionListItem => ({
        executionArn: e.arn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startedAt),
        ...(e.stoppedAt !== undefined && e.status !== 'RUNNING' ? { stopDate: new Date(e.stoppedAt) } : {}),
        redriveCount: 0,
      })),
      ...(all.length > max ? { nextToken: encodeToken('executions', scope, (page.at(-1) as Execution).seq) } : {}),
    };
  }

  GetExecutionHistory(input: GetExecutionHistoryCommandInput): Out<GetExecutionHistoryCommandOutput> {
    const e = this.exec(input.executionArn);
    const max = checkMaxResults(input.maxResults);
    const reverse = input.reverseOrder === true;
    const scope = `${e.arn}|${reverse}`;
    const last = decodeToken(input.nextToken, 'history', scope);
    const events = reverse ? e.history.filter((ev) => last === undefined || ev.id < last).reverse() : e.history.filter((ev) => last === undefined || ev.id > last);
    const page = events.slice(0, max);
    return {
      events: page.map((ev) => toHistoryEvent(ev, input.includeExecutionData !== false)),
      ...(events.length > max ? { nextToken: encodeToken('history', scope, (page.at(-1) as { id: number }).id) } : {}),
    };
  }

  StopExecution(input: StopExecutionCommandInput): Out<StopExecutionCommandOutput> {
    checkMaxLength('error', input.error, 256);
    checkMaxLength('cause', input.cause, 32_768);
    const e = this.exec(input.executionArn);
    if (e.running) this.runner.stop(e, 'ABORTED', input.error, input.cause);
    return { stopDate: new Date(e.stoppedAt ?? this.ctx.clock.now()) };
  }

  // ---- task tokens ----

  SendTaskSuccess(input: SendTaskSuccessCommandInput): Out<SendTaskSuccessCommandOutput> {
    this.checkToken(input.taskToken);
    required('output', input.output);
    const output = parsePayload(input.output as string, 'InvalidOutput', 'Output');
    this.runner.tokens.check(input.taskToken);
    this.runner.tokens.success(input.taskToken, output);
    return {};
  }

  SendTaskFailure(input: SendTaskFailureCommandInput): Out<SendTaskFailureCommandOutput> {
    this.checkToken(input.taskToken);
    checkMaxLength('error', input.error, 256);
    checkMaxLength('cause', input.cause, 32_768);
    this.runner.tokens.failure(input.taskToken, input.error, input.cause);
    return {};
  }

  SendTaskHeartbeat(input: SendTaskHeartbeatCommandInput): Out<SendTaskHeartbeatCommandOutput> {
    this.checkToken(input.taskToken);
    this.runner.tokens.heartbeat(input.taskToken);
    return {};
  }

  // ---- internal (for tests, invariant checkers and the other simulators) ----

  execution(arn: string): ExecutionSummary | undefined {
    return this.byArn.get(arn)?.summary();
  }

  executions(): ExecutionSummary[] {
    return [...this.byArn.values()].sort((a, b) => a.seq - b.seq).map((e) => e.summary());
  }

  /** Resolves once the execution has ended and its history is complete. */
  async whenDone(arn: string): Promise<ExecutionSummary> {
    const e = this.byArn.get(arn);
    if (!e) throw new Error(`embedded Step Functions: no execution ${arn}`);
    await e.done;
    return e.summary();
  }

  /** An execution's whole history as GetExecutionHistory returns it, without a call (the demo's renderer reads it). */
  historyEvents(arn: string): HistoryEvent[] {
    const e = this.byArn.get(arn);
    return e ? e.history.map((ev) => toHistoryEvent(ev, true)) : [];
  }

  /** Ends a running execution as its TimeoutSeconds would (without waiting hours of simulated time for it). */
  timeOut(arn: string): boolean {
    const e = this.byArn.get(arn);
    if (!e?.running) return false;
    this.runner.stop(e, 'TIMED_OUT', 'States.Timeout', 'The execution timed out (TimeoutSeconds of the state machine).');
    return true;
  }

  runningCount(): number {
    let n = 0;
    for (const e of this.byArn.values()) if (e.status === 'RUNNING') n++;
    return n;
  }

  // ---- helpers ----

  private machineArn(name: string): string {
    return this.ctx.ids.arn('states', `stateMachine:${name}`);
  }

  private machine(arn: string | undefined): Machine {
    parseArn(arn, 'stateMachine', 'stateMachineArn');
    const m = this.machines.get(arn as string);
    if (!m) throw new AwsFault('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private exec(arn: string | undefined): Execution {
    parseArn(arn, 'execution', 'executionArn');
    const e = this.byArn.get(arn as string);
    if (!e) throw new AwsFault('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return e;
  }

  private checkToken(token: string | undefined): void {
    required('taskToken', token);
    const t = token as string;
    if (t.length < 1 || t.length > 2048) throw constraint('taskToken', t, 'Member must have length between 1 and 2048');
  }

  private closed(exec: Execution): void {
    this.announce(exec);
    const m = this.machines.get(exec.stateMachineArn);
    if (m?.status === 'DELETING') this.removeIfIdle(m);
  }

  /**
   * "Step Functions Execution Status Change" on the default bus, as Step Functions sends for a
   * STANDARD workflow's RUNNING, SUCCEEDED, FAILED, TIMED_OUT and ABORTED (its EventBridge docs):
   * the detail carries the execution's name, status, dates, input, and output or error and cause.
   */
  private announce(exec: Execution): void {
    const stopped = exec.status !== 'RUNNING' && exec.stoppedAt !== undefined;
    this.ctx.events.putEventInternal({
      version: '0',
      id: this.ctx.ids.uuid(),
      'detail-type': 'Step Functions Execution Status Change',
      source: 'aws.states',
      account: this.ctx.accountId,
      time: new Date(stopped ? (exec.stoppedAt as number) : exec.startedAt).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.ctx.region,
      resources: [exec.arn],
      detail: {
        executionArn: exec.arn,
        stateMachineArn: exec.stateMachineArn,
        name: exec.name,
        status: exec.status,
        startDate: exec.startedAt,
        stopDate: stopped ? exec.stoppedAt : null,
        input: exec.input,
        output: exec.status === 'SUCCEEDED' ? (exec.output ?? null) : null,
        inputDetails: { included: true },
        outputDetails: exec.status === 'SUCCEEDED' ? { included: true } : null,
        error: exec.error ?? null,
        cause: exec.cause ?? null,
      },
    });
  }

  private removeIfIdle(m: Machine): void {
    for (const e of m.executions.values()) if (!e.finished) return;
    this.machines.delete(m.arn);
  }
}
