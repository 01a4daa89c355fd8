import type { SimContext } from '../context.js';

/** Placeholder: being written. */
export class EventBridgeSim {
  constructor(readonly ctx: SimContext) {}
}
