// Loaded with `node --import` into a child process the benchmark times: reports its peak RSS on exit.
import { writeSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  writeSync(2, `\nREDBLACK_BENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
