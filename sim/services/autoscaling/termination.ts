/** Which instances a scale-in terminates: zone balance first, then the group's termination policies. */
import type { Rng } from '../../rng.js';
import type { AsgInstance, Group } from './model.js';

type Ranker = (i: AsgInstance) => number;

function usesCurrentTemplate(g: Group, i: AsgInstance): boolean {
  const cur = g.launchTemplate ?? g.mixed?.LaunchTemplate?.LaunchTemplateSpecification;
  if (!cur) return false;
  if (cur.LaunchTemplateId && i.launchTemplate.LaunchTemplateId) return cur.LaunchTemplateId === i.launchTemplate.LaunchTemplateId;
  return cur.LaunchTemplateName === i.launchTemplate.LaunchTemplateName;
}

/** Lower rank = terminated first; undefined = the policy does not discriminate. */
function ranker(policy: string, g: Group, now: number): Ranker | undefined {
  switch (policy) {
    case 'OldestInstance':
      return (i) => i.launchedAt;
    case 'NewestInstance':
      return (i) => -i.launchedAt;
    case 'OldestLaunchTemplate':
      // Instances of another template go first, then the lowest version.
      return (i) => (usesCurrentTemplate(g, i) ? 1e12 : 0) + (i.versionNumber ?? 1e11);
    case 'ClosestToNextInstanceHour':
      return (i) => -((now - i.launchedAt) % 3_600_000);
    default:
      // OldestLaunchConfiguration (no launch configurations here), AllocationStrategy, Lambda ARNs.
      return undefined;
  }
}

function keepBest(pool: AsgInstance[], rank: Ranker): AsgInstance[] {
  let best = Infinity;
  for (const i of pool) best = Math.min(best, rank(i));
  return pool.filter((i) => rank(i) === best);
}

function pickOne(g: Group, pool: AsgInstance[], current: AsgInstance[], now: number, rng: Rng): AsgInstance {
  // Zone balance: only instances of the zone(s) holding the most instances are candidates.
  const perZone = new Map<string, number>();
  for (const i of current) perZone.set(i.az, (perZone.get(i.az) ?? 0) + 1);
  const most = Math.max(...pool.map((i) => perZone.get(i.az) ?? 0));
  let candidates = pool.filter((i) => (perZone.get(i.az) ?? 0) === most);
  const policies = g.terminationPolicies.flatMap((p) => (p === 'Default' ? ['OldestLaunchTemplate', 'ClosestToNextInstanceHour'] : [p]));
  for (const p of policies) {
    const rank = ranker(p, g, now);
    if (rank) candidates = keepBest(candidates, rank);
    if (candidates.length === 1) return candidates[0] as AsgInstance;
  }
  return rng.pick(candidates);
}

/** Up to `n` unprotected instances of `live` to terminate. */
export function chooseVictims(g: Group, live: AsgInstance[], n: number, now: number, rng: Rng): AsgInstance[] {
  const picked: AsgInstance[] = [];
  let pool = live.filter((i) => !i.protected);
  let current = [...live];
  while (picked.length < n && pool.length > 0) {
    const v = pickOne(g, pool, current, now, rng);
    picked.push(v);
    pool = pool.filter((i) => i !== v);
    current = current.filter((i) => i !== v);
  }
  return picked;
}
