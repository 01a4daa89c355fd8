import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class DynamoDbSim {
  constructor(readonly ctx: SimContext) {}
}
