import type { SimContext } from '../context.js';

/** Placeholder: being written. The internal methods below are the contract other services use. */
export class SfnSim {
  constructor(readonly ctx: SimContext) {}
  /** StartExecution for EventBridge targets; same rules and idempotency as the API. */
  startExecution(_input: { stateMachineArn: string; name?: string; input?: string }): { executionArn: string; startDate: Date } {
    throw new Error('not yet');
  }
}
