import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class SfnSim {
  constructor(readonly ctx: SimContext) {}
}
