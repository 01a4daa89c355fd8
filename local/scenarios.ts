/**
 * The demo's scenarios: how the world is built and which faults are armed. Faults are the only
 * thing set on the simulator directly; the world itself is made through the AWS API.
 */
import type { EmbeddedCloud } from '../sim/cloud.js';
import type { WorldOptions } from './demo-world.js';

export interface Scenario {
  name: string;
  summary: string;
  world: WorldOptions;
  /** The outcome the scenario is built to show. */
  expect: 'succeeded' | 'rolled-back';
  /** Arm faults once the world is ready, just before the artifact is uploaded. */
  arm?: (cloud: EmbeddedCloud, release: string) => void;
  /**
   * Against an endpoint (`--endpoint`: moto, LocalStack), which runs no user data and serves no
   * requests: why the scenario cannot run there, or what the runner does through the API instead of
   * `arm`, after a step returns. Absent: it runs as is, on a prebaked image.
   */
  onEndpoint?: { refused: string } | { afterStep: (step: string, output: any, api: EndpointApi) => Promise<void> };
}

/** What a scenario may do to an endpoint: plain AWS API calls. */
export interface EndpointApi {
  setAlarm(name: string, state: 'ALARM' | 'OK', reason: string): Promise<void>;
}

export const SCENARIOS: Record<string, Scenario> = {
  happy: {
    name: 'happy',
    summary: 'bake 1.1.0, launch web-prod-v002, gate on health, swap 100%, tear v001 down after an hour',
    world: {},
    expect: 'succeeded',
  },
  'unhealthy-release': {
    name: 'unhealthy-release',
    summary: "1.1.0 never answers its health check: the gate times out and the deployment rolls back",
    world: { healthGateMinutes: 8 },
    expect: 'rolled-back',
    arm: (cloud, release) => cloud.apps.set(release, { healthy: false }),
    onEndpoint: { refused: 'the endpoint runs no application, so no target can fail its health check' },
  },
  'bake-failure': {
    name: 'bake-failure',
    summary: "the install command fails on the builder: the builder is terminated and nothing else is created",
    world: {},
    expect: 'rolled-back',
    arm: (cloud, release) => cloud.apps.set(release, { installFails: true }),
    onEndpoint: { refused: 'the endpoint runs no user data, so nothing is baked and no install can fail' },
  },
  'alarm-during-shift': {
    name: 'alarm-during-shift',
    summary: 'canary 10/50/100; 1.1.0 passes health checks but fails 40% of real requests: the 5xx alarm fires at 10% and traffic goes back to v001',
    world: { steps: [10, 50, 100], stepWaitSeconds: 300, alarms: ['web-prod-5xx'] },
    expect: 'rolled-back',
    arm: (cloud, release) => cloud.apps.set(release, { errorRate: 0.4 }),
    // No requests reach an endpoint's targets: the alarm the 5xx would raise is set through the API.
    onEndpoint: {
      afterStep: async (step, output, api) => {
        if (step === 'SwapTargetGroup' && output?.step === 10) await api.setAlarm('web-prod-5xx', 'ALARM', 'scenario alarm-during-shift: 40% of requests fail at 10%');
      },
    },
  },
  'first-deploy': {
    name: 'first-deploy',
    summary: "a new cluster: no live group, the listener answers 503; the config's launch section builds web-prod-v000",
    world: { firstDeploy: true },
    expect: 'succeeded',
  },
  'canary-steps': {
    name: 'canary-steps',
    summary: 'traffic in steps of 10%, 50%, 100%, two minutes apart, alarms watched between steps',
    world: { steps: [10, 50, 100], stepWaitSeconds: 120, alarms: ['web-prod-5xx'] },
    expect: 'succeeded',
  },
};

/** The judged scenarios' world: 10/50/100 with five-minute steps, the LB's 5xx alarm, and the canary judge. */
const JUDGED: WorldOptions = { steps: [10, 50, 100], stepWaitSeconds: 300, alarms: ['web-prod-5xx'], canary: {} };

/** The judged world with a fresh baseline: steps of at most 50 (the baseline takes as much as the canary). */
const FRESH: WorldOptions = { steps: [10, 25, 100], stepWaitSeconds: 300, alarms: ['web-prod-5xx'], canary: { baseline: 'fresh' } };

/** Every release fails 0.1 % of requests: a real service's background error rate. */
const BACKGROUND_ERRORS = 0.001;

/** Noisy but healthy: more background errors and a long latency tail, both releases alike (also a class of the judge's bench). */
export const NOISY = { errorRate: 0.003, latency: { medianSeconds: 0.05, p99Seconds: 0.4, jitter: 0.1 } };

/** 1.1.0 fails 1.5 % of requests against the 0.1 % background: below the LB-wide alarm, not the judge. */
const subtleErrors: Scenario['arm'] = (cloud, release) => {
  cloud.apps.defaults.errorRate = BACKGROUND_ERRORS;
  cloud.apps.set(release, { errorRate: 0.015 });
};

export const JUDGED_SCENARIOS: Record<string, Scenario> = {
  'slow-release': {
    name: 'slow-release',
    summary: "1.1.0 is healthy and error-free but its p99 latency is 40 % higher: the LB alarm stays quiet, the canary judge rolls back on latencyP99",
    world: JUDGED,
    expect: 'rolled-back',
    arm: (cloud, release) => {
      cloud.apps.defaults.errorRate = BACKGROUND_ERRORS;
      const base = cloud.apps.defaults.latency;
      cloud.apps.set(release, { errorRate: 0, latency: { ...base, medianSeconds: base.medianSeconds * 1.1, p99Seconds: base.p99Seconds * 1.4 } });
    },
  },
  'subtle-errors': {
    name: 'subtle-errors',
    summary: '1.1.0 fails 1.5 % of requests against 0.1 % for 1.0.0, far below the LB-wide 5xx alarm: the canary judge rolls back on errorRate',
    world: JUDGED,
    expect: 'rolled-back',
    arm: subtleErrors,
  },
  'noisy-healthy': {
    name: 'noisy-healthy',
    summary: 'both releases alike but noisy (0.3 % errors, a long latency tail: p99 8× the median, minutes ±10 %): the canary judge promotes every step',
    world: JUDGED,
    expect: 'succeeded',
    arm: (cloud) => {
      cloud.apps.defaults.errorRate = NOISY.errorRate;
      cloud.apps.defaults.latency = NOISY.latency;
    },
  },
  'fresh-baseline': {
    name: 'fresh-baseline',
    summary: 'canary.baseline fresh: web-prod-v002-baseline (1.0.0, as young as the canary) takes 10 % and 25 % beside the canary, the judge compares the two and promotes, the baseline is deleted at the end',
    world: FRESH,
    expect: 'succeeded',
    arm: (cloud) => {
      cloud.apps.defaults.errorRate = BACKGROUND_ERRORS;
    },
  },
  'fresh-baseline-subtle-errors': {
    name: 'fresh-baseline-subtle-errors',
    summary: 'subtle-errors judged against a fresh baseline: 1.1.0 fails 1.5 % of requests, the judge rolls back on errorRate, canary and baseline both deleted',
    world: FRESH,
    expect: 'rolled-back',
    arm: subtleErrors,
  },
};

Object.assign(SCENARIOS, JUDGED_SCENARIOS);

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
