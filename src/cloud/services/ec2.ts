import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class Ec2Sim {
  constructor(readonly ctx: SimContext) {}
}
