/** The `approval` section of a cluster's configuration (what it does: approval.ts). */
import * as z from 'zod/mini';

export const approvalSchema = z.strictObject({
  /** Traffic percentages (values of traffic.steps) that need an approval before they are applied. Default [100]. */
  beforeSteps: z.optional(
    z
      .array(z.int().check(z.gte(1, { error: 'must be a traffic step from 1 to 100' }), z.lte(100, { error: 'must be a traffic step from 1 to 100' })))
      .check(z.minLength(1, { error: 'must list at least one traffic step' })),
  ),
  /** Minutes to wait for an answer, 1–180 (a deployment runs at most 6 hours). Default 60. */
  timeoutMinutes: z.optional(z.int().check(z.gte(1, { error: 'must be an integer from 1 to 180' }), z.lte(180, { error: 'must be an integer from 1 to 180' }))),
  /** What no answer does: `rollback` (default) or `promote`. */
  onTimeout: z.optional(z.enum(['rollback', 'promote'], { error: 'must be rollback or promote' })),
});

