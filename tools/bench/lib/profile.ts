/**
 * What dominates a run: the V8 sampling profiler in process (node:inspector), self time grouped
 * by where the code lives (a simulator, the SDK, fake timers, Step Functions, …).
 */
import { Session } from 'node:inspector/promises';

export interface ProfileShare {
  where: string;
  percent: number;
}

interface Node {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

export async function profiled<T>(run: () => Promise<T>): Promise<{ result: T; top: ProfileShare[] }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 500 });
  await session.post('Profiler.start');
  let result!: T;
  let profile: { nodes: Node[] } = { nodes: [] };
  try {
    result = await run();
  } finally {
    profile = ((await session.post('Profiler.stop')) as { profile: { nodes: Node[] } }).profile;
    session.disconnect();
  }
  const hits = new Map<string, number>();
  let total = 0;
  for (const n of profile.nodes) {
    const count = n.hitCount ?? 0;
    if (count === 0) continue;
    total += count;
    const where = groupOf(n.callFrame.url, n.callFrame.functionName);
    hits.set(where, (hits.get(where) ?? 0) + count);
  }
  const top = [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([where, count]) => ({ where, percent: Math.round((count * 1000) / Math.max(1, total)) / 10 }));
  return { result, top };
}

function groupOf(url: string, fn: string): string {
  if (!url) return fn === '(garbage collector)' ? 'garbage collection' : fn === '(idle)' || fn === '(program)' ? 'idle (event-loop turns between timer jumps)' : `native ${fn || '(anonymous)'}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const src = /\/(src\/cloud\/services\/[^/.]+|src\/cloud\/[^/.]+|src\/[^/]+|functions|bench)[/.]/.exec(url);
  if (src) return src[1] as string;
  if (url.startsWith('node:')) return `node ${url.slice(5).split('/')[0]}`;
  return url.split('/').slice(-2).join('/');
}
