/** Small shared pieces of the benchmarks: the machine, a memory sampler, tables, quiet logs. */
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import './env.js';
import '../../../sim/polyfills.js';
import { logger } from '../../../src/lambda/logger.js';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
}

export function machine(): Machine {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, node: process.version, platform: `${process.platform}-${process.arch}` };
}

/** The functions' own JSON logs would drown the tables. */
export function quiet(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  logger.setLogLevel('SILENT');
}

const MB = 1024 * 1024;

/** Peak RSS and heap, sampled whenever `sample()` is called (cheap: one memoryUsage call). */
export class MemoryPeak {
  rss = 0;
  heap = 0;
  sample(): void {
    const m = process.memoryUsage();
    if (m.rss > this.rss) this.rss = m.rss;
    if (m.heapUsed > this.heap) this.heap = m.heapUsed;
  }
  get rssMb(): number {
    return round(this.rss / MB, 1);
  }
  get heapMb(): number {
    return round(this.heap / MB, 1);
  }
}

export const round = (n: number, digits = 2): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** A plain-text table: first row is the header. */
export function table(rows: (string | number)[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => String(r[c] ?? '').length))) ?? [];
  const line = (r: (string | number)[]) => r.map((v, c) => (typeof v === 'number' ? String(v).padStart(widths[c] ?? 0) : String(v).padEnd(widths[c] ?? 0))).join('  ');
  return [line(rows[0] ?? []), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** True when this module is the script node was started with. */
export const isMain = (url: string): boolean => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;
