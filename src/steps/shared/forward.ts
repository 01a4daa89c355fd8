/**
 * Pure helpers for a listener's (or rule's) actions: build the weighted forward action of a
 * traffic step from the actions found before the deployment, and compare two action lists by
 * what they do (ELB returns a plain TargetGroupArn also as a one-group ForwardConfig).
 */
import type { Action } from '@aws-sdk/client-elastic-load-balancing-v2';
import { forwardTargets } from '../../aws/elbv2.js';

export interface WeightedTarget {
  arn: string;
  weight: number;
}

/** `before` with its forward (or fixed-response/redirect) action replaced by a weighted forward; authentication actions stay. */
export function withForward(before: Action[], targets: WeightedTarget[]): Action[] {
  const auth = before.filter((a) => a.Type?.startsWith('authenticate-'));
  const last = before.find((a) => !a.Type?.startsWith('authenticate-'));
  const stickiness = before.find((a) => a.Type === 'forward')?.ForwardConfig?.TargetGroupStickinessConfig;
  const forward: Action = {
    Type: 'forward',
    ...(last?.Order === undefined ? {} : { Order: last.Order }),
    ForwardConfig: {
      TargetGroups: targets.map((t) => ({ TargetGroupArn: t.arn, Weight: t.weight })),
      ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {}),
    },
  };
  return [...auth, forward];
}

/** A canonical, comparable form: action types in order, forward targets sorted with weights. */
export function forwardSignature(actions: Action[]): string {
  return actions
    .map((a) => {
      if (a.Type !== 'forward') return `${a.Type}`;
      const targets = forwardTargets([a])
        .map((t) => `${t.targetGroupArn}=${t.weight}`)
        .sort();
      return `forward(${targets.join(',')})`;
    })
    .join(';');
}

export const sameActions = (a: Action[], b: Action[]): boolean => forwardSignature(a) === forwardSignature(b);

/** A target group ARN's name (`…:targetgroup/<name>/<id>`). */
export const targetGroupNameOf = (arn: string): string => arn.split(':targetgroup/')[1]?.split('/')[0] ?? arn;

/**
 * The listener after undoing one deployment and nothing else: `before`, except what someone else
 * changed meanwhile — target groups they added keep their weights, authentication actions they
 * changed stay — with the deployment's own target groups (named in `ours`: the new group's, a fresh baseline's) taken out. Without any
 * foreign change this is exactly `before`, so a rollback never overwrites another's edit.
 */
export function undoOwnChanges(current: Action[], before: Action[], ours: string | readonly string[]): Action[] {
  const known = new Set(forwardTargets(before).map((t) => t.targetGroupArn));
  const own = new Set(typeof ours === 'string' ? [ours] : ours);
  const foreign = forwardTargets(current).filter((t) => !known.has(t.targetGroupArn) && !own.has(targetGroupNameOf(t.targetGroupArn)));
  const auth = (actions: Action[]) => JSON.stringify(actions.filter((a) => a.Type?.startsWith('authenticate-')));
  const authChanged = auth(current) !== auth(before);
  if (foreign.length === 0 && !authChanged) return before;
  const base = authChanged ? current : before;
  const kept = forwardTargets(before).map((t) => ({ arn: t.targetGroupArn, weight: t.weight }));
  return withForward(base, [...kept, ...foreign.map((t) => ({ arn: t.targetGroupArn, weight: t.weight }))]);
}
