/** undoOwnChanges: a rollback undoes its own deployment's listener changes and never another's. */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardSignature, undoOwnChanges, withForward } from '../../src/steps/shared/forward.js';

const tg = (name: string) => `arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/${name}/0123456789abcdef`;
const LIVE = tg('web-prod-v001');
const OURS = tg('web-prod-v002');
const STALE = tg('web-prod-v000');
const FOREIGN = tg('ops-canary');
const auth: Action = { Type: 'authenticate-oidc', Order: 1, AuthenticateOidcConfig: { Issuer: 'https://idp', AuthorizationEndpoint: 'a', TokenEndpoint: 't', UserInfoEndpoint: 'u', ClientId: 'c' } };
const BEFORE = withForward([{ Type: 'forward', TargetGroupArn: LIVE }], [
  { arn: LIVE, weight: 100 },
  { arn: STALE, weight: 0 },
]);

describe('undoOwnChanges', () => {
  it('property: whatever step of the deployment the listener is at, the result is exactly `before`', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.boolean(), (step, staged) => {
        // Prepare: the staging write (v002 at 0, all kept) or a traffic step (v002 at step %, stale dropped).
        const current = staged
          ? withForward(BEFORE, [{ arn: LIVE, weight: 100 }, { arn: STALE, weight: 0 }, { arn: OURS, weight: 0 }])
          : withForward(BEFORE, [{ arn: OURS, weight: step }, { arn: LIVE, weight: 100 - step }]);
        // Act / Assess
        expect(undoOwnChanges(current, BEFORE, 'web-prod-v002')).toEqual(BEFORE);
      }),
    );
  });

  it('keeps a target group someone else added, with its weight, and takes out only ours', () => {
    // Prepare: mid-shift, an operator adds their own canary target group at 5.
    const current = withForward(BEFORE, [{ arn: OURS, weight: 50 }, { arn: LIVE, weight: 50 }, { arn: FOREIGN, weight: 5 }]);
    // Act
    const restored = undoOwnChanges(current, BEFORE, 'web-prod-v002');
    // Assess
    expect(forwardSignature(restored)).toBe(forwardSignature(withForward(BEFORE, [{ arn: LIVE, weight: 100 }, { arn: STALE, weight: 0 }, { arn: FOREIGN, weight: 5 }])));
  });

  it('keeps an authentication action someone else added', () => {
    // Prepare
    const current = [auth, ...withForward(BEFORE, [{ arn: OURS, weight: 10 }, { arn: LIVE, weight: 90 }])];
    // Act
    const restored = undoOwnChanges(current, BEFORE, 'web-prod-v002');
    // Assess
    expect(restored[0]).toEqual(auth);
    expect(forwardSignature(restored)).toBe(`authenticate-oidc;${forwardSignature(BEFORE)}`);
  });
});
