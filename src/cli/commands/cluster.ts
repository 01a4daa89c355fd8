/** cluster get|put|validate: the SSM configuration, validated against the schema, with a diff before a write. */
import { readFileSync } from 'node:fs';
import { describeGroup, groupTag, tagGroup } from '../../aws/autoscaling.js';
import { getParameter } from '../../aws/ssm.js';
import { putParameter } from '../../aws/ssm-write.js';
import { TAG } from '../../aws/tags.js';
import { parseClusterConfig } from '../../domain/config.js';
import { belongsToCluster, parseCluster } from '../../domain/names.js';
import type { Ctx, Outcome } from '../command.js';
import { refused, usageError } from '../errors.js';

const readDocument = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    throw usageError(`${file}: cannot read the file`);
  }
};

/** A file that fails the schema is bad input (exit 2); a stored one that does is the cluster's state (exit 6). */
function parseFile(text: string, cluster: string) {
  try {
    return parseClusterConfig(text, cluster);
  } catch (err) {
    if ((err as Error).name === 'InvalidClusterConfig') throw usageError((err as Error).message);
    throw err;
  }
}

/** Validates without any AWS call: the schema, every default filled in. */
export function validate(cluster: string, file: string): Outcome {
  parseCluster(cluster);
  const config = parseFile(readDocument(file), cluster);
  return { json: { cluster, valid: true, config }, text: `${file}: a valid configuration for cluster ${cluster}\n` };
}

export async function get(ctx: Ctx, cluster: string): Promise<Outcome> {
  parseCluster(cluster);
  const r = await ctx.resources();
  const parameter = `${r.configPath}/${cluster}`;
  const raw = await getParameter(parameter);
  if (raw === undefined) throw refused(`cluster ${cluster} has no configuration (SSM parameter ${parameter})`, 'ClusterNotFound');
  const document = JSON.parse(raw) as unknown;
  return { json: { cluster, parameter, config: document }, text: `${JSON.stringify(document, null, 2)}\n` };
}

/** A line diff of two pretty-printed documents: enough to read what a put changes. */
export function diffLines(before: string, after: string): string[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Longest common subsequence: configs are a few dozen lines.
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const all: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      all.push(`  ${a[i]}`);
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) all.push(`+ ${b[j++]}`);
    else all.push(`- ${a[i++]}`);
  }
  // Changed lines with two lines of context around each, as a unified diff shows them.
  const near = (k: number) => all.slice(Math.max(0, k - 2), k + 3).some((l) => !l.startsWith('  '));
  return all.filter((l, k) => !l.startsWith('  ') || near(k));
}

export async function put(ctx: Ctx, cluster: string, file: string, o: { yes?: boolean }): Promise<Outcome> {
  parseCluster(cluster);
  const text = readDocument(file);
  parseFile(text, cluster);
  const r = await ctx.resources();
  const parameter = `${r.configPath}/${cluster}`;
  const current = await getParameter(parameter);
  const pretty = (s: string) => JSON.stringify(JSON.parse(s), null, 2);
  const diff = diffLines(current === undefined ? '' : pretty(current), pretty(text));
  const changed = diff.some((l) => !l.startsWith('  ') && l.trim() !== '+' && l.trim() !== '-');
  if (!changed) return { json: { cluster, parameter, changed: false, written: false, diff }, text: `no change to ${parameter}\n` };
  const shown = `${current === undefined ? `new configuration ${parameter}` : `changes to ${parameter}`}:\n${diff.join('\n')}\n`;
  if (!o.yes) return { json: { cluster, parameter, changed: true, written: false, diff }, text: `${shown}not written: run again with --yes to write it\n` };
  // The value stored is the file's JSON, compact: the functions parse it as it is.
  const version = await putParameter(parameter, JSON.stringify(JSON.parse(text)));
  return { json: { cluster, parameter, changed: true, written: true, version: version ?? null, diff }, text: `${shown}written (version ${version})\n` };
}

/**
 * Brings an existing Auto Scaling group (any name) under redblack as the cluster's live group: its
 * first deployment clones it and creates <cluster>-v001. Tags only; without --yes, shows them.
 */
export async function adopt(ctx: Ctx, cluster: string, group: string, o: { yes?: boolean }): Promise<Outcome> {
  parseCluster(cluster);
  if (!/^[\x20-\x7e]{1,255}$/.test(group)) throw usageError(`${group} is not an Auto Scaling group name (1-255 printable characters)`);
  const r = await ctx.resources();
  const { readCluster } = await import('../cluster-view.js');
  const view = await readCluster(cluster, r, { timeline: false });
  const asg = await describeGroup(group);
  if (!asg) throw refused(`no Auto Scaling group ${group} in this account and region`, 'NotFound');
  if (belongsToCluster(group, cluster)) throw refused(`${group} is already one of ${cluster}'s server groups`, 'AlreadyAdopted');
  const owner = groupTag(asg, TAG.cluster);
  if (owner && owner !== cluster) throw refused(`${group} belongs to cluster ${owner}`, 'AlreadyAdopted');
  if (view.lock) throw refused(`deployment ${view.lock.deployment} of cluster ${cluster} is in progress`, 'DeploymentInProgress');
  const tg = asg.TargetGroupARNs?.[0];
  const serving = view.groups.filter((g) => g.weight > 0).map((g) => g.name);
  if (!tg) throw refused(`${group} has no target group: redblack swaps target groups behind the listener`, 'NotAdoptable');
  // What the listener serves must be this group alone (its target group with all the weight).
  const { forwardTargets, readSwapPoint } = await import('../../aws/elbv2.js');
  const forward = forwardTargets((await readSwapPoint(view.swapArn)).actions).filter((f) => f.weight > 0);
  if (forward.length !== 1 || forward[0]?.targetGroupArn !== tg) {
    throw refused(`${group} is not what the cluster's listener serves alone (it serves ${forward.map((f) => f.targetGroupArn.split('/')[1]).join(', ') || 'nothing'}${serving.length ? `, groups ${serving.join(', ')}` : ''})`, 'NotAdoptable');
  }
  if (!asg.LaunchTemplate && !asg.MixedInstancesPolicy?.LaunchTemplate) throw refused(`${group} uses a launch configuration: redblack clones launch templates only`, 'NotAdoptable');
  const tags = { [TAG.cluster]: cluster, [TAG.serverGroup]: group, [TAG.adopted]: 'true' };
  const already = owner === cluster && groupTag(asg, TAG.adopted) === 'true';
  const shown = `${group} → cluster ${cluster}: tags ${Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(', ')}; its first deployment creates ${cluster}-v001`;
  if (already) return { json: { cluster, group, adopted: true, written: false, tags }, text: `${group} is already adopted by ${cluster}\n` };
  if (!o.yes) return { json: { cluster, group, adopted: false, written: false, tags }, text: `${shown}\nnot written: run again with --yes to adopt it\n` };
  await tagGroup(group, tags);
  return { json: { cluster, group, adopted: true, written: true, tags }, text: `adopted: ${shown}\n` };
}
