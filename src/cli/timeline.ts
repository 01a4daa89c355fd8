/**
 * A deployment's story, read from its Step Functions execution history alone: the phases it went
 * through with their durations, each traffic step's weights, the outcome and a readable cause.
 * `watch`, `status`, `report` and the demo (`npm start`) all read deployments through this.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';

/** State name → phase. A state this table does not know (added later) is a phase of its own. */
const PHASE_OF: Record<string, string> = {
  Route: 'Start',
  Validate: 'Plan',
  Plan: 'Plan',
  PlanFailed: 'Plan',
  HasImage: 'Plan',
  WindowOpen: 'Plan',
  WaitForWindow: 'Plan',
  Replan: 'Plan',
  VerifyImage: 'Verify',
  BakeImage: 'Bake',
  WaitForBake: 'Bake',
  CheckBake: 'Bake',
  BakeDone: 'Bake',
  LaunchGroup: 'Launch',
  WaitForInstances: 'Launch',
  HealthGate: 'HealthGate',
  GatePassed: 'HealthGate',
  WaitForHealth: 'HealthGate',
  SwapTargetGroup: 'Traffic',
  TrafficDone: 'Traffic',
  WaitBetweenSteps: 'Traffic',
  CanaryJudged: 'Traffic',
  JudgeCanary: 'Traffic',
  ApprovalTimeout: 'Traffic',
  RequestApproval: 'Traffic',
  ApprovalTimedOut: 'Traffic',
  PromoteOnTimeout: 'Traffic',
  RollBackOnTimeout: 'Rollback',
  Finalize: 'Finalize',
  Deployed: 'Finalize',
  Rollback: 'Rollback',
  WasCommitted: 'Rollback',
  Committed: 'Rollback',
  DeploymentFailed: 'Rollback',
  RollbackFailed: 'Rollback',
  ValidateRollback: 'ManualRollback',
  ManualRollback: 'ManualRollback',
  RollbackRequested: 'ManualRollback',
  RollbackReady: 'ManualRollback',
  WaitForRollbackGate: 'ManualRollback',
  RolledBack: 'ManualRollback',
  RollbackRefused: 'ManualRollback',
  AlreadyLive: 'Plan',
};

/** Wait state → where its seconds come from in the state document (SecondsPath in the ASL). */
const WAIT_SECONDS: Record<string, (doc: any) => unknown> = {
  WaitForBake: (d) => d?.image?.waitSeconds,
  WaitForInstances: (d) => d?.launched?.waitSeconds,
  WaitForHealth: (d) => d?.gate?.waitSeconds,
  WaitBetweenSteps: (d) => d?.traffic?.waitSeconds,
};

export type Outcome = 'running' | 'succeeded' | 'rolled-back' | 'failed' | 'aborted' | 'timed-out';

export interface PhaseSpan {
  phase: string;
  startedAt: number;
  endedAt?: number;
  /** What happened in it, briefly (image id, healthy x/y, the new group). */
  detail?: string;
}

export interface TrafficChange {
  at: number;
  /** Server group → listener weight (ALB weights are relative: percent = weight / sum). */
  weights: Record<string, number>;
  step?: number;
  /** Index in `phases` of the phase it happened in. */
  phase: number;
}

/** One approval request: `pending` while it waits; `timed-out` with what approval.onTimeout then did. */
export interface ApprovalSpan {
  /** Percent of traffic the step that waited would put on the new group. */
  step?: number;
  requestedAt: number;
  answeredAt?: number;
  outcome: 'pending' | 'promoted' | 'rejected' | 'timed-out';
  /** Who answered (`cli:<user>`), or the timeout's action. */
  by?: string;
  reason?: string;
}

export interface Timeline {
  deployment: string;
  kind: 'deploy' | 'rollback';
  cluster?: string;
  release?: string;
  from?: string;
  to?: string;
  startedAt: number;
  endedAt?: number;
  outcome: Outcome;
  phases: PhaseSpan[];
  traffic: TrafficChange[];
  /** Healthy / required targets of the new group at each health-gate look. */
  health: { at: number; healthy: number; required: number }[];
  error?: string;
  cause?: string;
  /** Server group → its target group ARN; the listener or rule the deployment swaps. */
  targetGroups: Record<string, string>;
  swapArn?: string;
  /** Billed state transitions and Lambda invocations so far (what the run costs). */
  transitions: number;
  invocations: number;
  /** Each approval a traffic step waited on, in order, and how it was answered. */
  approvals: ApprovalSpan[];
  /** The state running now and when its wait or gate ends (epoch ms), for countdowns. */
  current?: { state: string; phase: string; since: number; waitEndsAt?: number; gateDeadline?: number; stepEndsAt?: number };
}

const parse = (s: string | undefined): any => {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

/** `{"errorType":"X","errorMessage":"m"}` (a Lambda error's cause) → `m`; anything else as it is. */
export function readableCause(cause: string | undefined): string | undefined {
  if (cause === undefined || cause === '') return undefined;
  const c = parse(cause);
  if (c && typeof c === 'object') {
    const message = c.errorMessage ?? c.message ?? c.Cause;
    if (typeof message === 'string') return readableCause(message) ?? message;
  }
  return cause.replace(/\s+/g, ' ').trim();
}

const groupOfTargetGroup = (arn: string): string => arn.split(':targetgroup/')[1]?.split('/')[0] ?? arn;

export function buildTimeline(deployment: string, events: readonly HistoryEvent[]): Timeline {
  const t: Timeline = { deployment, kind: 'deploy', startedAt: 0, outcome: 'running', phases: [], traffic: [], health: [], approvals: [], targetGroups: {}, transitions: 0, invocations: 0 };
  let current: PhaseSpan | undefined;
  let rolledBack = false;
  let doc: any;
  for (const ev of events) {
    const at = new Date(ev.timestamp ?? 0).getTime();
    const type = ev.type ?? '';
    if (type === 'ExecutionStarted') {
      t.startedAt = at;
      const input = parse(ev.executionStartedEventDetails?.input);
      if (input?.action === 'rollback') t.kind = 'rollback';
      t.cluster = input?.cluster;
      t.release = input?.release;
      continue;
    }
    if (type === 'LambdaFunctionScheduled' || type === 'TaskScheduled') t.invocations++;
    const entered = ev.stateEnteredEventDetails;
    if (entered?.name) {
      t.transitions++;
      const name = entered.name;
      const phase = PHASE_OF[name] ?? name;
      doc = parse(entered.input) ?? doc;
      onEnter(t, name, doc, at);
      if (phase !== 'Start' && phase !== current?.phase) {
        if (current) current.endedAt = at;
        current = { phase, startedAt: at };
        t.phases.push(current);
      }
      const waitSeconds = WAIT_SECONDS[name]?.(doc);
      t.current = {
        state: name,
        phase,
        since: at,
        ...(typeof waitSeconds === 'number' ? { waitEndsAt: at + waitSeconds * 1000 } : {}),
        ...(typeof doc?.launched?.deadline === 'number' && phase === 'HealthGate' ? { gateDeadline: doc.launched.deadline } : {}),
        ...(typeof doc?.traffic?.stepEndsAt === 'number' && phase === 'Traffic' ? { stepEndsAt: doc.traffic.stepEndsAt } : {}),
      };
      continue;
    }
    const exited = ev.stateExitedEventDetails;
    if (exited?.name) {
      const out = parse(exited.output);
      if (out && typeof out === 'object') doc = out;
      onExit(t, exited.name, out, at, current);
      if (exited.name === 'Rollback') rolledBack = true;
      continue;
    }
    if (type === 'ExecutionSucceeded') end(t, current, at, 'succeeded');
    else if (type === 'ExecutionFailed') {
      end(t, current, at, rolledBack ? 'rolled-back' : 'failed');
      t.error = ev.executionFailedEventDetails?.error;
      const cause = readableCause(ev.executionFailedEventDetails?.cause);
      if (cause) t.cause = cause;
    } else if (type === 'ExecutionAborted') {
      end(t, current, at, 'aborted');
      t.error = ev.executionAbortedEventDetails?.error ?? 'Aborted';
      const cause = readableCause(ev.executionAbortedEventDetails?.cause);
      if (cause) t.cause = cause;
    } else if (type === 'ExecutionTimedOut') {
      end(t, current, at, 'timed-out');
      t.error = ev.executionTimedOutEventDetails?.error ?? 'States.Timeout';
    }
  }
  if (t.outcome !== 'running') delete t.current;
  return t;
}

/** Approvals are read from the states entered: the request, and where its answer led. */
function onEnter(t: Timeline, state: string, doc: any, at: number): void {
  if (state === 'RequestApproval') {
    // The wait runs in slices (ApprovalSlice → RequestApproval): a slice continues the pending request.
    if (t.approvals.at(-1)?.outcome === 'pending') return;
    const step = doc?.traffic?.approval?.step;
    t.approvals.push({ ...(typeof step === 'number' ? { step } : {}), requestedAt: at, outcome: 'pending' });
    return;
  }
  const last = t.approvals.at(-1);
  if (last?.outcome !== 'pending') return;
  if (state === 'ApprovalTimedOut') Object.assign(last, { outcome: 'timed-out', answeredAt: at, by: doc?.config?.approval?.onTimeout === 'promote' ? 'timeout: promoted (approval.onTimeout)' : 'timeout: rolled back' });
  else if (doc?.error?.Error === 'ApprovalRejected') Object.assign(last, { outcome: 'rejected', answeredAt: at, reason: readableCause(doc.error.Cause) ?? 'rejected' });
  else if (doc?.error?.Error) Object.assign(last, { outcome: 'rejected', answeredAt: at, reason: `${doc.error.Error}: ${readableCause(doc.error.Cause) ?? ''}`.trim() });
}

function end(t: Timeline, current: PhaseSpan | undefined, at: number, outcome: Outcome): void {
  t.outcome = outcome;
  t.endedAt = at;
  if (current && current.endedAt === undefined) current.endedAt = at;
}

function onExit(t: Timeline, state: string, out: any, at: number, span: PhaseSpan | undefined): void {
  if (!out || typeof out !== 'object') return;
  if (state === 'Plan') {
    t.from = out.live?.serverGroup;
    t.to = out.next?.serverGroup;
    t.swapArn = out.swap?.arn;
    if (out.live?.serverGroup && out.live.targetGroupArn) t.targetGroups[out.live.serverGroup] = out.live.targetGroupArn;
    if (span) span.detail = `${t.cluster ?? out.cluster} ${out.release}: ${t.from ?? '(no live group)'} → ${t.to}`;
  } else if (state === 'CheckBake' || state === 'VerifyImage') {
    const image = out.image?.imageId ?? out.imageId;
    if (image && span) span.detail = `image ${image}`;
  } else if (state === 'LaunchGroup' && out.launched && span) {
    t.targetGroups[out.launched.serverGroup] = out.launched.targetGroupArn;
    span.detail = `${out.launched.serverGroup}: ${out.launched.desired} instances, ${out.launched.required} healthy required`;
  } else if (state === 'HealthGate' && out.gate) {
    t.health.push({ at, healthy: out.gate.healthy, required: out.gate.required });
    if (span) span.detail = `${out.gate.healthy}/${out.gate.required} healthy${out.gate.status === 'passed' ? ', passed' : ''}`;
  } else if (state === 'RequestApproval' && out.approval) {
    const last = t.approvals.at(-1);
    if (last?.outcome === 'pending') Object.assign(last, { outcome: 'promoted', answeredAt: at, ...(typeof out.approval.by === 'string' ? { by: out.approval.by } : {}) });
  } else if (state === 'SwapTargetGroup' && out.traffic?.weights) {
    // A step's later looks (watching alarms) return the same weights: one line per change.
    if (JSON.stringify(t.traffic.at(-1)?.weights) !== JSON.stringify(out.traffic.weights)) t.traffic.push({ at, weights: { ...out.traffic.weights }, step: out.traffic.step, phase: t.phases.length - 1 });
    if (span) span.detail = weightsText(out.traffic.weights);
  } else if (state === 'Rollback' && out.rollback) {
    const r = out.rollback;
    // The listener is back as Plan found it: all traffic on the live group (none on a first deploy).
    if (r.outcome !== 'committed' && t.from) t.traffic.push({ at, weights: { [t.from]: 100, ...(t.to ? { [t.to]: 0 } : {}) }, phase: t.phases.length - 1 });
    if (span) span.detail = r.outcome === 'committed' ? 'already committed: the deployment stands' : `listener restored; deleted ${[...new Set<string>(r.deleted ?? [])].join(', ') || 'nothing'}`;
  } else if (PHASE_OF[state] === 'ManualRollback') {
    // The manual rollback's result sits at the top level or under its own key, depending on the state.
    const r = out.rolledBack ?? out.rollback ?? out;
    t.from = r.from ?? t.from;
    t.to = r.to ?? t.to;
    if (r.traffic && typeof r.traffic === 'object' && JSON.stringify(t.traffic.at(-1)?.weights) !== JSON.stringify(r.traffic)) t.traffic.push({ at, weights: { ...r.traffic }, phase: t.phases.length - 1 });
    if (span && t.from && t.to) span.detail = `${t.from} → ${t.to}`;
  }
}

/** `{a: 900, b: 100}` → `a 90% · b 10%`. Target group ARNs are shown by name. */
export function weightsText(weights: Record<string, number>): string {
  const total = Object.values(weights).reduce((n, w) => n + w, 0) || 1;
  return Object.entries(weights)
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([g, w]) => `${g.includes(':targetgroup/') ? groupOfTargetGroup(g) : g} ${Math.round((w * 100) / total)}%`)
    .join(' · ');
}

/** 75_000 → `1m15s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
