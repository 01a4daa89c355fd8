import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class CloudWatchSim {
  constructor(readonly ctx: SimContext) {}
}
