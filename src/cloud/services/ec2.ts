import type { SimContext } from '../context.js';

/** Placeholder: being written. The internal methods below are the contract other services use. */
export class Ec2Sim {
  constructor(readonly ctx: SimContext) {}
  /** Launch one instance for an Auto Scaling group (no ClientToken); returns its id. */
  launchForGroup(_spec: {
    launchTemplate: { LaunchTemplateId?: string; LaunchTemplateName?: string; Version?: string };
    subnetId: string;
    instanceType?: string;
    groupName: string;
    tags: { Key: string; Value: string }[];
  }): string {
    throw new Error('not yet');
  }
  /** Start terminating an instance (running → shutting-down → terminated). */
  terminateForGroup(_instanceId: string): void {
    throw new Error('not yet');
  }
  /** pending | running | shutting-down | terminated | stopping | stopped; undefined if unknown. */
  instanceState(_instanceId: string): string | undefined {
    throw new Error('not yet');
  }
  /** True when the instance is running and its app answers health checks right now. */
  appAnswering(_instanceId: string): boolean {
    throw new Error('not yet');
  }
  /** Subscribe to instance state changes. */
  onStateChange(_fn: (instanceId: string, state: string) => void): void {
    throw new Error('not yet');
  }
}
