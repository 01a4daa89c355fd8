import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class SsmSim {
  constructor(readonly ctx: SimContext) {}
}
