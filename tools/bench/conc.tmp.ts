import './lib/env.js';
import { quiet } from './lib/common.js';
import { runConcurrent } from './lib/scale.js';
quiet();
const n = Number(process.argv[2] ?? 50);
for (const seed of (process.argv[3] ?? '1').split(',').map(Number)) {
  const r = await runConcurrent(n, seed);
  console.log(JSON.stringify({ seed, failures: r.failures, throttled: r.throttledCalls, stepRetries: r.stepRetries, added: r.addedDelaySeconds, max: r.maxAddedDelaySeconds, wallMs: r.wallMs, buckets: r.buckets }));
}
