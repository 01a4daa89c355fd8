import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class SchedulerSim {
  constructor(readonly ctx: SimContext) {}
}
