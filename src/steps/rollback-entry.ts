/** The `rollback` function serves both the state machine's Catch and the on-demand rollback. */
import { type ManualRollbackEvent, type ManualRollbackResult, manualRollback } from './manual-rollback.js';
import { rollback, type RollbackResult } from './rollback.js';
import type { DeploymentState } from './state.js';

export async function rollbackEntry(event: DeploymentState | ManualRollbackEvent): Promise<RollbackResult | ManualRollbackResult> {
  if ((event as ManualRollbackEvent | null)?.mode === 'manual') return manualRollback(event as ManualRollbackEvent);
  return rollback(event as DeploymentState);
}
