/**
 * SSM Parameter Store simulator: versioned parameters (String, StringList, SecureString), name and
 * hierarchy rules, Standard/Advanced tier value limits, `name:version` selectors, by-path listing
 * with AWS's 10-result pages, history and DescribeParameters.
 */
import type * as S from '@aws-sdk/client-ssm';
import { AwsFault } from '../aws-fault.js';
import type { SimContext } from '../context.js';
import { filterPredicate } from './ssm/filters.js';
import {
  MAX_VERSIONS,
  arnOf,
  checkNewName,
  checkPath,
  checkTier,
  ciphertext,
  constraint,
  makeToken,
  parseSelector,
  readToken,
  underPath,
  validation,
  type Param,
  type ParamVersion,
} from './ssm/rules.js';

type Out<T> = Omit<T, '$metadata'>;

const TYPES = ['String', 'StringList', 'SecureString'];
const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const STANDARD_LIMIT = 10_000;
/** Real AWS leaves the message of ParameterNotFound empty; SDK v3 then reports "UnknownError". */
const notFound = () => new AwsFault('ParameterNotFound', 'UnknownError');

export class SsmSim {
  readonly params = new Map<string, Param>();

  constructor(readonly ctx: SimContext) {}

  /** Scenario setup: store a parameter without the PutParameter name rules (e.g. public `/aws/service/...`). */
  seed(name: string, value: string, options: { type?: ParamVersion['type']; dataType?: string } = {}): void {
    const p = this.params.get(name) ?? { name, versions: [], tags: [] };
    const version = (p.versions.at(-1)?.version ?? 0) + 1;
    p.versions.push({ version, value, type: options.type ?? 'String', tier: 'Standard', dataType: options.dataType ?? 'text', modifiedAt: this.ctx.clock.now() });
    this.params.set(name, p);
  }

  PutParameter(input: S.PutParameterCommandInput): Out<S.PutParameterCommandOutput> {
    const name = checkNewName(input.Name, arnOf(this.ctx.region, this.ctx.accountId, (input.Name ?? '').trim()).length);
    const value = input.Value;
    if (value === undefined) throw validation("1 validation error detected: Value null at 'value' failed to satisfy constraint: Member must not be null");
    if (value.length < 1) throw constraint(value, 'value', 'have length greater than or equal to 1');
    if (input.Type !== undefined && !TYPES.includes(input.Type)) throw constraint(input.Type, 'type', 'satisfy enum value set: [SecureString, StringList, String]');
    if ((input.Description?.length ?? 0) > 1024) throw constraint(input.Description as string, 'description', 'have length less than or equal to 1024');
    const dataType = input.DataType ?? 'text';
    if (!DATA_TYPES.includes(dataType)) throw validation(`The following data type is not supported: ${dataType} (Data type names are all lowercase.)`);
    if (input.Policies !== undefined) throw new Error('embedded cloud: SSM parameter policies are not simulated');
    if (input.Tags?.length && input.Overwrite) {
      throw validation(
        'Invalid request: tags and overwrite can\'t be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.',
      );
    }
    const existing = this.params.get(name);
    const latest = existing?.versions.at(-1);
    if (existing && !input.Overwrite) {
      throw new AwsFault('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    }
    // Overwrite keeps the type unless a new one is given (observed AWS behaviour: a type change is accepted).
    const type = (input.Type ?? latest?.type) as ParamVersion['type'] | undefined;
    if (!type) throw validation('A parameter type is required when you create a parameter.');
    const tier = checkTier(input.Tier, latest?.tier, Buffer.byteLength(value, 'utf8'));
    const pattern = input.AllowedPattern ?? latest?.allowedPattern;
    if (pattern !== undefined) this.checkPattern(pattern, value);
    if (!existing && tier === 'Standard' && this.standardCount() >= STANDARD_LIMIT) {
      throw new AwsFault('ParameterLimitExceeded', 'You have exceeded the number of parameters for this AWS account. Delete unnecessary parameters and try again.');
    }
    const version = (latest?.version ?? 0) + 1;
    const next: ParamVersion = {
      version,
      value,
      type,
      tier,
      dataType,
      modifiedAt: this.ctx.clock.now(),
      ...((input.Description ?? latest?.description) !== undefined ? { description: input.Description ?? latest?.description } : {}),
      ...(pattern !== undefined ? { allowedPattern: pattern } : {}),
      ...(type === 'SecureString' ? { keyId: input.KeyId ?? latest?.keyId ?? 'alias/aws/ssm' } : {}),
    };
    const p = existing ?? { name, versions: [], tags: (input.Tags ?? []).map((t) => ({ Key: t.Key as string, Value: t.Value as string })) };
    p.versions.push(next);
    // Only the latest 100 versions are kept; the oldest is dropped (no labels are simulated).
    if (p.versions.length > MAX_VERSIONS) p.versions.shift();
    this.params.set(name, p);
    return { Version: version, Tier: tier };
  }

  GetParameter(input: S.GetParameterCommandInput): Out<S.GetParameterCommandOutput> {
    if (!input.Name) throw validation("1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
    return { Parameter: this.resolve(input.Name, input.WithDecryption === true) };
  }

  GetParameters(input: S.GetParametersCommandInput): Out<S.GetParametersCommandOutput> {
    const names = input.Names ?? [];
    if (names.length < 1 || names.length > 10) {
      throw constraint(`[${names.join(', ')}]`, 'names', `have length ${names.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`);
    }
    const found: S.Parameter[] = [];
    const invalid: string[] = [];
    for (const n of new Set(names)) {
      try {
        found.push(this.resolve(n, input.WithDecryption === true));
      } catch (err) {
        if (!(err instanceof AwsFault) || (err.code !== 'ParameterNotFound' && err.code !== 'ParameterVersionNotFound')) throw err;
        invalid.push(n);
      }
    }
    return { Parameters: found, InvalidParameters: invalid };
  }

  GetParametersByPath(input: S.GetParametersByPathCommandInput): Out<S.GetParametersByPathCommandOutput> {
    const path = checkPath(input.Path);
    const max = this.checkMax(input.MaxResults, 10);
    const recursive = input.Recursive === true;
    const pred = filterPredicate(input.ParameterFilters, true);
    const scope = `path:${path}:${recursive}`;
    const after = readToken(input.NextToken, scope);
    const matches = this.sortedNames()
      .filter((n) => underPath(n, path, recursive) && (after === undefined || n > after))
      .map((n) => this.params.get(n) as Param)
      .filter((p) => pred(p, p.versions.at(-1) as ParamVersion));
    const page = matches.slice(0, max);
    const last = page.at(-1);
    return {
      Parameters: page.map((p) => this.view(p, p.versions.at(-1) as ParamVersion, input.WithDecryption === true)),
      ...(matches.length > max && last ? { NextToken: makeToken(scope, last.name) } : {}),
    };
  }

  GetParameterHistory(input: S.GetParameterHistoryCommandInput): Out<S.GetParameterHistoryCommandOutput> {
    const p = this.params.get(input.Name ?? '');
    if (!p) throw notFound();
    const max = this.checkMax(input.MaxResults, 50);
    const scope = `history:${p.name}`;
    const after = Number(readToken(input.NextToken, scope) ?? 0);
    const versions = p.versions.filter((v) => v.version > after);
    const page = versions.slice(0, max);
    return {
      Parameters: page.map((v) => ({
        ...this.metadata(p, v),
        Value: v.type === 'SecureString' && !input.WithDecryption ? ciphertext(v) : v.value,
        Labels: [],
      })),
      ...(versions.length > max ? { NextToken: makeToken(scope, String(page.at(-1)?.version)) } : {}),
    };
  }

  DescribeParameters(input: S.DescribeParametersCommandInput): Out<S.DescribeParametersCommandOutput> {
    if (input.Filters?.length) throw new Error('embedded cloud: SSM DescribeParameters legacy Filters are not simulated; use ParameterFilters');
    const max = this.checkMax(input.MaxResults, 50);
    const pred = filterPredicate(input.ParameterFilters, false);
    const after = readToken(input.NextToken, 'describe');
    const matches = this.sortedNames()
      .filter((n) => after === undefined || n > after)
      .map((n) => this.params.get(n) as Param)
      .filter((p) => pred(p, p.versions.at(-1) as ParamVersion));
    const page = matches.slice(0, max);
    const last = page.at(-1);
    return {
      Parameters: page.map((p) => this.metadata(p, p.versions.at(-1) as ParamVersion)),
      ...(matches.length > max && last ? { NextToken: makeToken('describe', last.name) } : {}),
    };
  }

  DeleteParameter(input: S.DeleteParameterCommandInput): Out<S.DeleteParameterCommandOutput> {
    if (!input.Name || !this.params.delete(input.Name)) throw notFound();
    return {};
  }

  DeleteParameters(input: S.DeleteParametersCommandInput): Out<S.DeleteParametersCommandOutput> {
    const names = input.Names ?? [];
    if (names.length < 1 || names.length > 10) {
      throw constraint(`[${names.join(', ')}]`, 'names', `have length ${names.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 10'}`);
    }
    const deleted: string[] = [];
    const invalid: string[] = [];
    for (const n of new Set(names)) (this.params.delete(n) ? deleted : invalid).push(n);
    return { DeletedParameters: deleted, InvalidParameters: invalid };
  }

  // ---- helpers ----

  private resolve(raw: string, decrypt: boolean): S.Parameter {
    const sel = parseSelector(raw);
    const p = this.params.get(sel.name) ?? (sel.fromArn && !sel.name.slice(1).includes('/') ? this.params.get(sel.name.slice(1)) : undefined);
    if (!p) throw notFound();
    let v = p.versions.at(-1) as ParamVersion;
    if (sel.version !== undefined) {
      const found = p.versions.find((x) => x.version === sel.version);
      if (!found) throw new AwsFault('ParameterVersionNotFound', `Systems Manager could not find version ${sel.version} of ${p.name}. Verify the version and try again.`);
      v = found;
    } else if (sel.label !== undefined) {
      // Labels are not simulated, so no label resolves.
      throw notFound();
    }
    return { ...this.view(p, v, decrypt), ...(sel.selector ? { Selector: sel.selector } : {}) };
  }

  private view(p: Param, v: ParamVersion, decrypt: boolean): S.Parameter {
    return {
      Name: p.name,
      Type: v.type,
      Value: v.type === 'SecureString' && !decrypt ? ciphertext(v) : v.value,
      Version: v.version,
      LastModifiedDate: new Date(v.modifiedAt),
      ARN: arnOf(this.ctx.region, this.ctx.accountId, p.name),
      DataType: v.dataType,
    };
  }

  private metadata(p: Param, v: ParamVersion): S.ParameterMetadata {
    return {
      Name: p.name,
      ARN: arnOf(this.ctx.region, this.ctx.accountId, p.name),
      Type: v.type,
      ...(v.keyId ? { KeyId: v.keyId } : {}),
      LastModifiedDate: new Date(v.modifiedAt),
      LastModifiedUser: `arn:aws:iam::${this.ctx.accountId}:root`,
      ...(v.description !== undefined ? { Description: v.description } : {}),
      ...(v.allowedPattern !== undefined ? { AllowedPattern: v.allowedPattern } : {}),
      Version: v.version,
      Tier: v.tier,
      Policies: [],
      DataType: v.dataType,
    };
  }

  private checkPattern(pattern: string, value: string): void {
    if (pattern.length > 1024) throw constraint(pattern, 'allowedPattern', 'have length less than or equal to 1024');
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch {
      throw new AwsFault('InvalidAllowedPatternException', `The allowed pattern is not a valid regular expression: ${pattern}`);
    }
    if (!re.test(value)) throw new AwsFault('ParameterPatternMismatchException', `Parameter value, cannot be validated against allowedPattern: ${pattern}`);
  }

  private checkMax(value: number | undefined, max: number): number {
    if (value === undefined) return max;
    if (value < 1) throw constraint(String(value), 'maxResults', 'have value greater than or equal to 1');
    if (value > max) throw constraint(String(value), 'maxResults', `have value less than or equal to ${max}`);
    return value;
  }

  private sortedNames(): string[] {
    return [...this.params.keys()].sort();
  }

  private standardCount(): number {
    let n = 0;
    for (const p of this.params.values()) if (p.versions.at(-1)?.tier === 'Standard') n++;
    return n;
  }
}
