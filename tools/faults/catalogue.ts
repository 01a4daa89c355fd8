/**
 * The fault catalogue: every way the runner can break a deployment, as plain data (so a failing
 * scenario prints, shrinks and replays) with its fast-check arbitrary. `arm.ts` turns each one
 * into embedded-cloud faults.
 */
import fc from 'fast-check';
import { functionKeys } from '../deploy/serverless.js';

/** The AWS operations the pipeline calls, per IAM service prefix (grep `new *Command(` in src/aws). */
export const OPERATIONS: Record<string, readonly string[]> = {
  ec2: [
    'RunInstances',
    'DescribeInstances',
    'DescribeTags',
    'TerminateInstances',
    'GetConsoleOutput',
    'CreateImage',
    'DescribeImages',
    'DeregisterImage',
    'CreateLaunchTemplateVersion',
    'DescribeLaunchTemplates',
    'DescribeLaunchTemplateVersions',
  ],
  autoscaling: [
    'CreateAutoScalingGroup',
    'DescribeAutoScalingGroups',
    'UpdateAutoScalingGroup',
    'DeleteAutoScalingGroup',
    'CreateOrUpdateTags',
    'DeleteTags',
    'DescribePolicies',
    'PutScalingPolicy',
    'DescribeLifecycleHooks',
  ],
  elasticloadbalancing: [
    'DescribeListeners',
    'ModifyListener',
    'DescribeTargetGroups',
    'DescribeTargetGroupAttributes',
    'CreateTargetGroup',
    'ModifyTargetGroupAttributes',
    'DeleteTargetGroup',
    'DescribeTargetHealth',
  ],
  dynamodb: ['PutItem', 'GetItem', 'UpdateItem', 'DeleteItem'],
  ssm: ['GetParameter'],
  s3: ['HeadObject'],
  states: ['StartExecution', 'DescribeExecution'],
  scheduler: ['CreateSchedule', 'DeleteSchedule'],
  cloudwatch: ['DescribeAlarms', 'GetMetricData'],
  events: ['PutEvents'],
};

/** Every Lambda function of serverless.yml: a deployment's, the on-demand manualRollback and recover. */
export const FUNCTION_KEYS: readonly string[] = functionKeys();

/**
 * throttle: the service's own throttling code; internal/unavailable: HTTP 500/503 (retryable);
 * denied: a permanent 4xx the SDK does not retry.
 */
export type ErrorKind = 'throttle' | 'internal' | 'unavailable' | 'denied';

/** When a fault anchored in time fires: after the k-th listener change (0 = the weight-0 staging) or after the trigger. */
export type Anchor = { change: number; delaySeconds: number } | { afterTriggerSeconds: number };

export type Fault =
  /** An AWS error on the `skip+1`-th matching call, `times` calls in a row. `after`: it took effect, the response was lost. */
  | { kind: 'aws-error'; service: string; operation?: string; error: ErrorKind; phase: 'before' | 'after'; times: number; skip: number }
  | { kind: 'latency'; service: string; operation?: string; ms: number; times: number; skip: number }
  /** The next `n` instances launched anywhere fail to boot. */
  | { kind: 'failed-boots'; n: number }
  /** The release never answers its health check. */
  | { kind: 'unhealthy-release' }
  /** The install command fails on the builder (baked scenarios only). */
  | { kind: 'bake-fails' }
  /** The watched alarm goes to ALARM (scenarios with alarms only). */
  | { kind: 'alarm'; at: Anchor }
  /** The `skip+1`-th invocation of the function dies right after its side effects (then retried). */
  | { kind: 'kill'; function: (typeof FUNCTION_KEYS)[number]; skip: number }
  /** The old (live) or the new group loses instances: through the API or underneath (EC2). */
  | { kind: 'lose-instances'; group: 'old' | 'new'; count: number; via: 'api' | 'ec2'; at: Anchor }
  /** At-least-once delivery: the next `n` S3 events / EventBridge deliveries arrive twice. */
  | { kind: 'duplicate-events'; n: number }
  /** The same trigger again (a second upload of the same object identity is a redelivery). */
  | { kind: 'repeat-trigger'; afterTriggerSeconds: number }
  /** A second, different release of the same cluster. */
  | { kind: 'second-release'; afterTriggerSeconds: number }
  /** The old group's teardown schedule fires `delaySeconds` after it is created. */
  | { kind: 'teardown-early'; delaySeconds: number }
  /** A release only the canary judge can tell apart (local/scenarios.ts): slower p99, 1.5 % errors, or healthy but noisy. */
  | { kind: 'judged-release'; how: 'slow' | 'subtle-errors' | 'noisy' }
  /** Someone answers the approval request (worlds with an approval before 100 % only); it may come early, late or twice. */
  | { kind: 'answer-approval'; answer: 'promote' | 'reject'; afterTriggerSeconds: number }
  /** Every running execution is stopped (StopExecution, the console's Stop) or times out at the anchor: Recover must undo it. */
  | { kind: 'stop'; how: 'abort' | 'timeout'; at: Anchor }
  /** An on-demand rollback (`{"action":"rollback"}`), to the previous group or to the oldest one still there. */
  | { kind: 'manual-rollback'; to: 'previous' | 'oldest'; at: Anchor }
  /** The same console input again, under another execution name (a double click, a second operator). */
  | { kind: 'console-repeat'; afterTriggerSeconds: number }
  /** Someone else adds their own target group (weight 0) to the listener: ListenerDrifted, and their edit must survive the rollback. */
  | { kind: 'listener-edit'; at: Anchor };

const SERVICE_OPS: [string, string | undefined][] = Object.entries(OPERATIONS).flatMap(([service, ops]) => [
  ...ops.map((op): [string, string | undefined] => [service, op]),
  [service, undefined],
]);

const READ_ONLY = /^(Describe|Get|List|Head)/;
export const isMutatingOperation = (operation: string | undefined): boolean => operation !== undefined && !READ_ONLY.test(operation);

const anchor: fc.Arbitrary<Anchor> = fc.oneof(
  fc.record({ change: fc.integer({ min: 0, max: 3 }), delaySeconds: fc.integer({ min: 0, max: 240 }) }),
  fc.record({ afterTriggerSeconds: fc.integer({ min: 0, max: 900 }) }),
);

const awsError: fc.Arbitrary<Fault> = fc
  .record({
    target: fc.constantFrom(...SERVICE_OPS),
    error: fc.constantFrom<ErrorKind>('throttle', 'internal', 'unavailable', 'denied'),
    after: fc.boolean(),
    times: fc.integer({ min: 1, max: 3 }),
    skip: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ target: [service, operation], error, after, times, skip }): Fault => ({
    kind: 'aws-error',
    service,
    ...(operation ? { operation } : {}),
    error,
    // A lost response only makes sense for a call that changes something and failed on the server side.
    phase: after && isMutatingOperation(operation) && (error === 'internal' || error === 'unavailable') ? 'after' : 'before',
    times,
    skip,
  }));

const latency: fc.Arbitrary<Fault> = fc
  .record({
    target: fc.constantFrom(...SERVICE_OPS),
    ms: fc.integer({ min: 100, max: 8_000 }),
    times: fc.integer({ min: 1, max: 3 }),
    skip: fc.integer({ min: 0, max: 12 }),
  })
  .map(({ target: [service, operation], ms, times, skip }): Fault => ({ kind: 'latency', service, ...(operation ? { operation } : {}), ms, times, skip }));

export const faultArbitrary: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: awsError },
  { weight: 2, arbitrary: latency },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('failed-boots' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'unhealthy-release' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bake-fails' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('alarm' as const), at: anchor }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('kill' as const), function: fc.constantFrom(...FUNCTION_KEYS), skip: fc.integer({ min: 0, max: 2 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('lose-instances' as const),
      group: fc.constantFrom('old' as const, 'new' as const),
      count: fc.integer({ min: 1, max: 12 }),
      via: fc.constantFrom('api' as const, 'ec2' as const),
      at: anchor,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('duplicate-events' as const), n: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat-trigger' as const), afterTriggerSeconds: fc.integer({ min: 0, max: 900 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('second-release' as const), afterTriggerSeconds: fc.integer({ min: 0, max: 1_800 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('teardown-early' as const), delaySeconds: fc.integer({ min: 0, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('judged-release' as const), how: fc.constantFrom('slow' as const, 'subtle-errors' as const, 'noisy' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('answer-approval' as const), answer: fc.constantFrom('promote' as const, 'reject' as const), afterTriggerSeconds: fc.integer({ min: 0, max: 1_800 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('stop' as const), how: fc.constantFrom('abort' as const, 'timeout' as const), at: anchor }) },
  {
    weight: 2,
    // Also timed to land after a typical deployment (5–10 min) and before short retention ends.
    arbitrary: fc.record({
      kind: fc.constant('manual-rollback' as const),
      to: fc.constantFrom('previous' as const, 'oldest' as const),
      at: fc.oneof(anchor, fc.record({ afterTriggerSeconds: fc.integer({ min: 300, max: 1_200 }) })),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('console-repeat' as const), afterTriggerSeconds: fc.integer({ min: 0, max: 900 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('listener-edit' as const), at: anchor }) },
);

/** Simulated latency a fault list may add in all: a Lambda outliving its Task timeout (90 s) would be a simulator artefact. */
export const LATENCY_BUDGET_MS = 45_000;

export const totalLatency = (faults: readonly Fault[]): number =>
  faults.reduce((sum, f) => sum + (f.kind === 'latency' ? f.ms * f.times : 0), 0);

/** One line per fault, for reports. */
export function describeFault(f: Fault): string {
  const when = (a: Anchor) => ('change' in a ? `${a.delaySeconds}s after listener change #${a.change}` : `${a.afterTriggerSeconds}s after the trigger`);
  const op = (s: string, o?: string) => `${s}:${o ?? '*'}`;
  switch (f.kind) {
    case 'aws-error':
      return `${f.error}${f.phase === 'after' ? ' (after effect)' : ''} on ${op(f.service, f.operation)} ×${f.times}, skip ${f.skip}`;
    case 'latency':
      return `+${f.ms}ms on ${op(f.service, f.operation)} ×${f.times}, skip ${f.skip}`;
    case 'failed-boots':
      return `${f.n} failed boot(s)`;
    case 'unhealthy-release':
      return 'unhealthy release';
    case 'bake-fails':
      return 'install fails on the builder';
    case 'alarm':
      return `alarm fires ${when(f.at)}`;
    case 'kill':
      return `kill ${f.function} after side effects (invocation #${f.skip + 1})`;
    case 'lose-instances':
      return `${f.group} group loses ${f.count} instance(s) via ${f.via} ${when(f.at)}`;
    case 'duplicate-events':
      return `next ${f.n} event(s) delivered twice`;
    case 'repeat-trigger':
      return `same trigger again ${f.afterTriggerSeconds}s later`;
    case 'second-release':
      return `second release ${f.afterTriggerSeconds}s after the trigger`;
    case 'teardown-early':
      return `teardown fires ${f.delaySeconds}s after it is scheduled`;
    case 'judged-release':
      return `judged release: ${f.how}`;
    case 'answer-approval':
      return `${f.answer} the approval ${f.afterTriggerSeconds}s after the trigger`;
    case 'stop':
      return `${f.how === 'abort' ? 'StopExecution' : 'execution timeout'} ${when(f.at)}`;
    case 'manual-rollback':
      return `manual rollback to the ${f.to} group ${when(f.at)}`;
    case 'console-repeat':
      return `the console input again under another name ${f.afterTriggerSeconds}s after the trigger`;
    case 'listener-edit':
      return `someone else adds a target group to the listener ${when(f.at)}`;
  }
}
