import type { SimContext } from '../context.js';

/** Placeholder: being written. The internal methods below are the contract other services use. */
export class ElbSim {
  constructor(readonly ctx: SimContext) {}
  hasTargetGroup(_arn: string): boolean {
    throw new Error('not yet');
  }
  /** Register instances as targets (what Auto Scaling does for attached target groups). */
  registerInstanceTargets(_targetGroupArn: string, _instanceIds: string[]): void {
    throw new Error('not yet');
  }
  /** Deregister instances (they drain for the deregistration delay). */
  deregisterInstanceTargets(_targetGroupArn: string, _instanceIds: string[]): void {
    throw new Error('not yet');
  }
  /** initial | healthy | unhealthy | unused | draining | unavailable; undefined when not registered. */
  targetState(_targetGroupArn: string, _instanceId: string): string | undefined {
    throw new Error('not yet');
  }
  /** The weighted target groups a listener (default action) or rule forwards to now. */
  forwardWeights(_listenerOrRuleArn: string): { targetGroupArn: string; weight: number }[] {
    throw new Error('not yet');
  }
  healthyCount(_targetGroupArn: string): number {
    throw new Error('not yet');
  }
}
