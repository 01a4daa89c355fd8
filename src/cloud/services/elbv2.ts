import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class ElbSim {
  constructor(readonly ctx: SimContext) {}
}
