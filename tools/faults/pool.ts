/**
 * Runs seeds on worker threads, each thread one scenario at a time (a scenario owns its thread's
 * virtual clock). Results come back in completion order; they depend only on their seed, so the
 * figures of a batch are the same whatever the number of threads.
 */
import { Worker } from 'node:worker_threads';
import type { ScenarioResult, ViolationReport } from './runner.js';
import type { SeedJob } from './worker.js';

export interface SeedOutcome {
  seed: number;
  result: ScenarioResult;
  report?: ViolationReport;
}

/** The worker module, loaded through tsx's loader when the runner itself runs from TypeScript sources. */
function spawn(): Worker {
  const url = new URL('./worker.ts', import.meta.url).href;
  const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(url)}); })`;
  return new Worker(code, { eval: true, execArgv: [] });
}

export async function runOnWorkers(seeds: number[], threads: number, shrink: boolean, onResult: (o: SeedOutcome) => void): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(threads, seeds.length) }, spawn);
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          const send = () => {
            const seed = seeds[next++];
            w.postMessage(seed === undefined ? null : ({ seed, shrink } satisfies SeedJob));
          };
          w.on('message', (m: SeedOutcome & { error?: string }) => {
            if (m.error) {
              reject(new Error(`seed ${m.seed}: ${m.error}`));
              return;
            }
            onResult(m);
            send();
          });
          w.on('error', reject);
          w.on('exit', () => resolve());
          send();
        }),
    ),
  ).finally(() => Promise.all(workers.map((w) => w.terminate())));
}
