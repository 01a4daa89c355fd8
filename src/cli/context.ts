/**
 * Where the CLI's calls go and which resources it acts on. The stack's CloudFormation outputs name
 * every resource (`redblack-<stage>`); with no such stack (an `--endpoint` such as moto, where
 * `npm start -- --endpoint` built the resources without CloudFormation) the stage's own names are
 * used, as serverless.yml derives them. The resources end up in the same environment variables the
 * functions read, so the shipped adapters in src/aws work unchanged.
 */
import { configureClients } from '../aws/clients.js';
import { stateMachineNamed } from '../aws/executions.js';
import { stackOutputs } from '../aws/stack.js';
import { ENV_NAMES } from '../env.js';
import { CliError, EXIT } from './errors.js';

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stdout is a terminal: live status lines and countdowns. */
  tty: boolean;
}

export interface GlobalOptions {
  stage: string;
  region?: string;
  profile?: string;
  endpoint?: string;
  json: boolean;
}

export interface Resources {
  stage: string;
  stackName: string;
  /** `stack`: from the CloudFormation outputs; `stage-names`: no stack, the stage's own names. */
  source: 'stack' | 'stage-names';
  stateMachineArn: string;
  table: string;
  bucket: string;
  scheduleGroup: string;
  configPath: string;
}

/** The outputs of serverless.yml the CLI reads (test/tools/deploy/cli-outputs.test.ts checks the template declares them). */
export const STACK_OUTPUTS = ['DeployStateMachineArn', 'DeploymentsTableName', 'ArtifactsBucketName', 'TeardownScheduleGroupName'] as const;

export const stackName = (stage: string): string => `redblack-${stage}`;

/** Points the SDK clients at the region, profile or endpoint asked for (not when already wired, e.g. to the embedded cloud). */
export function connect(options: GlobalOptions): void {
  if (options.profile) process.env.AWS_PROFILE = options.profile;
  configureClients({ ...(options.region ? { region: options.region } : {}), ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
}

export async function resolveResources(stage: string): Promise<Resources> {
  const name = stackName(stage);
  const outputs = await stackOutputs(name);
  let r: Resources;
  if (outputs) {
    const missing = STACK_OUTPUTS.filter((k) => !outputs[k]);
    if (missing.length > 0) throw new CliError(EXIT.aws, `stack ${name} lacks the outputs ${missing.join(', ')}: deploy this version of redblack`, 'StackOutdated');
    r = {
      stage,
      stackName: name,
      source: 'stack',
      stateMachineArn: outputs.DeployStateMachineArn as string,
      table: outputs.DeploymentsTableName as string,
      bucket: outputs.ArtifactsBucketName as string,
      scheduleGroup: outputs.TeardownScheduleGroupName as string,
      configPath: '/redblack/clusters',
    };
  } else {
    const arn = await stateMachineNamed(`redblack-${stage}-deploy`);
    if (!arn) {
      throw new CliError(EXIT.aws, `no stack ${name} and no state machine redblack-${stage}-deploy here: check --stage, --region, --profile, --endpoint`, 'StackNotFound');
    }
    const account = arn.split(':')[4];
    r = {
      stage,
      stackName: name,
      source: 'stage-names',
      stateMachineArn: arn,
      table: `redblack-${stage}-deployments`,
      bucket: `redblack-${stage}-artifacts-${account}`,
      scheduleGroup: `redblack-${stage}`,
      configPath: '/redblack/clusters',
    };
  }
  process.env[ENV_NAMES.stateMachineArn] = r.stateMachineArn;
  process.env[ENV_NAMES.tableName] = r.table;
  process.env[ENV_NAMES.artifactBucket] = r.bucket;
  process.env[ENV_NAMES.scheduleGroup] = r.scheduleGroup;
  process.env[ENV_NAMES.configPath] = r.configPath;
  return r;
}
