import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class S3Sim {
  constructor(readonly ctx: SimContext) {}
}
