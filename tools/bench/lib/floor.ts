/**
 * The physical floor of a deployment: what it cannot beat however clever the pipeline, computed
 * from the scenario's own parameters (the simulated app, the target group's health checks, the
 * traffic steps). Every second a deployment takes beyond it is the pipeline's overhead.
 */
export interface FloorParams {
  /** Bake phases: builder boot, install, power-off, AMI creation (s). 0 for a prebaked image. */
  bake: { bootSeconds: number; installSeconds: number; stopSeconds: number; imageSeconds: number } | null;
  /** Instance boot of the new group (s). */
  bootSeconds: number;
  /** From `running` until the app answers health checks (s). */
  appStartSeconds: number;
  healthCheck: { intervalSeconds: number; healthyThreshold: number };
  traffic: { steps: number; waitSeconds: number };
}

export interface Floor {
  bakeSeconds: number;
  bootSeconds: number;
  /** Health checks: `interval × threshold`, counted from the first check the app can pass. */
  healthSeconds: number;
  trafficSeconds: number;
  totalSeconds: number;
}

export function physicalFloor(p: FloorParams): Floor {
  const bakeSeconds = p.bake ? p.bake.bootSeconds + p.bake.installSeconds + p.bake.stopSeconds + p.bake.imageSeconds : 0;
  const { intervalSeconds: interval, healthyThreshold: threshold } = p.healthCheck;
  // Checks run every interval from registration (at `running`); the first that can pass is the
  // first at or after the app answers, and `threshold` consecutive passes make a target healthy.
  const firstPassing = Math.max(1, Math.ceil(p.appStartSeconds / interval));
  const healthSeconds = interval * (firstPassing + threshold - 1);
  const trafficSeconds = Math.max(0, p.traffic.steps - 1) * p.traffic.waitSeconds;
  return { bakeSeconds, bootSeconds: p.bootSeconds, healthSeconds, trafficSeconds, totalSeconds: bakeSeconds + p.bootSeconds + healthSeconds + trafficSeconds };
}

/** Published prices (us-east-1): Step Functions Standard, Lambda on arm64. */
export const PRICES = {
  perStateTransition: 0.025 / 1000,
  lambdaPerGbSecondArm: 0.0000133334,
  lambdaPerRequest: 0.2 / 1_000_000,
};

export interface CostInput {
  transitions: number;
  /** One entry per invocation: configured memory and billed duration. */
  invocations: { memoryMb: number; billedMs: number }[];
}

export function costUsd(c: CostInput): { stepFunctions: number; lambda: number; total: number } {
  const stepFunctions = c.transitions * PRICES.perStateTransition;
  const gbSeconds = c.invocations.reduce((s, i) => s + (i.memoryMb / 1024) * (i.billedMs / 1000), 0);
  const lambda = gbSeconds * PRICES.lambdaPerGbSecondArm + c.invocations.length * PRICES.lambdaPerRequest;
  return { stepFunctions, lambda, total: stepFunctions + lambda };
}
