// Tests never reach AWS: a region and static credentials keep the SDK from probing the network.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'AKIAEMBEDDED';
process.env.AWS_SECRET_ACCESS_KEY ??= 'embedded';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
// Metrics (EMF) are log lines on stdout: tests look at what was recorded, not at the output.
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
delete process.env.AWS_ENDPOINT_URL;

import '../sim/polyfills.js';

// Property tests explore new inputs on every local run; CI replays a fixed seed (FC_SEED to
// change it), so a landing never depends on the luck of one run.
import fc from 'fast-check';
if (process.env.CI) fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });

// Test files share their worker's modules (isolate: false in vitest.config.ts): the SDK and the
// simulator load once per worker, not once per file. So each file leaves the process as it found
// it — no embedded cloud wired to the clients, real timers, none of the stack's settings — and
// one that does not fails here, naming the leak, instead of a later file failing mysteriously.
import { afterAll } from 'vitest';
import { clientSettings, configureClients } from '../src/aws/clients.js';

const realDate = Date;
const stackSettings = () => Object.keys(process.env).filter((k) => k.startsWith('REDBLACK_'));
const settingsBefore = new Set(stackSettings());

afterAll(() => {
  const leaks: string[] = [];
  if (clientSettings().middleware) leaks.push('an embedded cloud is still wired to the SDK clients (dispose() it)');
  if (globalThis.Date !== realDate) leaks.push('fake timers are still installed (dispose() the cloud)');
  configureClients({});
  for (const k of stackSettings()) if (!settingsBefore.has(k)) delete process.env[k];
  if (leaks.length > 0) throw new Error(`this test file leaks into the next one: ${leaks.join('; ')}`);
});
