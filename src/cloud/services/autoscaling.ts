import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class AutoScalingSim {
  constructor(readonly ctx: SimContext) {}
}
