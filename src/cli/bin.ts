/** The `redblack` process: real AWS (or --endpoint) through the standard credential chain. */
import { runCli } from './main.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const code = await runCli(process.argv.slice(2), {
  io: { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s), tty: process.stdout.isTTY === true },
});
process.exitCode = code;
