/**
 * The document the deploy state machine carries from step to step. Plan writes the top level;
 * each later step writes its own key (ResultPath), so any step — and Rollback — sees everything
 * decided before it.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ApprovalAnswer, ApprovalRequest } from '../../domain/approval.js';
import type { ClusterConfig } from '../../domain/config.js';
import type { DeployInput } from '../../domain/input.js';
import type { BakeSeconds } from '../../domain/poll.js';

export interface LiveGroup {
  serverGroup: string;
  targetGroupArn: string;
  launchTemplate: { id: string; version: string };
  desired: number;
  min: number;
  max: number;
  /** How long this group's bake took (its `redblack:bake-seconds` tag): the next bake's expected times. */
  bakeSeconds?: BakeSeconds;
}

export interface ImageProgress {
  status: 'baking' | 'imaging' | 'done';
  imageId?: string;
  builderId?: string;
  /** Epoch ms after which the bake has failed. */
  deadline?: number;
  waitSeconds: number;
  /** Epoch ms the current phase began (builder launched, image requested): what the polls are timed from. */
  phaseSince?: number;
  /** Epoch ms of the last look that found the phase unfinished. */
  lastPendingAt?: number;
  /** Seconds the finished phases took, as learned for the next bake (domain/poll.ts `learnedSeconds`). */
  took?: BakeSeconds;
}

export interface Launched {
  serverGroup: string;
  targetGroupArn: string;
  launchTemplate: { id: string; version: number };
  desired: number;
  /** ceil(desired × minHealthyPercent): healthy targets the traffic guard demands. */
  required: number;
  healthCheck: { intervalSeconds: number; healthyThreshold: number };
  /** With canary `baseline: fresh`: the baseline group (absent on a first deployment, which has no live image). */
  baseline?: LaunchedBaseline;
  /** The listener's actions with the new target group (and the baseline's) added at weight 0 (health-checked, no traffic). */
  staged: Action[];
  /** Epoch ms after which the health gate has failed. */
  deadline: number;
  waitSeconds: number;
}

/** The fresh baseline group LaunchGroup made beside the canary (canary `baseline: fresh`). */
export interface LaunchedBaseline {
  serverGroup: string;
  targetGroupArn: string;
  /** The launch template version it runs: the live group's, resolved to a number. */
  launchTemplate: { id: string; version: number };
  /** The canary's desired capacity. */
  desired: number;
  /** ceil(desired × minHealthyPercent), as for the canary. */
  required: number;
}

export interface GateProgress {
  status: 'passed' | 'waiting';
  healthy: number;
  inService: number;
  required: number;
  /** Epoch ms before which the group cannot pass (instances still registering + health checks): the next look's floor. */
  readyNotBefore?: number;
  waitSeconds: number;
  /** A progress notification that failed (logged and counted). */
  warnings?: string[];
}

export interface TrafficProgress {
  stepIndex: number;
  step: number;
  weights: Record<string, number>;
  /** The actions this step wrote: the next step checks the listener still reads so. */
  actions: Action[];
  done: boolean;
  waitSeconds: number;
  /** Epoch ms when this step's wait ends; until then the step only watches the alarms. */
  stepEndsAt?: number;
  /** Set when the next step waits for a person (config `approval`): nothing was changed. */
  approval?: ApprovalRequest;
  /** A progress notification that failed (logged and counted). */
  warnings?: string[];
}

export interface JudgmentProgress {
  /** `skipped`: no baseline to compare with (a cluster's first deployment). */
  decision: 'promote' | 'watch' | 'extend' | 'skipped';
  /** Epoch ms the canary first took traffic: samples are pooled from then on. */
  since: number;
  stepIndex: number;
  /** Looks so far (the next judgment's number in the ledger). */
  looks: number;
  score: number | null;
  /** The step whose end was extended because its score was marginal, and until when. */
  extended?: { stepIndex: number; until: number };
  /** A judgment notification that failed (logged and counted). */
  warnings?: string[];
}

export interface DeploymentState {
  deployment: string;
  cluster: string;
  release: string;
  artifact?: DeployInput['artifact'];
  /** Set for a prebaked image: the state machine then verifies instead of baking. */
  imageId?: string;
  config: ClusterConfig;
  swap: { kind: 'listener' | 'rule'; arn: string; before: Action[] };
  live?: LiveGroup;
  next: { serverGroup: string; sequence: number; targetGroupName: string };
  /**
   * With canary `baseline: fresh` and a live group: the names of the baseline group and its target
   * group, decided (and recorded in the ledger's plan) before anything is created, so every undo
   * finds them.
   */
  baseline?: { serverGroup: string; targetGroupName: string };
  startedAt: number;
  leaseSeconds: number;
  image?: ImageProgress;
  launched?: Launched;
  gate?: GateProgress;
  traffic?: TrafficProgress;
  judgment?: JudgmentProgress;
  /** Set by Plan instead of taking the lock: outside the windows with waitForWindow, the state machine waits until `until` and plans again from `input`. */
  windowWait?: { until: string; reason: string; input: unknown };
  /** The answer to the last approval request (SendTaskSuccess output). */
  approval?: ApprovalAnswer;
  error?: { Error: string; Cause: string };
}
