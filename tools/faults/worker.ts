/**
 * A fault-runner worker thread: runs the seeds it is sent, one at a time, and posts each result
 * back. Every scenario owns the thread's (virtual) clock while it runs, so a thread runs one
 * scenario at a time; parallelism comes from several threads.
 */
import { parentPort } from 'node:worker_threads';
import '../../sim/polyfills.js';
import { runSeed } from './runner.js';

export interface SeedJob {
  seed: number;
  shrink: boolean;
}

parentPort?.on('message', (job: SeedJob | null) => {
  if (job === null) {
    parentPort?.close();
    return;
  }
  runSeed(job.seed, job.shrink).then(
    (out) => parentPort?.postMessage({ seed: job.seed, ...out }),
    (err: unknown) => parentPort?.postMessage({ seed: job.seed, error: (err as Error).stack ?? String(err) }),
  );
});
