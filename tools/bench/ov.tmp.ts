import './lib/env.js';
import { quiet } from './lib/common.js';
import { AWS_LATENCY } from '../../sim/latency.js';
import { OVERHEAD_SCENARIOS, runOverhead } from './lib/scenarios.js';
quiet();
const lat = process.argv.includes('--latency') ? AWS_LATENCY : undefined;
for (const seed of (process.argv[2] ?? '1').split(',').map(Number)) for (const spec of OVERHEAD_SCENARIOS) {
  const r = await runOverhead(spec, () => 256, undefined, { seed, ...(lat ? { latency: lat } : {}) });
  console.log(seed, spec.name, r.deploys.map((d) => `${Math.round(d.deploySeconds)}/${Math.round(d.floor.totalSeconds)}=${d.overheadRatio} t${d.transitions}`).join(" | "));
}
