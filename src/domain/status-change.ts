/**
 * The "Step Functions Execution Status Change" event EventBridge delivers for the deploy state
 * machine (AWS docs: "Step Functions events" / cw-events): which execution ended, how, and for
 * which cluster (the execution's input names it: a deploy input or a rollback request).
 */
import { InvalidInput } from './errors.js';
import { clusterProblem } from './names.js';

/** The ends recovery acts on: the execution stopped without its own Rollback having finished. */
export const UNFINISHED_ENDS = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;
export type UnfinishedEnd = (typeof UNFINISHED_ENDS)[number];

export interface StatusChange {
  /** The execution name: the deployment's id. */
  deployment: string;
  executionArn: string;
  status: string;
  cluster: string;
  /** Epoch ms the execution stopped (the event's time when the detail has no stopDate). */
  stoppedAt: number;
  error?: string;
  cause?: string;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Throws InvalidInput naming the field when the event is not a status change of one of our executions. */
export function parseStatusChange(event: unknown): StatusChange {
  if (typeof event !== 'object' || event === null) throw new InvalidInput('', 'must be an EventBridge event (a JSON object)');
  const e = event as Record<string, unknown>;
  if (e.source !== 'aws.states' || e['detail-type'] !== 'Step Functions Execution Status Change') {
    throw new InvalidInput('detail-type', `must be a Step Functions Execution Status Change from aws.states (got ${String(e['detail-type'])} from ${String(e.source)})`);
  }
  const d = (typeof e.detail === 'object' && e.detail !== null ? e.detail : {}) as Record<string, unknown>;
  const deployment = text(d.name);
  const executionArn = text(d.executionArn);
  const status = text(d.status);
  if (!deployment) throw new InvalidInput('detail.name', 'is required (the execution name)');
  if (!executionArn) throw new InvalidInput('detail.executionArn', 'is required');
  if (!status) throw new InvalidInput('detail.status', 'is required');
  let input: unknown;
  try {
    input = JSON.parse(text(d.input) ?? 'null');
  } catch {
    throw new InvalidInput('detail.input', 'must be the execution input as JSON');
  }
  const cluster = (input as { cluster?: unknown } | null)?.cluster;
  if (typeof cluster !== 'string') throw new InvalidInput('detail.input.cluster', 'is required: the execution input names no cluster');
  const problem = clusterProblem(cluster);
  if (problem) throw new InvalidInput('detail.input.cluster', problem);
  const stopDate = typeof d.stopDate === 'number' ? d.stopDate : Date.parse(String(e.time));
  return {
    deployment,
    executionArn,
    status,
    cluster,
    stoppedAt: Number.isFinite(stopDate) ? stopDate : 0,
    ...(text(d.error) ? { error: text(d.error) } : {}),
    ...(text(d.cause) ? { cause: text(d.cause) } : {}),
  };
}

export const isUnfinishedEnd = (status: string): status is UnfinishedEnd => (UNFINISHED_ENDS as readonly string[]).includes(status);
