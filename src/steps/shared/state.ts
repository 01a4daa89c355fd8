/**
 * The document the deploy state machine carries from step to step. Plan writes the top level;
 * each later step writes its own key (ResultPath), so any step — and Rollback — sees everything
 * decided before it.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
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
  /** The listener's actions with the new target group added at weight 0 (health-checked, no traffic). */
  staged: Action[];
  /** Epoch ms after which the health gate has failed. */
  deadline: number;
  waitSeconds: number;
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
  /** A progress notification that failed (logged and counted). */
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
  startedAt: number;
  leaseSeconds: number;
  image?: ImageProgress;
  launched?: Launched;
  gate?: GateProgress;
  traffic?: TrafficProgress;
  error?: { Error: string; Cause: string };
}
