/**
 * The packaged template's wiring: every entry point of docs/design.md exists and reaches its target,
 * scheduling can invoke teardown only, the state machine only this stack's functions, the bucket
 * is TLS-only, no dependency cycle — and the embedded stack (local/stack.ts) is the same stack.
 * Each check is also shown failing on a broken copy of the template.
 */
import { ListRulesCommand, ListTargetsByRuleCommand, EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { beforeAll, describe, expect, it } from 'vitest';
import { client } from '../../../src/aws/clients.js';
import {
  checkBucket,
  checkBuilder,
  checkCycles,
  checkScheduling,
  checkStack,
  checkStateMachineRole,
  checkTriggers,
} from '../../../tools/deploy/check-wiring.js';
import { functionsOf, type Place, resolve, resolveString, type Template } from '../../../tools/deploy/template.js';
import { ENV_NAMES } from '../../../src/env.js';
import { deployStack } from '../../../local/stack.js';
import { SCHEDULE_CREATORS } from './observe.js';
import { asEmbedded, packagedTemplate } from './packaged.js';
import { createCloud } from '../../../local/cloud.js';

let template: Template;
const place: Place = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

beforeAll(() => {
  template = packagedTemplate();
}, 120_000);

const copy = (t: Template): Template => structuredClone(t);
const ruleId = (t: Template, name: string): string =>
  Object.entries(t.Resources).find(([, r]) => r.Type === 'AWS::Events::Rule' && r.Properties?.Name === name)?.[0] as string;

describe('the packaged template', () => {
  it('wires S3 uploads under releases/ and Deploy Requested to trigger, and the daily sweep to teardown', () => {
    expect(checkTriggers(template, place)).toEqual([]);
  });

  it('lets the scheduler role invoke teardown only, and only the schedule creators pass it', () => {
    expect(checkScheduling(template, place, SCHEDULE_CREATORS)).toEqual([]);
  });

  it("lets the state machine invoke exactly its definition's functions, with logging and tracing on", () => {
    expect(checkStateMachineRole(template, place)).toEqual([]);
  });

  it('keeps the artifact bucket versioned, private, encrypted and TLS-only', () => {
    expect(checkBucket(template, place)).toEqual([]);
  });

  it('gives the builder read access to releases/ only', () => {
    expect(checkBuilder(template, place)).toEqual([]);
  });

  it('has an on-demand table with TTL and PITR, arm64 nodejs22.x functions with tracing, and the outputs', () => {
    expect(checkStack(template, place)).toEqual([]);
  });

  it('has no dependency cycle', () => {
    expect(checkCycles(template)).toEqual([]);
  });

  it('bundles each function on its own, source maps not loaded at init', () => {
    for (const [key, fn] of functionsOf(template, place)) {
      const p = template.Resources[fn.logicalId]?.Properties ?? {};
      expect(p.Code.S3Key, key).toMatch(new RegExp(`/${key}\\.zip$`));
      // --enable-source-maps parses the multi-megabyte map during every cold start (docs/deploy.md).
      expect(p.Environment.Variables.NODE_OPTIONS ?? '', key).not.toContain('--enable-source-maps');
    }
  });
});

describe('the embedded stack', () => {
  it('has the same rules, targets and settings as the packaged template', async () => {
    // Prepare: the stack the demo and the scenario tests run on.
    const cloud = await createCloud({ seed: 1 });
    try {
      const stack = await deployStack(cloud);
      const t = asEmbedded(template);
      const here: Place = { partition: 'aws', region: cloud.region, account: cloud.accountId };
      const functions = functionsOf(t, here);
      const keyOf = new Map([...functions.keys()].map((k) => [resolveString(t, { 'Fn::GetAtt': [functions.get(k)?.logicalId, 'Arn'] }, here), k]));
      // Act: the rules that invoke functions, as each side has them.
      const packaged = Object.values(t.Resources)
        .filter((r) => r.Type === 'AWS::Events::Rule')
        .flatMap((r) => {
          const p = resolve(t, r.Properties, here) as any;
          return p.Targets.filter((x: any) => keyOf.has(x.Arn)).map((x: any) => ({
            name: p.Name,
            pattern: p.EventPattern ?? null,
            schedule: p.ScheduleExpression ?? null,
            target: keyOf.get(x.Arn),
            input: x.Input ? JSON.parse(x.Input) : null,
          }));
        });
      const events = client(EventBridgeClient);
      const embedded = [];
      for (const r of (await events.send(new ListRulesCommand({}))).Rules ?? []) {
        for (const x of (await events.send(new ListTargetsByRuleCommand({ Rule: r.Name }))).Targets ?? []) {
          embedded.push({
            name: r.Name,
            pattern: r.EventPattern ? JSON.parse(r.EventPattern) : null,
            schedule: r.ScheduleExpression ?? null,
            target: cloud.lambda.keyOf(x.Arn as string),
            input: x.Input ? JSON.parse(x.Input) : null,
          });
        }
      }
      // Assess
      const byName = (a: { name?: string }, b: { name?: string }) => (a.name ?? '').localeCompare(b.name ?? '');
      expect(embedded.sort(byName)).toEqual(packaged.sort(byName));
      expect(stack.bucket).toBe(resolveString(t, { Ref: 'ArtifactsBucket' }, here));
      expect(stack.table).toBe(resolveString(t, { Ref: 'DeploymentsTable' }, here));
      expect(stack.scheduleGroup).toBe(resolveString(t, { Ref: 'TeardownScheduleGroup' }, here));
      expect(stack.stateMachineArn).toBe(resolveString(t, t.Outputs?.DeployStateMachineArn?.Value, here));
      for (const [key, fn] of functions) {
        for (const [name, value] of Object.entries(fn.environment)) {
          if (Object.values(ENV_NAMES).includes(name as never)) expect(process.env[name], `${key} ${name}`).toBe(value);
        }
      }
    } finally {
      cloud.dispose();
    }
  });
});

describe('the checks catch a broken template', () => {
  it('a missing trigger rule', () => {
    const t = copy(template);
    delete t.Resources[ruleId(t, 'redblack-dev-artifact-uploaded')];
    expect(checkTriggers(t, place)).toEqual(['no enabled rule for S3 Object Created under releases/ → trigger']);
  });

  it('a rule EventBridge may not invoke its target for, and a sweep without its input', () => {
    const t = copy(template);
    const sweep = ruleId(t, 'redblack-dev-daily-sweep');
    for (const [id, r] of Object.entries(t.Resources)) {
      if (r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties).includes('deploy-requested')) delete t.Resources[id];
    }
    delete t.Resources[sweep]?.Properties?.Targets[0].Input;
    expect(checkTriggers(t, place)).toEqual([
      'EventBridge may not invoke trigger for Deploy Requested (no Lambda permission with that rule as SourceArn)',
      'daily sweep sends no input to teardown, not {"mode":"sweep"}',
    ]);
  });

  it('a scheduler role that may invoke more than teardown, and a creator without PassRole', () => {
    const t = copy(template);
    t.Resources.SchedulerRole?.Properties?.Policies[0].PolicyDocument.Statement.push({ Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['PlanLambdaFunction', 'Arn'] } });
    const finalize = t.Resources.FinalizeIamRoleLambdaExecution?.Properties?.Policies[0].PolicyDocument.Statement;
    finalize.splice(finalize.findIndex((s: any) => s.Action.includes('iam:PassRole')), 1);
    const problems = checkScheduling(t, place, SCHEDULE_CREATORS);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SchedulerRole must allow lambda:InvokeFunction on teardown only/);
    expect(problems[1]).toBe('finalize must have iam:PassRole on exactly the scheduler role');
  });

  it('a state machine role that may invoke a function of another stack', () => {
    const t = copy(template);
    const sm = Object.values(t.Resources).find((r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r).includes('states.${AWS::Region}'));
    sm?.Properties?.Policies[0].PolicyDocument.Statement[0].Resource.push('arn:aws:lambda:us-east-1:123456789012:function:someone-else');
    expect(checkStateMachineRole(t, place)).toEqual([
      expect.stringMatching(/may invoke arn:aws:lambda:us-east-1:123456789012:function:someone-else, which is not a function of this stack$/),
    ]);
  });

  it('a bucket policy that no longer denies plain HTTP', () => {
    const t = copy(template);
    t.Resources.ArtifactsBucketPolicy?.Properties?.PolicyDocument.Statement.splice(0, 1);
    expect(checkBucket(t, place)).toEqual([
      'the artifacts bucket policy does not deny requests without TLS (aws:SecureTransport false) on the bucket and its objects',
    ]);
  });

  it('a builder role that reads the whole bucket', () => {
    const t = copy(template);
    t.Resources.BuilderRole?.Properties?.Policies[0].PolicyDocument.Statement.push({ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': '${ArtifactsBucket.Arn}/*' } });
    expect(checkBuilder(t, place)).toEqual([expect.stringMatching(/^the builder role grants s3:GetObject on arn:aws:s3:::redblack-dev-artifacts-123456789012\/\*/)]);
  });

  it('a builder role that may tag any instance, or with any key', () => {
    const t = copy(template);
    const verdict = t.Resources.BuilderRole?.Properties?.Policies[1].PolicyDocument.Statement[0];
    delete verdict.Condition['ForAllValues:StringEquals'];
    expect(checkBuilder(t, place)).toEqual([expect.stringMatching(/^the builder role grants ec2:CreateTags on arn:aws:ec2:us-east-1:123456789012:instance\/\*/)]);
  });

  it('a dependency cycle (teardown naming the scheduler role by reference)', () => {
    const t = copy(template);
    const env = t.Resources.TeardownLambdaFunction?.Properties?.Environment.Variables;
    env.REDBLACK_SCHEDULER_ROLE_ARN = { 'Fn::GetAtt': ['SchedulerRole', 'Arn'] };
    expect(checkCycles(t)).toEqual([expect.stringMatching(/^dependency cycle: .*SchedulerRole.*TeardownLambdaFunction|^dependency cycle: .*TeardownLambdaFunction.*SchedulerRole/)]);
  });
});
