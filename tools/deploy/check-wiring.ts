/**
 * Wiring checks of the packaged template: every entry point exists and reaches the right target
 * with the permission to invoke it, the scheduler role may invoke teardown only, the state
 * machine role only this stack's functions, the bucket is locked down, no dependency cycle.
 * Each returns its problems as sentences (empty = pass).
 */
import { isDeepStrictEqual } from 'node:util';
import { functionsOf, type Place, referencesIn, resolve, resolveString, roleStatements, type Statement, type Template } from './template.js';
import { isUnscopable } from './unscopable.js';

const ofType = (t: Template, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

function functionArn(t: Template, place: Place, key: string): string | undefined {
  const fn = functionsOf(t, place).get(key);
  return fn && resolveString(t, { 'Fn::GetAtt': [fn.logicalId, 'Arn'] }, place);
}

export interface Trigger {
  what: string;
  /** Matches the rule's EventPattern (resolved) or ScheduleExpression. */
  rule: (r: { pattern?: any; schedule?: string }) => boolean;
  target: string;
  input?: unknown;
}

/** The entry points of docs/design.md, as rules of the template. */
export const TRIGGERS = (bucket: string): Trigger[] => [
  {
    what: 'S3 Object Created under releases/',
    rule: ({ pattern: p }) =>
      isDeepStrictEqual(p?.source, ['aws.s3']) &&
      isDeepStrictEqual(p?.['detail-type'], ['Object Created']) &&
      isDeepStrictEqual(p?.detail?.bucket?.name, [bucket]) &&
      isDeepStrictEqual(p?.detail?.object?.key, [{ prefix: 'releases/' }]),
    target: 'trigger',
  },
  {
    what: 'Deploy Requested',
    rule: ({ pattern: p }) => isDeepStrictEqual(p?.source, ['redblack']) && isDeepStrictEqual(p?.['detail-type'], ['Deploy Requested']),
    target: 'trigger',
  },
  { what: 'daily sweep', rule: ({ schedule }) => /^cron\(\d+ \d+ \* \* \? \*\)$/.test(schedule ?? ''), target: 'teardown', input: { mode: 'sweep' } },
  {
    what: 'deploy executions stopped, timed out or failed',
    rule: ({ pattern: p }) =>
      isDeepStrictEqual(p?.source, ['aws.states']) &&
      isDeepStrictEqual(p?.['detail-type'], ['Step Functions Execution Status Change']) &&
      isDeepStrictEqual([...(p?.detail?.status ?? [])].sort(), ['ABORTED', 'FAILED', 'TIMED_OUT']) &&
      Array.isArray(p?.detail?.stateMachineArn) &&
      p.detail.stateMachineArn.length === 1,
    target: 'recover',
  },
];

export function checkTriggers(t: Template, place: Place): string[] {
  const problems: string[] = [];
  const bucket = resolveString(t, { Ref: 'ArtifactsBucket' }, place);
  const rules = ofType(t, 'AWS::Events::Rule').map(([id, r]) => ({
    id,
    arn: resolveString(t, { 'Fn::GetAtt': [id, 'Arn'] }, place),
    pattern: resolve(t, r.Properties?.EventPattern, place),
    schedule: r.Properties?.ScheduleExpression as string | undefined,
    enabled: (r.Properties?.State ?? 'ENABLED') === 'ENABLED',
    targets: ((r.Properties?.Targets ?? []) as any[]).map((x) => ({ arn: resolveString(t, x.Arn, place), input: x.Input })),
  }));
  const permissions = ofType(t, 'AWS::Lambda::Permission').map(([, p]) => resolve(t, p.Properties, place) as Record<string, string>);
  for (const trigger of TRIGGERS(bucket)) {
    const target = functionArn(t, place, trigger.target);
    const rule = rules.find((r) => trigger.rule(r) && r.targets.some((x) => x.arn === target));
    if (!target || !rule) {
      problems.push(`no enabled rule for ${trigger.what} → ${trigger.target}`);
      continue;
    }
    if (!rule.enabled) problems.push(`the rule for ${trigger.what} is disabled`);
    const x = rule.targets.find((y) => y.arn === target);
    if (trigger.input !== undefined && !isDeepStrictEqual(JSON.parse(x?.input ?? 'null'), trigger.input)) {
      problems.push(`${trigger.what} sends ${x?.input ?? 'no input'} to ${trigger.target}, not ${JSON.stringify(trigger.input)}`);
    }
    const allowed = permissions.some(
      (p) => p.Action === 'lambda:InvokeFunction' && p.Principal === 'events.amazonaws.com' && p.FunctionName === target && p.SourceArn === rule.arn,
    );
    if (!allowed) problems.push(`EventBridge may not invoke ${trigger.target} for ${trigger.what} (no Lambda permission with that rule as SourceArn)`);
  }
  problems.push(...checkNotifications(t, place, rules));
  return problems;
}

/** Outcome events and failed executions reach the SNS topic, which lets exactly those rules and the alarm publish. */
function checkNotifications(t: Template, place: Place, rules: { arn: string; pattern?: any; targets: { arn: string }[] }[]): string[] {
  const problems: string[] = [];
  const topics = ofType(t, 'AWS::SNS::Topic');
  if (topics.length !== 1) return [`expected one SNS topic for notifications, found ${topics.length}`];
  const topic = resolveString(t, { Ref: (topics[0] as [string, unknown])[0] }, place);
  const toTopic = rules.filter((r) => r.targets.some((x) => x.arn === topic));
  const outcomes = toTopic.find((r) => isDeepStrictEqual(r.pattern?.source, ['redblack']));
  for (const type of ['Deployment Succeeded', 'Deployment Rolled Back']) {
    if (!outcomes?.pattern?.['detail-type']?.includes(type)) problems.push(`no rule sends "${type}" events to the topic`);
  }
  const failed = toTopic.find((r) => isDeepStrictEqual(r.pattern?.source, ['aws.states']));
  if (!failed?.pattern?.detail?.status?.includes('FAILED')) problems.push('no rule sends failed executions to the topic');
  const alarms = ofType(t, 'AWS::CloudWatch::Alarm').map(([id, a]) => ({ id, p: resolve(t, a.Properties, place) as any }));
  const alarm = alarms.find((a) => a.p.MetricName === 'ExecutionsFailed' && a.p.AlarmActions?.includes(topic));
  if (!alarm) problems.push('no ExecutionsFailed alarm notifies the topic');
  const policy = ofType(t, 'AWS::SNS::TopicPolicy').map(([, p]) => resolve(t, p.Properties?.PolicyDocument, place) as any)[0];
  const publishers = new Set<string>(
    (policy?.Statement ?? []).flatMap((s: any) => ([] as string[]).concat(s.Condition?.ArnEquals?.['aws:SourceArn'] ?? s.Condition?.ArnLike?.['aws:SourceArn'] ?? '*')),
  );
  if (publishers.has('*')) problems.push('the topic policy lets a service publish without an aws:SourceArn condition');
  for (const r of [outcomes, failed]) if (r && !publishers.has(r.arn)) problems.push(`the topic policy does not let ${r.arn} publish`);
  if (alarm && !publishers.has(resolveString(t, { 'Fn::GetAtt': [alarm.id, 'Arn'] }, place))) problems.push('the topic policy does not let the alarm publish');
  return problems;
}

/**
 * The Scheduler side of teardown: a schedule group; a role Scheduler may assume that can invoke
 * teardown and nothing else; the functions that create schedules point at both, and only they may
 * pass that role (iam:PassRole on exactly it).
 */
export function checkScheduling(t: Template, place: Place, creators: string[]): string[] {
  const problems: string[] = [];
  const group = ofType(t, 'AWS::Scheduler::ScheduleGroup')[0];
  if (!group) return ['no schedule group'];
  const groupName = resolveString(t, { Ref: group[0] }, place);
  const roleArn = resolveString(t, { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] }, place);
  const teardown = functionArn(t, place, 'teardown');
  const role = t.Resources.SchedulerRole;
  const trust = JSON.stringify(role?.Properties?.AssumeRolePolicyDocument ?? {});
  if (!trust.includes('scheduler.amazonaws.com')) problems.push('SchedulerRole cannot be assumed by scheduler.amazonaws.com');
  const statements = roleStatements(t, 'SchedulerRole', place);
  const grants = statements.flatMap((s) => s.actions.flatMap((a) => s.resources.map((r) => `${s.effect} ${a} ${r}`)));
  if (!isDeepStrictEqual(grants, [`Allow lambda:InvokeFunction ${teardown}`])) problems.push(`SchedulerRole must allow lambda:InvokeFunction on teardown only; it grants ${grants.join('; ')}`);
  for (const [key, fn] of functionsOf(t, place)) {
    const passes = roleStatements(t, fn.roleId ?? '', place).filter((s) => s.actions.includes('iam:PassRole'));
    const passesScheduler = passes.some((s) => s.resources.includes(roleArn));
    if (!creators.includes(key)) {
      if (passesScheduler) problems.push(`${key} may pass the scheduler role but creates no schedules`);
      continue;
    }
    const env = fn.environment;
    if (env.REDBLACK_SCHEDULER_ROLE_ARN !== roleArn) problems.push(`${key}: REDBLACK_SCHEDULER_ROLE_ARN is ${env.REDBLACK_SCHEDULER_ROLE_ARN}, not the scheduler role`);
    if (env.REDBLACK_SCHEDULE_GROUP !== groupName) problems.push(`${key}: REDBLACK_SCHEDULE_GROUP is ${env.REDBLACK_SCHEDULE_GROUP}, not ${groupName}`);
    if (env.REDBLACK_TEARDOWN_FUNCTION_ARN !== teardown) problems.push(`${key}: REDBLACK_TEARDOWN_FUNCTION_ARN is ${env.REDBLACK_TEARDOWN_FUNCTION_ARN}, not teardown`);
    if (!passesScheduler || passes.some((s) => s.resources.some((r) => r !== roleArn))) problems.push(`${key} must have iam:PassRole on exactly the scheduler role`);
  }
  return problems;
}

/** The state machine role invokes exactly the functions its definition uses, all of this stack; beyond that only log delivery and tracing. */
export function checkStateMachineRole(t: Template, place: Place): string[] {
  const problems: string[] = [];
  const functions = functionsOf(t, place);
  const arnToKey = new Map([...functions.keys()].map((k) => [functionArn(t, place, k) as string, k]));
  for (const [id, sm] of ofType(t, 'AWS::StepFunctions::StateMachine')) {
    const used = new Set([...referencesIn(sm.Properties?.DefinitionString)].filter((r) => t.Resources[r]?.Type === 'AWS::Lambda::Function'));
    const roleId = sm.Properties?.RoleArn?.['Fn::GetAtt']?.[0] as string;
    const invoked = new Set<string>();
    for (const s of roleStatements(t, roleId, place)) {
      for (const a of s.actions) {
        if (a !== 'lambda:InvokeFunction') {
          if (!isUnscopable(a)) problems.push(`${roleId} (${id}) grants ${a}`);
          continue;
        }
        for (const r of s.resources) {
          const key = arnToKey.get(r.replace(/:\*$/, ''));
          if (!key) problems.push(`${roleId} may invoke ${r}, which is not a function of this stack`);
          else invoked.add((functions.get(key) as { logicalId: string }).logicalId);
        }
      }
    }
    if (!isDeepStrictEqual([...invoked].sort(), [...used].sort())) {
      problems.push(`${roleId} invokes ${[...invoked].sort().join(', ')} but ${id} uses ${[...used].sort().join(', ')}`);
    }
    const p = sm.Properties ?? {};
    if (!p.TracingConfiguration?.Enabled) problems.push(`${id}: X-Ray tracing is off`);
    if (!p.LoggingConfiguration?.Destinations?.length || p.LoggingConfiguration.Level === 'OFF') problems.push(`${id}: logging is off`);
  }
  return problems;
}

/** Versioned, EventBridge notifications on, encrypted, public access blocked, TLS only. */
export function checkBucket(t: Template, place: Place): string[] {
  const problems: string[] = [];
  const b = t.Resources.ArtifactsBucket?.Properties;
  if (!b) return ['no ArtifactsBucket'];
  if (b.VersioningConfiguration?.Status !== 'Enabled') problems.push('the artifacts bucket is not versioned');
  if (b.NotificationConfiguration?.EventBridgeConfiguration?.EventBridgeEnabled !== true) problems.push('the artifacts bucket does not send events to EventBridge');
  if (!b.BucketEncryption?.ServerSideEncryptionConfiguration?.length) problems.push('the artifacts bucket has no default encryption');
  const block = b.PublicAccessBlockConfiguration ?? {};
  for (const k of ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets']) if (block[k] !== true) problems.push(`the artifacts bucket does not set ${k}`);
  const arn = resolveString(t, { 'Fn::GetAtt': ['ArtifactsBucket', 'Arn'] }, place);
  const policies = ofType(t, 'AWS::S3::BucketPolicy').filter(([, p]) => p.Properties?.Bucket?.Ref === 'ArtifactsBucket');
  const statements = policies.flatMap(([, p]) => ([] as any[]).concat((resolve(t, p.Properties?.PolicyDocument, place) as any)?.Statement ?? []));
  const tls = statements.find(
    (s) =>
      s.Effect === 'Deny' &&
      (s.Principal === '*' || s.Principal?.AWS === '*') &&
      ([] as string[]).concat(s.Action).includes('s3:*') &&
      [arn, `${arn}/*`].every((r) => ([] as string[]).concat(s.Resource).includes(r)) &&
      String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
  );
  if (!tls) problems.push('the artifacts bucket policy does not deny requests without TLS (aws:SecureTransport false) on the bucket and its objects');
  return problems;
}

/** The builder instance profile may read the artifact bucket's releases/ prefix and nothing else. */
export function checkBuilder(t: Template, place: Place): string[] {
  const problems: string[] = [];
  const profiles = ofType(t, 'AWS::IAM::InstanceProfile');
  const roles = profiles.flatMap(([, p]) => (p.Properties?.Roles ?? []).map((r: any) => r.Ref as string));
  if (profiles.length !== 1 || roles.length !== 1) return [`expected one instance profile with one role, found ${profiles.length} with ${roles.join(', ')}`];
  const releases = `${resolveString(t, { 'Fn::GetAtt': ['ArtifactsBucket', 'Arn'] }, place)}/releases/*`;
  const instances = `arn:${place.partition}:ec2:${place.region}:${place.account}:instance/*`;
  // The bake verdict: a builder may tag a builder (itself) with redblack:bake-result, nothing else.
  const verdictTag = (s: Statement) =>
    isDeepStrictEqual(s.actions, ['ec2:CreateTags']) &&
    isDeepStrictEqual(s.resources, [instances]) &&
    isDeepStrictEqual(s.condition, { StringEquals: { 'ec2:ResourceTag/redblack:role': 'builder' }, 'ForAllValues:StringEquals': { 'aws:TagKeys': ['redblack:bake-result'] } });
  for (const s of roleStatements(t, roles[0] as string, place)) {
    if (verdictTag(s)) continue;
    if (s.actions.some((a) => !/^s3:GetObject(Version)?$/.test(a)) || s.resources.some((r) => r !== releases)) {
      problems.push(`the builder role grants ${s.actions.join(', ')} on ${s.resources.join(', ')}: only s3:GetObject(Version) on ${releases}, and CreateTags of its verdict tag on builders`);
    }
  }
  const profileName = resolveString(t, { Ref: (profiles[0] as [string, unknown])[0] }, place);
  if (functionsOf(t, place).get('bakeImage')?.environment.REDBLACK_BUILDER_INSTANCE_PROFILE !== profileName) problems.push('bakeImage does not launch builders with the builder instance profile');
  return problems;
}

/** What the stack promises: the table's settings, runtime and tracing of each function, outputs. */
export function checkStack(t: Template, place: Place): string[] {
  const problems: string[] = [];
  const table = t.Resources.DeploymentsTable?.Properties ?? {};
  if (table.BillingMode !== 'PAY_PER_REQUEST') problems.push('the table is not on-demand');
  if (table.TimeToLiveSpecification?.AttributeName !== 'expiresAt' || table.TimeToLiveSpecification?.Enabled !== true) problems.push('the table has no TTL on expiresAt');
  if (table.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true) problems.push('the table has no point-in-time recovery');
  for (const [key, fn] of functionsOf(t, place)) {
    const p = t.Resources[fn.logicalId]?.Properties ?? {};
    if (p.Runtime !== 'nodejs22.x') problems.push(`${key} runs ${p.Runtime}, not nodejs22.x`);
    if (!isDeepStrictEqual(p.Architectures, ['arm64'])) problems.push(`${key} is not arm64`);
    if (p.TracingConfig?.Mode !== 'Active') problems.push(`${key} has no active tracing`);
  }
  for (const out of ['ArtifactsBucketName', 'DeployStateMachineArn', 'NotificationsTopicArn', 'DeploymentsTableName']) if (!t.Outputs?.[out]) problems.push(`no output ${out}`);
  return problems;
}

/** Every REDBLACK_* setting a function was seen reading is set in its environment. */
export function checkSettings(t: Template, place: Place, settings: Map<string, Set<string>>): string[] {
  const functions = functionsOf(t, place);
  return [...settings].flatMap(([fn, vars]) =>
    [...vars].filter((v) => !(v in (functions.get(fn)?.environment ?? {}))).map((v) => `${fn} reads ${v}, which its environment does not set`),
  );
}

/** CloudFormation refuses a template whose resources depend on each other in a circle. */
export function checkCycles(t: Template): string[] {
  const deps = new Map(
    Object.entries(t.Resources).map(([id, r]) => [
      id,
      [...referencesIn(r.Properties), ...([] as string[]).concat(r.DependsOn ?? [])].filter((d) => d in t.Resources && d !== id),
    ]),
  );
  const state = new Map<string, 'open' | 'done'>();
  const problems: string[] = [];
  const visit = (id: string, path: string[]): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'open') {
      problems.push(`dependency cycle: ${[...path.slice(path.indexOf(id)), id].join(' → ')}`);
      return;
    }
    state.set(id, 'open');
    for (const d of deps.get(id) ?? []) visit(d, [...path, id]);
    state.set(id, 'done');
  };
  for (const id of deps.keys()) visit(id, []);
  return problems;
}
