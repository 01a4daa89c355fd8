/**
 * The document the deploy state machine carries from step to step. Plan writes the top level;
 * each later step writes its own key (ResultPath), so any step — and Rollback — sees everything
 * decided before it.
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ClusterConfig } from '../domain/config.js';
import type { DeployInput } from '../domain/input.js';

export interface LiveGroup {
  serverGroup: string;
  targetGroupArn: string;
  launchTemplate: { id: string; version: string };
  desired: number;
  min: number;
  max: number;
}

export interface ImageProgress {
  status: 'baking' | 'imaging' | 'done';
  imageId?: string;
  builderId?: string;
  /** Epoch ms after which the bake has failed. */
  deadline?: number;
  waitSeconds: number;
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
  /** Epoch ms when all desired instances were first seen InService (drives the adaptive wait). */
  allInServiceAt?: number;
  waitSeconds: number;
}

export interface TrafficProgress {
  stepIndex: number;
  step: number;
  weights: Record<string, number>;
  /** The actions this step wrote: the next step checks the listener still reads so. */
  actions: Action[];
  done: boolean;
  waitSeconds: number;
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
