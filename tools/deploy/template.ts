/**
 * Reading the packaged CloudFormation template (`npm run package` →
 * `.serverless/cloudformation-template-update-stack.json`): intrinsic functions resolved to
 * strings for a given account and region, and each Lambda function's role as flat statements.
 * Only what the checks in this folder need; unknown intrinsics stay visible as `<…>` strings.
 */
import { readFileSync } from 'node:fs';

export interface Resource {
  Type: string;
  Properties?: Record<string, any>;
  DependsOn?: string | string[];
  DeletionPolicy?: string;
}

export interface Template {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
}

export const TEMPLATE_PATH = '.serverless/cloudformation-template-update-stack.json';

export function readTemplate(path: string = TEMPLATE_PATH): Template {
  return JSON.parse(readFileSync(path, 'utf8')) as Template;
}

/** A deep copy with every `from` in names and ARNs replaced by `to` (stage `dev` → `local`). */
export function renamed(template: Template, from: string, to: string): Template {
  return JSON.parse(JSON.stringify(template).split(from).join(to)) as Template;
}

export interface Place {
  partition: string;
  region: string;
  account: string;
}

/** The template's value with Ref, Fn::GetAtt, Fn::Sub and Fn::Join evaluated, as a string. */
export function resolveString(template: Template, value: unknown, place: Place): string {
  const r = resolve(template, value, place);
  return typeof r === 'string' ? r : JSON.stringify(r);
}

/** Evaluates intrinsics anywhere in `value`. */
export function resolve(template: Template, value: unknown, place: Place): unknown {
  if (Array.isArray(value)) return value.map((v) => resolve(template, v, place));
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const [k] = keys as [string];
    const arg = obj[k];
    if (k === 'Ref') return ref(template, String(arg), place);
    if (k === 'Fn::GetAtt') {
      const [id, attr] = Array.isArray(arg) ? (arg as string[]) : String(arg).split(/\.(.*)/s);
      return getAtt(template, id as string, attr as string, place);
    }
    if (k === 'Fn::Join') {
      const [sep, parts] = arg as [string, unknown[]];
      return (resolve(template, parts, place) as unknown[]).map(String).join(sep);
    }
    if (k === 'Fn::Sub') return sub(template, arg, place);
  }
  return Object.fromEntries(keys.map((k) => [k, resolve(template, obj[k], place)]));
}

function sub(template: Template, arg: unknown, place: Place): string {
  const [text, vars] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  return text.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    if (name in vars) return String(resolve(template, vars[name], place));
    const dot = name.indexOf('.');
    return dot > 0 ? getAtt(template, name.slice(0, dot), name.slice(dot + 1), place) : ref(template, name, place);
  });
}

const PSEUDO: Record<string, (p: Place) => string> = {
  'AWS::Partition': (p) => p.partition,
  'AWS::Region': (p) => p.region,
  'AWS::AccountId': (p) => p.account,
  'AWS::URLSuffix': () => 'amazonaws.com',
};

/** The name property CloudFormation returns for `Ref` (or uses in the ARN) of each type we name. */
const NAME_PROPERTY: Record<string, string> = {
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Scheduler::ScheduleGroup': 'Name',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Events::Rule': 'Name',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::StepFunctions::StateMachine': 'StateMachineName',
};

function nameOf(template: Template, id: string, place: Place): string | undefined {
  const r = template.Resources[id];
  const prop = r && NAME_PROPERTY[r.Type];
  const raw = prop ? r.Properties?.[prop] : undefined;
  return raw === undefined ? undefined : resolveString(template, raw, place);
}

function ref(template: Template, id: string, place: Place): string {
  const pseudo = PSEUDO[id];
  if (pseudo) return pseudo(place);
  const type = template.Resources[id]?.Type;
  // Types whose Ref is an ARN.
  if (type === 'AWS::SNS::Topic' || type === 'AWS::StepFunctions::StateMachine') return getAtt(template, id, 'Arn', place);
  return nameOf(template, id, place) ?? `<Ref ${id}>`;
}

function getAtt(template: Template, id: string, attr: string, place: Place): string {
  const { partition: p, region: r, account: a } = place;
  const name = nameOf(template, id, place);
  const type = template.Resources[id]?.Type;
  if (attr !== 'Arn' || name === undefined) return `<${id}.${attr}>`;
  switch (type) {
    case 'AWS::S3::Bucket':
      return `arn:${p}:s3:::${name}`;
    case 'AWS::DynamoDB::Table':
      return `arn:${p}:dynamodb:${r}:${a}:table/${name}`;
    case 'AWS::IAM::Role':
      return `arn:${p}:iam::${a}:role/${name}`;
    case 'AWS::Lambda::Function':
      return `arn:${p}:lambda:${r}:${a}:function:${name}`;
    case 'AWS::Events::Rule':
      return `arn:${p}:events:${r}:${a}:rule/${name}`;
    case 'AWS::Logs::LogGroup':
      return `arn:${p}:logs:${r}:${a}:log-group:${name}:*`;
    case 'AWS::SNS::Topic':
      return `arn:${p}:sns:${r}:${a}:${name}`;
    case 'AWS::CloudWatch::Alarm':
      return `arn:${p}:cloudwatch:${r}:${a}:alarm:${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return `arn:${p}:states:${r}:${a}:stateMachine:${name}`;
    default:
      return `<${id}.${attr}>`;
  }
}

/** One policy statement with Action and Resource as lists (Resource resolved to strings). */
export interface Statement {
  effect: 'Allow' | 'Deny';
  actions: string[];
  resources: string[];
  condition?: Record<string, unknown>;
  /** NotAction / NotResource / Principal: allowed nowhere in a function role. */
  unusual: string[];
}

export function statementsOf(template: Template, policyDocument: any, place: Place): Statement[] {
  const raw = policyDocument?.Statement;
  const list: any[] = Array.isArray(raw) ? raw : raw ? [raw] : [];
  return list.map((s) => ({
    effect: s.Effect,
    actions: ([] as string[]).concat(s.Action ?? []),
    resources: ([] as unknown[]).concat(s.Resource ?? []).map((v) => resolveString(template, v, place)),
    ...(s.Condition ? { condition: resolve(template, s.Condition, place) as Record<string, unknown> } : {}),
    unusual: ['NotAction', 'NotResource', 'Principal', 'NotPrincipal'].filter((k) => k in s),
  }));
}

/** Every inline policy statement of a role. */
export function roleStatements(template: Template, roleId: string, place: Place): Statement[] {
  const policies: any[] = template.Resources[roleId]?.Properties?.Policies ?? [];
  return policies.flatMap((p) => statementsOf(template, p.PolicyDocument, place));
}

export interface FunctionInfo {
  /** serverless.yml key: `launchGroup`. */
  key: string;
  logicalId: string;
  roleId: string | undefined;
  environment: Record<string, string>;
}

/** `LaunchGroupLambdaFunction` → `launchGroup` (serverless capitalises the key's first letter). */
const keyOf = (logicalId: string): string => logicalId.replace(/LambdaFunction$/, '').replace(/^./, (c) => c.toLowerCase());

export function functionsOf(template: Template, place: Place): Map<string, FunctionInfo> {
  const out = new Map<string, FunctionInfo>();
  for (const [id, r] of Object.entries(template.Resources)) {
    if (r.Type !== 'AWS::Lambda::Function') continue;
    const role = r.Properties?.Role?.['Fn::GetAtt']?.[0] as string | undefined;
    const vars = (r.Properties?.Environment?.Variables ?? {}) as Record<string, unknown>;
    const environment = Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, resolveString(template, v, place)]));
    out.set(keyOf(id), { key: keyOf(id), logicalId: id, roleId: role, environment });
  }
  return out;
}

/** Logical ids a value refers to (Ref, Fn::GetAtt, `${X}` / `${X.Attr}` in Fn::Sub). */
export function referencesIn(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const v of value) referencesIn(v, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) into.add(v);
      else if (k === 'Fn::GetAtt') into.add(Array.isArray(v) ? String(v[0]) : String(v).split('.')[0] as string);
      else if (k === 'Fn::Sub') {
        const [text, vars] = Array.isArray(v) ? (v as [string, unknown]) : [String(v), {}];
        for (const m of text.matchAll(/\$\{([^}!][^}]*)\}/g)) {
          const name = (m[1] as string).split('.')[0] as string;
          if (!name.startsWith('AWS::') && !(name in (vars as object))) into.add(name);
        }
        referencesIn(vars, into);
      } else referencesIn(v, into);
    }
  }
  return into;
}
