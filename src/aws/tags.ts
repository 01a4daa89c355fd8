/** The tags redblack puts on everything it creates (docs/design.md), and a few of its own bookkeeping. */
export const TAG = {
  cluster: 'redblack:cluster',
  serverGroup: 'redblack:server-group',
  release: 'redblack:release',
  deployment: 'redblack:deployment',
  /** `builder` on bake instances; `baseline` on a canary's fresh baseline group and its target group. */
  role: 'redblack:role',
  /** The MinSize a live group had before a deployment pinned it; present only while pinned. */
  pinnedMin: 'redblack:pinned-min',
  /** The deployment holding the pin. */
  pinnedBy: 'redblack:pinned-by',
  /** On a group Finalize scaled to 0 (`teardown.scaleDownOld`): its `min,desired` before, what a manual rollback restores. */
  scaledFrom: 'redblack:scaled-from',
  /** On a server group: how long its bake took (`builder=158,image=59`), so the next bake polls on time. */
  bakeSeconds: 'redblack:bake-seconds',
  /** On a builder: the bake's verdict, `ok` or `failed: <reason>`, set by the builder itself. */
  bakeResult: 'redblack:bake-result',
  /** `true` on a group redblack did not create (any name), brought under it by `redblack cluster adopt`. */
  adopted: 'redblack:adopted',
} as const;

export interface Identity {
  cluster: string;
  deployment: string;
  release?: string;
  serverGroup?: string;
}

/** The standard tag set as `{Key, Value}` pairs. */
export function identityTags(id: Identity): { Key: string; Value: string }[] {
  const tags: { Key: string; Value: string }[] = [
    { Key: TAG.cluster, Value: id.cluster },
    { Key: TAG.deployment, Value: id.deployment },
  ];
  if (id.release !== undefined) tags.push({ Key: TAG.release, Value: id.release });
  if (id.serverGroup !== undefined) tags.push({ Key: TAG.serverGroup, Value: id.serverGroup });
  return tags;
}
