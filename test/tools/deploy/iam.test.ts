/**
 * Least privilege, derived from what the code really calls: the demo scenarios and the paths they
 * skip run on the embedded cloud (observe.ts); each call the call log attributes to a function is
 * mapped to the IAM permissions it needs (tools/deploy/iam-actions.ts) and checked against that
 * function's role in the packaged template — both ways: everything needed is allowed, nothing
 * else is granted but the commented allow-list (tools/deploy/allow-list.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ALLOW_LIST } from '../../../tools/deploy/allow-list.js';
import { checkFunctionRoles, checkWildcards, requiredPermissions } from '../../../tools/deploy/check-iam.js';
import { checkSettings } from '../../../tools/deploy/check-wiring.js';
import type { Permission } from '../../../tools/deploy/policy.js';
import { functionKeys } from '../../../tools/deploy/serverless.js';
import type { Place, Template } from '../../../tools/deploy/template.js';
import { type Observed, observe, SCHEDULE_CREATORS } from './observe.js';
import { asEmbedded, packagedTemplate } from './packaged.js';

let template: Template;
let observed: Observed;
let place: Place;
let required: Map<string, Permission[]>;
let unmapped: string[];

beforeAll(async () => {
  template = asEmbedded(packagedTemplate());
  observed = await observe();
  place = { partition: 'aws', region: observed.region, account: observed.account };
  ({ byFunction: required, unmapped } = requiredPermissions(observed.calls, place));
}, 120_000);

/** A deep copy to break on purpose. */
const copy = (t: Template): Template => structuredClone(t);
const roleOf = (fn: string) => `${fn[0]?.toUpperCase()}${fn.slice(1)}IamRoleLambdaExecution`;
const statementsOf = (t: Template, fn: string): any[] => t.Resources[roleOf(fn)]?.Properties?.Policies[0].PolicyDocument.Statement;
const statementWith = (t: Template, fn: string, action: string): any => statementsOf(t, fn).find((s) => ([] as string[]).concat(s.Action).includes(action));

describe('the runs the permissions are derived from', () => {
  it('take every path they are meant to take', () => {
    // Assess: each scenario ends as built, and the extra paths of the happy world all ran.
    expect(observed.outcomes).toEqual({
      happy: [
        'deploy SUCCEEDED',
        'manual rollback SUCCEEDED',
        'teardown v002 done',
        'prebaked SUCCEEDED',
        'teardown deferred web-prod-v001',
        'console SUCCEEDED',
        'manual rollback failing after the flip FAILED',
        'recoveries 1',
        expect.stringMatching(/^sweeps [1-9]/),
        'stopped → ok,ok',
        'refused FAILED',
      ],
      'unhealthy-release': ['FAILED'],
      'bake-failure': ['FAILED'],
      'alarm-during-shift': ['FAILED'],
      'first-deploy': ['SUCCEEDED'],
      'canary-steps': ['SUCCEEDED', 'teardown done'],
      'subtle-errors': ['FAILED'],
      'noisy-healthy': ['SUCCEEDED', 'teardown done'],
      'fresh-baseline': ['SUCCEEDED', 'teardown done'],
      'fresh-baseline-subtle-errors': ['FAILED'],
      approval: ['SUCCEEDED'],
      'approval-canary': ['FAILED CanaryFailed'],
    });
    const callers = new Set(observed.calls.map((c) => c.caller));
    expect([...callers].sort()).toEqual(functionKeys().sort());
    const creators = new Set(observed.calls.filter((c) => c.operation === 'CreateSchedule').map((c) => c.caller));
    expect([...creators].sort()).toEqual(SCHEDULE_CREATORS);
  });

  it('make only calls the IAM mapping knows', () => {
    expect(unmapped).toEqual([]);
  });
});

describe('each function role', () => {
  it('allows every call its function makes and grants nothing beyond them and the allow-list', () => {
    expect(checkFunctionRoles(template, place, required, ALLOW_LIST)).toEqual([]);
  });

  it('has no wildcard action, and Resource "*" only on actions without a resource type', () => {
    expect(checkWildcards(template, place)).toEqual([]);
  });

  it('is reached with every setting its function reads', () => {
    expect(checkSettings(template, place, observed.settings)).toEqual([]);
  });
});

describe('the checks catch a template that was narrowed or widened', () => {
  it('a removed statement: trigger can no longer start executions', () => {
    // Prepare
    const t = copy(template);
    const statements = statementsOf(t, 'trigger');
    statements.splice(statements.indexOf(statementWith(t, 'trigger', 'states:StartExecution')), 1);
    // Act
    const problems = checkFunctionRoles(t, place, required, ALLOW_LIST);
    // Assess
    expect(problems).toEqual([expect.stringMatching(/^trigger needs states:StartExecution on arn:aws:states:.*:stateMachine:redblack-local-deploy/)]);
  });

  it('a narrowed resource: validate reading artifacts outside releases/', () => {
    const t = copy(template);
    const s = statementWith(t, 'validate', 's3:GetObject');
    s.Resource = { 'Fn::Sub': '${ArtifactsBucket.Arn}/uploads/*' };
    const problems = checkFunctionRoles(t, place, required, ALLOW_LIST);
    expect(problems).toContainEqual(expect.stringMatching(/^validate needs s3:GetObjectVersion on arn:aws:s3:::redblack-local-artifacts-\d+\/releases\//));
  });

  it('a widened resource: teardown deleting any Auto Scaling group', () => {
    const t = copy(template);
    statementWith(t, 'teardown', 'autoscaling:DeleteAutoScalingGroup').Resource = '*';
    expect(checkWildcards(t, place)).toEqual([
      'TeardownIamRoleLambdaExecution grants autoscaling:DeleteAutoScalingGroup on Resource "*"; scope it to ARNs (only tools/deploy/unscopable.ts actions may use "*")',
    ]);
  });

  it('a widened action list: a service wildcard, and an action the function never calls', () => {
    const t = copy(template);
    statementsOf(t, 'launchGroup').push({ Effect: 'Allow', Action: ['ec2:*'], Resource: { 'Fn::Sub': 'arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:instance/*' } });
    statementWith(t, 'healthGate', 'cloudwatch:DescribeAlarms').Action.push('ec2:TerminateInstances');
    expect(checkWildcards(t, place)).toContain('LaunchGroupIamRoleLambdaExecution grants the wildcard action ec2:*');
    expect(checkFunctionRoles(t, place, required, ALLOW_LIST)).toEqual(
      expect.arrayContaining([
        'launchGroup is granted ec2:*, which it was never seen calling and its allow-list does not explain',
        'healthGate is granted ec2:TerminateInstances, which it was never seen calling and its allow-list does not explain',
      ]),
    );
  });

  it('an allow-list entry that is no longer granted', () => {
    const t = copy(template);
    const s = statementWith(t, 'swapTargetGroup', 'elasticloadbalancing:ModifyRule');
    s.Action = s.Action.filter((a: string) => a !== 'elasticloadbalancing:ModifyRule');
    expect(checkFunctionRoles(t, place, required, ALLOW_LIST)).toEqual([
      'swapTargetGroup: allow-list entry elasticloadbalancing:ModifyRule is not granted; remove it from tools/deploy/allow-list.ts',
    ]);
  });

  it('a setting a function reads that its environment lacks', () => {
    const t = copy(template);
    delete t.Resources.TeardownLambdaFunction?.Properties?.Environment.Variables.REDBLACK_SCHEDULER_ROLE_ARN;
    expect(checkSettings(t, place, observed.settings)).toEqual(['teardown reads REDBLACK_SCHEDULER_ROLE_ARN, which its environment does not set']);
  });
});
