/** Launch templates and their versions (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateLaunchTemplateVersion.html). */
import type {
  CreateLaunchTemplateCommandInput,
  CreateLaunchTemplateCommandOutput,
  CreateLaunchTemplateVersionCommandInput,
  CreateLaunchTemplateVersionCommandOutput,
  DeleteLaunchTemplateCommandInput,
  DeleteLaunchTemplateCommandOutput,
  DescribeLaunchTemplatesCommandInput,
  DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommandInput,
  DescribeLaunchTemplateVersionsCommandOutput,
  LaunchTemplate,
  LaunchTemplateVersion,
  ModifyLaunchTemplateCommandInput,
  ModifyLaunchTemplateCommandOutput,
  RequestLaunchTemplateData,
  ResponseLaunchTemplateData,
} from '@aws-sdk/client-ec2';
import type { SimContext } from '../../context.js';
import { applyFilters, applyTags, checkId, decodeBase64, dryRun, fault, invalidParam, need, paginate, tagFilter, tagList, tagsFor } from './common.js';
import type { Ec2Store, TemplateRec, TemplateVersion } from './store.js';

type Out<T> = Omit<T, '$metadata'>;
type Ref = { LaunchTemplateId?: string; LaunchTemplateName?: string };

const NAME = /^[a-zA-Z0-9().\-/_]{3,128}$/;
const MAX_TEMPLATES = 5000;
const MAX_VERSIONS = 10000;
const INSTANCE_TAG_TYPES = ['instance', 'volume', 'network-interface', 'spot-instances-request'];
export const USER_DATA_LIMIT = 16 * 1024;

export class LaunchTemplates {
  /** ClientToken → result, so a retried create returns what the first one made. */
  private readonly tokens = new Map<string, { templateId: string; version: number }>();

  constructor(
    private readonly ctx: SimContext,
    private readonly store: Ec2Store,
  ) {}

  CreateLaunchTemplate(input: CreateLaunchTemplateCommandInput): Out<CreateLaunchTemplateCommandOutput> {
    const name = need(input.LaunchTemplateName, 'LaunchTemplateName');
    const data = need(input.LaunchTemplateData, 'LaunchTemplateData');
    const prior = input.ClientToken ? this.tokens.get(`create:${input.ClientToken}`) : undefined;
    const existing = prior && this.store.templates.get(prior.templateId);
    if (existing) return { LaunchTemplate: this.view(existing) };
    if (!NAME.test(name)) {
      throw fault(
        'InvalidLaunchTemplateName.MalformedException',
        `A launch template name must be between 3 and 128 characters, and may contain letters, numbers, and the following characters: - ( ) . / _.`,
      );
    }
    this.validateData(data);
    this.checkDescription(input.VersionDescription);
    const tags = tagsFor(input.TagSpecifications, ['launch-template'], 'launch-template');
    dryRun(input);
    if (this.store.templateByName(name)) throw fault('InvalidLaunchTemplateName.AlreadyExistsException', 'Launch template name already in use.');
    if (this.store.templates.size >= MAX_TEMPLATES) throw fault('LaunchTemplateLimitExceeded', `You've reached the limit of ${MAX_TEMPLATES} launch templates.`);
    const now = this.ctx.clock.now();
    const t: TemplateRec = {
      seq: this.store.seq(),
      id: this.ctx.ids.ec2('lt'),
      name,
      versions: new Map(),
      defaultVersion: 1,
      latestVersion: 1,
      createTime: now,
      tags: new Map(),
    };
    applyTags(t.tags, tags, t.id);
    t.versions.set(1, { number: 1, data: structuredClone(data), description: input.VersionDescription, createTime: now });
    this.store.templates.set(t.id, t);
    if (input.ClientToken) this.tokens.set(`create:${input.ClientToken}`, { templateId: t.id, version: 1 });
    return { LaunchTemplate: this.view(t) };
  }

  CreateLaunchTemplateVersion(input: CreateLaunchTemplateVersionCommandInput): Out<CreateLaunchTemplateVersionCommandOutput> {
    const data = need(input.LaunchTemplateData, 'LaunchTemplateData');
    const t = this.find(input, true);
    const prior = input.ClientToken ? this.tokens.get(`version:${t.id}:${input.ClientToken}`) : undefined;
    const priorVersion = prior && t.versions.get(prior.version);
    if (priorVersion) return { LaunchTemplateVersion: this.versionView(t, priorVersion) };
    this.validateData(data);
    this.checkDescription(input.VersionDescription);
    // SourceVersion: inherit its parameters; a parameter given here replaces the inherited one whole.
    const source = input.SourceVersion === undefined ? undefined : this.version(t, input.SourceVersion);
    dryRun(input);
    if (t.versions.size >= MAX_VERSIONS) throw fault('MaxTemplateVersionsExceeded', `You've reached the limit of ${MAX_VERSIONS} versions for launch template ${t.id}.`);
    const merged: RequestLaunchTemplateData = { ...structuredClone(source?.data ?? {}), ...structuredClone(data) };
    const number = t.latestVersion + 1;
    const v: TemplateVersion = { number, data: merged, description: input.VersionDescription, createTime: this.ctx.clock.now() };
    t.versions.set(number, v);
    t.latestVersion = number;
    if (input.ClientToken) this.tokens.set(`version:${t.id}:${input.ClientToken}`, { templateId: t.id, version: number });
    return { LaunchTemplateVersion: this.versionView(t, v) };
  }

  DescribeLaunchTemplates(input: DescribeLaunchTemplatesCommandInput): Out<DescribeLaunchTemplatesCommandOutput> {
    let items = [...this.store.templates.values()];
    if (input.LaunchTemplateIds?.length) {
      items = input.LaunchTemplateIds.map((id) => this.find({ LaunchTemplateId: id }, false));
    }
    if (input.LaunchTemplateNames?.length) {
      const names = input.LaunchTemplateNames;
      const missingName = names.find((n) => !this.store.templateByName(n));
      if (missingName !== undefined) {
        throw fault('InvalidLaunchTemplateName.NotFoundException', 'At least one of the launch templates specified in the request does not exist.');
      }
      items = items.filter((t) => names.includes(t.name));
    }
    items = applyFilters(items, input.Filters, (t, name) => {
      if (name === 'launch-template-name') return [t.name];
      if (name === 'create-time') return [new Date(t.createTime).toISOString()];
      return tagFilter(t.tags, name);
    });
    const { page, nextToken } = paginate(items, input.MaxResults, input.NextToken, { min: 1, max: 200 });
    return { LaunchTemplates: page.map((t) => this.view(t)), NextToken: nextToken };
  }

  DescribeLaunchTemplateVersions(input: DescribeLaunchTemplateVersionsCommandInput): Out<DescribeLaunchTemplateVersionsCommandOutput> {
    const rows: { seq: number; t: TemplateRec; v: TemplateVersion }[] = [];
    if (input.LaunchTemplateId === undefined && input.LaunchTemplateName === undefined) {
      // Across all templates only the aliases make sense.
      const specs = input.Versions ?? [];
      if (specs.length === 0 || specs.some((s) => s !== '$Latest' && s !== '$Default')) {
        throw invalidParam('Versions may only be $Latest or $Default when no launch template is specified.');
      }
      for (const t of [...this.store.templates.values()].sort((a, b) => a.seq - b.seq)) {
        for (const s of new Set(specs.map((x) => this.version(t, x).number))) rows.push({ seq: 0, t, v: t.versions.get(s) as TemplateVersion });
      }
    } else {
      const t = this.find(input, true);
      let versions = input.Versions?.length ? input.Versions.map((s) => this.version(t, s)) : [...t.versions.values()];
      versions = [...new Set(versions)].sort((a, b) => a.number - b.number);
      const min = input.MinVersion === undefined ? undefined : this.versionNumber(input.MinVersion);
      const max = input.MaxVersion === undefined ? undefined : this.versionNumber(input.MaxVersion);
      for (const v of versions) if ((min === undefined || v.number >= min) && (max === undefined || v.number <= max)) rows.push({ seq: 0, t, v });
    }
    rows.forEach((r, i) => (r.seq = i + 1));
    const filtered = applyFilters(rows, input.Filters, ({ t, v }, name) => {
      if (name === 'is-default-version') return [String(t.defaultVersion === v.number)];
      if (name === 'image-id') return [v.data.ImageId];
      if (name === 'instance-type') return [v.data.InstanceType];
      return undefined;
    });
    const { page, nextToken } = paginate(filtered, input.MaxResults, input.NextToken, { min: 1, max: 200 });
    return { LaunchTemplateVersions: page.map(({ t, v }) => this.versionView(t, v)), NextToken: nextToken };
  }

  ModifyLaunchTemplate(input: ModifyLaunchTemplateCommandInput): Out<ModifyLaunchTemplateCommandOutput> {
    const t = this.find(input, true);
    const v = input.DefaultVersion === undefined ? undefined : this.version(t, input.DefaultVersion);
    dryRun(input);
    if (v) t.defaultVersion = v.number;
    return { LaunchTemplate: this.view(t) };
  }

  DeleteLaunchTemplate(input: DeleteLaunchTemplateCommandInput): Out<DeleteLaunchTemplateCommandOutput> {
    const t = this.find(input, true);
    dryRun(input);
    this.store.templates.delete(t.id);
    return { LaunchTemplate: this.view(t) };
  }

  /** The template and version a launch uses; version `$Default` when not given. */
  resolve(ref: Ref & { Version?: string }): { template: TemplateRec; version: TemplateVersion } {
    const template = this.find(ref, true);
    return { template, version: this.version(template, ref.Version ?? '$Default') };
  }

  /** By id or name; with `exactlyOne`, giving both is an error. */
  find(ref: Ref, exactlyOne: boolean): TemplateRec {
    const { LaunchTemplateId: id, LaunchTemplateName: name } = ref;
    if (exactlyOne && id !== undefined && name !== undefined) {
      throw fault('InvalidParameterCombination', 'The parameters LaunchTemplateId and LaunchTemplateName cannot be used together.');
    }
    if (id !== undefined) {
      checkId(id, 'lt', 'InvalidLaunchTemplateId');
      const t = this.store.templates.get(id);
      if (!t) throw fault('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${id}, does not exist.`);
      return t;
    }
    if (name !== undefined) {
      const t = this.store.templateByName(name);
      if (!t) throw fault('InvalidLaunchTemplateName.NotFoundException', `The specified launch template, with template name ${name}, does not exist.`);
      return t;
    }
    throw fault('MissingParameter', 'The request must include either the launch template ID or name.');
  }

  private version(t: TemplateRec, spec: string): TemplateVersion {
    const n = spec === '$Latest' ? t.latestVersion : spec === '$Default' ? t.defaultVersion : this.versionNumber(spec);
    const v = t.versions.get(n);
    if (!v) throw fault('InvalidLaunchTemplateId.VersionNotFound', `Could not find launch template version ${spec} for launch template ${t.id}.`);
    return v;
  }

  private versionNumber(spec: string): number {
    if (!/^[1-9]\d{0,17}$/.test(spec)) throw invalidParam(`Invalid launch template version: '${spec}'. Expecting $Latest, $Default or a version number.`);
    return Number(spec);
  }

  private checkDescription(d: string | undefined): void {
    if (d !== undefined && d.length > 255) throw invalidParam('VersionDescription must be at most 255 characters.');
  }

  private validateData(data: RequestLaunchTemplateData): void {
    if (data.ImageId !== undefined && !data.ImageId.startsWith('resolve:ssm:')) checkId(data.ImageId, 'ami', 'InvalidAMIID');
    if (data.UserData !== undefined && decodeBase64(data.UserData, 'user data').length > USER_DATA_LIMIT) {
      throw invalidParam(`User data is limited to ${USER_DATA_LIMIT} bytes`);
    }
    const sb = data.InstanceInitiatedShutdownBehavior;
    if (sb !== undefined && sb !== 'stop' && sb !== 'terminate') throw invalidParam(`Value (${sb}) for parameter InstanceInitiatedShutdownBehavior is invalid.`);
    tagsFor(data.TagSpecifications, INSTANCE_TAG_TYPES, 'instance');
  }

  private view(t: TemplateRec): LaunchTemplate {
    return {
      LaunchTemplateId: t.id,
      LaunchTemplateName: t.name,
      CreateTime: new Date(t.createTime),
      CreatedBy: `arn:aws:iam::${this.ctx.accountId}:root`,
      DefaultVersionNumber: t.defaultVersion,
      LatestVersionNumber: t.latestVersion,
      Tags: tagList(t.tags),
    };
  }

  private versionView(t: TemplateRec, v: TemplateVersion): LaunchTemplateVersion {
    return {
      LaunchTemplateId: t.id,
      LaunchTemplateName: t.name,
      VersionNumber: v.number,
      VersionDescription: v.description,
      CreateTime: new Date(v.createTime),
      CreatedBy: `arn:aws:iam::${this.ctx.accountId}:root`,
      DefaultVersion: t.defaultVersion === v.number,
      LaunchTemplateData: structuredClone(v.data) as ResponseLaunchTemplateData,
    };
  }
}
