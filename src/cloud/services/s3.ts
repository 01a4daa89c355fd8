import type { SimContext } from '../context.js';

/** Placeholder: being written. The internal methods below are the contract other services use. */
export class S3Sim {
  constructor(readonly ctx: SimContext) {}
  /** Does the object (latest version, or the given one) exist? */
  objectExists(_bucket: string, _key: string, _versionId?: string): boolean {
    throw new Error('not yet');
  }
}
