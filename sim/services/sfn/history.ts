/**
 * Maps aws-local-stepfunctions' event log onto the AWS execution history event types
 * (approximate where the library says less than AWS, e.g. no separate "Lambda started" moment).
 * Execution start and end events are written by the runner itself, not taken from the library.
 */
import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { Execution } from './execution.js';
import type { StateInfo } from './definition.js';

/** The library's event shape (its types are not exported). */
export interface LibraryEvent {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  index?: number;
  parentState?: { name: string };
  Error?: string;
  Cause?: unknown;
}

export type Emit = (type: HistoryEventType, details?: Record<string, unknown>) => void;

const json = (v: unknown) => JSON.stringify(v === undefined ? null : v);
const text = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v));

export function mapLibraryEvent(exec: Execution, ev: LibraryEvent, states: Map<string, StateInfo>, region: string, emit: Emit): void {
  const name = ev.state?.name ?? '';
  const info = states.get(name);
  const type = ev.state?.type ?? info?.type ?? '';
  switch (ev.type) {
    case 'StateEntered':
      exec.transitions++;
      emit(`${type}StateEntered` as HistoryEventType, { name, input: json(ev.state?.input) });
      if (type === 'Task' && info) {
        exec.failedAttempt.delete(name);
        scheduled(exec, name, info, region, emit);
      }
      if (type === 'Map') emit('MapStateStarted', lengthOf(ev.state?.input));
      if (type === 'Parallel') emit('ParallelStateStarted');
      return;
    case 'StateRetried':
      exec.transitions++;
      if (type === 'Task' && info) {
        exec.failedAttempt.delete(name);
        scheduled(exec, name, info, region, emit);
      }
      return;
    case 'StateFailed': {
      const failure = { error: ev.Error, cause: text(ev.Cause) };
      if (type === 'Task' && info) {
        exec.failedAttempt.add(name);
        const timedOut = ev.Error === 'States.Timeout' || ev.Error === 'States.HeartbeatTimeout';
        if (info.kind === 'lambda') emit(timedOut ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed', failure);
        else emit(timedOut ? 'TaskTimedOut' : 'TaskFailed', { ...integration(info), ...failure });
      }
      if (type === 'Map') emit('MapStateFailed');
      if (type === 'Parallel') emit('ParallelStateFailed');
      return;
    }
    case 'StateExited':
      if (type === 'Task' && info && !exec.failedAttempt.has(name)) {
        const output = json(exec.taskIO.get(name)?.output);
        if (info.kind === 'lambda') emit('LambdaFunctionSucceeded', { output });
        else emit('TaskSucceeded', { ...integration(info), output });
      }
      if (type === 'Map') emit('MapStateSucceeded');
      if (type === 'Parallel') emit('ParallelStateSucceeded');
      if (type !== 'Fail') emit(`${type}StateExited` as HistoryEventType, { name, output: json(ev.state?.output) });
      return;
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      emit(ev.type, { name: ev.parentState?.name, index: ev.index });
      return;
    default:
      // Execution* events come from the runner; branch and catch events have no AWS counterpart.
      return;
  }
}

function scheduled(exec: Execution, name: string, info: StateInfo, region: string, emit: Emit): void {
  const input = json(exec.taskIO.get(name)?.input);
  if (info.kind === 'lambda') {
    emit('LambdaFunctionScheduled', { resource: info.resource, input, ...(info.timeoutSeconds !== undefined ? { timeoutInSeconds: info.timeoutSeconds } : {}) });
    emit('LambdaFunctionStarted');
    return;
  }
  const base = integration(info);
  emit('TaskScheduled', {
    ...base,
    region,
    parameters: input,
    ...(info.timeoutSeconds !== undefined ? { timeoutInSeconds: info.timeoutSeconds } : {}),
    ...(info.heartbeatSeconds !== undefined ? { heartbeatInSeconds: info.heartbeatSeconds } : {}),
  });
  emit('TaskStarted', base);
  if (info.kind === 'invoke.waitForTaskToken') emit('TaskSubmitted', base);
}

/** `{resourceType: "lambda", resource: "invoke"}` for `arn:aws:states:::lambda:invoke`. */
function integration(info: StateInfo): { resourceType: string; resource: string } {
  const m = /^arn:[^:]+:states:::([^:]+):(.+)$/.exec(info.resource ?? '');
  return { resourceType: m?.[1] ?? 'unknown', resource: m?.[2] ?? info.resource ?? '' };
}

function lengthOf(input: unknown): Record<string, unknown> | undefined {
  return Array.isArray(input) ? { length: input.length } : undefined;
}
