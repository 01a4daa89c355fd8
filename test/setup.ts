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
