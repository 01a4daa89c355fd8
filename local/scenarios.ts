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

export const SCENARIO_NAMES = Object.keys(SCENARIOS);
