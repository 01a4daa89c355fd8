/** fast-check generators shared by the domain tests. */
import fc from 'fast-check';
import { isValidCluster } from '../../src/domain/names.js';

/** Valid cluster names: 1–4 hyphen-separated lowercase parts, ≤ 32 characters. */
export const clusterArb = fc
  .array(fc.stringMatching(/^[a-z0-9]{1,10}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('-'))
  .filter(isValidCluster);

export const releaseArb = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/);

export const sequenceArb = fc.integer({ min: 0, max: 999 });

/** Arbitrary JSON-ish values, including the odd shapes a broken caller might send. */
export const anyJson = fc.oneof(fc.jsonValue(), fc.anything());

export const LISTENER_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2';
export const RULE_ARN = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee';
