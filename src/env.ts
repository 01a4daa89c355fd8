/**
 * The settings a function reads from its environment, set by serverless.yml in AWS and by the
 * local wiring on the embedded cloud. Read lazily so a missing one fails the call that needs it,
 * with its name, rather than every function at init.
 */
const NAMES = {
  tableName: 'REDBLACK_TABLE',
  stateMachineArn: 'REDBLACK_STATE_MACHINE_ARN',
  teardownFunctionArn: 'REDBLACK_TEARDOWN_FUNCTION_ARN',
  schedulerRoleArn: 'REDBLACK_SCHEDULER_ROLE_ARN',
  scheduleGroup: 'REDBLACK_SCHEDULE_GROUP',
  artifactBucket: 'REDBLACK_ARTIFACT_BUCKET',
  builderInstanceProfile: 'REDBLACK_BUILDER_INSTANCE_PROFILE',
  eventBus: 'REDBLACK_EVENT_BUS',
  configPath: 'REDBLACK_CONFIG_PATH',
  freezeParameter: 'REDBLACK_FREEZE_PARAMETER',
} as const;

const DEFAULTS: Partial<Record<keyof typeof NAMES, string>> = {
  scheduleGroup: 'default',
  eventBus: 'default',
  configPath: '/redblack/clusters',
  freezeParameter: '/redblack/freeze',
};

export type Setting = keyof typeof NAMES;

export class MissingSetting extends Error {
  constructor(variable: string) {
    super(`environment variable ${variable} is not set`);
    this.name = 'MissingSetting';
  }
}

export function setting(name: Setting): string {
  const value = process.env[NAMES[name]] ?? DEFAULTS[name];
  if (value === undefined || value === '') throw new MissingSetting(NAMES[name]);
  return value;
}

export function optionalSetting(name: Setting): string | undefined {
  return process.env[NAMES[name]] ?? DEFAULTS[name];
}

export const ENV_NAMES = NAMES;
