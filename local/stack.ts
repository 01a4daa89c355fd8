/**
 * `serverless deploy`, on the embedded cloud: the same resources and wiring as serverless.yml,
 * created through AWS API calls (so endpoint mode builds them the same way), and the functions'
 * environment set as serverless.yml sets it.
 */
import { readFileSync } from 'node:fs';
import { CreateTableCommand, DynamoDBClient, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateBucketCommand, PutBucketNotificationConfigurationCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateScheduleGroupCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { CreateStateMachineCommand, SFNClient, UpdateStateMachineCommand } from '@aws-sdk/client-sfn';
import { client } from '../src/aws/clients.js';
import { tolerate } from '../src/aws/not-found.js';
import { ENV_NAMES } from '../src/env.js';
import { resolveDefinition } from '../sim/asl.js';
import type { EmbeddedCloud } from '../sim/cloud.js';
import { FUNCTIONS } from './functions.js';

export interface Stack {
  stage: string;
  bucket: string;
  table: string;
  scheduleGroup: string;
  stateMachineArn: string;
  functionArn: (key: string) => string;
}

const DEPLOY_ASL = new URL('../statemachines/deploy.asl.json', import.meta.url);

export function deployDefinition(functionArn: (key: string) => string): string {
  return JSON.stringify(resolveDefinition(JSON.parse(readFileSync(DEPLOY_ASL, 'utf8')), functionArn));
}

export async function deployStack(cloud: EmbeddedCloud, options: { stage?: string } = {}): Promise<Stack> {
  for (const [key, handler] of Object.entries(FUNCTIONS)) cloud.lambda.register(key, handler);
  const stack = await createStack({ ...options, account: cloud.accountId, functionArn: (key) => cloud.lambda.functionArn(key) });
  // What `serverless deploy` leaves for the CLI to find: the stack and the outputs serverless.yml declares.
  cloud.cloudformation.registerStack(`redblack-${stack.stage}`, stackOutputs(stack));
  return stack;
}

/** The outputs of serverless.yml (resources.Outputs) for this stack, by output key. */
export function stackOutputs(stack: Stack): Record<string, string> {
  return {
    ArtifactsBucketName: stack.bucket,
    DeployStateMachineArn: stack.stateMachineArn,
    DeploymentsTableName: stack.table,
    TeardownScheduleGroupName: stack.scheduleGroup,
    BuilderInstanceProfileName: `redblack-${stack.stage}-builder`,
  };
}

/** The stack's resources through the AWS API, wherever the clients point; sets the functions' environment. */
export async function createStack(options: { stage?: string; account: string; functionArn: (key: string) => string }): Promise<Stack> {
  const stage = options.stage ?? 'local';
  const account = options.account;
  const functionArn = options.functionArn;
  const names = {
    bucket: `redblack-${stage}-artifacts-${account}`,
    table: `redblack-${stage}-deployments`,
    scheduleGroup: `redblack-${stage}`,
    stateMachine: `redblack-${stage}-deploy`,
  };
  const role = (name: string) => `arn:aws:iam::${account}:role/${name}`;

  // Every create tolerates what an earlier run against the same endpoint already made.
  await tolerate(
    'ResourceInUseException',
    client(DynamoDBClient).send(
      new CreateTableCommand({
        TableName: names.table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
      }),
    ),
  );
  // An earlier run enabled it: "TimeToLive is already enabled".
  await tolerate(
    'ValidationException',
    client(DynamoDBClient).send(new UpdateTimeToLiveCommand({ TableName: names.table, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } })),
  );

  await tolerate('BucketAlreadyOwnedByYou', client(S3Client).send(new CreateBucketCommand({ Bucket: names.bucket })));
  await client(S3Client).send(new PutBucketVersioningCommand({ Bucket: names.bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  await client(S3Client).send(
    new PutBucketNotificationConfigurationCommand({ Bucket: names.bucket, NotificationConfiguration: { EventBridgeConfiguration: {} } }),
  );

  await tolerate('ConflictException', client(SchedulerClient).send(new CreateScheduleGroupCommand({ Name: names.scheduleGroup })));

  const definition = deployDefinition(functionArn);
  const created = await client(SFNClient)
    .send(new CreateStateMachineCommand({ name: names.stateMachine, definition, roleArn: role(`redblack-${stage}-deploy`) }))
    .catch(async (err: Error) => {
      if (err.name !== 'StateMachineAlreadyExists') throw err;
      // The one an earlier run made: its definition is brought up to date.
      const arn = `arn:aws:states:${await client(SFNClient).config.region()}:${account}:stateMachine:${names.stateMachine}`;
      await client(SFNClient).send(new UpdateStateMachineCommand({ stateMachineArn: arn, definition }));
      return { stateMachineArn: arn };
    });
  const stateMachineArn = created.stateMachineArn as string;

  const events = client(EventBridgeClient);
  const rules: { name: string; pattern?: unknown; schedule?: string; target: string; input?: unknown }[] = [
    {
      name: `redblack-${stage}-artifact-uploaded`,
      pattern: { source: ['aws.s3'], 'detail-type': ['Object Created'], detail: { bucket: { name: [names.bucket] }, object: { key: [{ prefix: 'releases/' }] } } },
      target: 'trigger',
    },
    { name: `redblack-${stage}-deploy-requested`, pattern: { source: ['redblack'], 'detail-type': ['Deploy Requested'] }, target: 'trigger' },
    { name: `redblack-${stage}-daily-sweep`, schedule: 'cron(17 3 * * ? *)', target: 'teardown', input: { mode: 'sweep' } },
    {
      name: `redblack-${stage}-recover`,
      pattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'], detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [stateMachineArn] } },
      target: 'recover',
    },
  ];
  for (const r of rules) {
    await events.send(
      new PutRuleCommand({
        Name: r.name,
        ...(r.pattern ? { EventPattern: JSON.stringify(r.pattern) } : {}),
        ...(r.schedule ? { ScheduleExpression: r.schedule } : {}),
        State: 'ENABLED',
      }),
    );
    await events.send(
      new PutTargetsCommand({
        Rule: r.name,
        Targets: [{ Id: r.target, Arn: functionArn(r.target), ...(r.input ? { Input: JSON.stringify(r.input) } : {}) }],
      }),
    );
  }

  const env: Record<keyof typeof ENV_NAMES, string> = {
    tableName: names.table,
    stateMachineArn,
    teardownFunctionArn: functionArn('teardown'),
    schedulerRoleArn: role(`redblack-${stage}-scheduler`),
    scheduleGroup: names.scheduleGroup,
    artifactBucket: names.bucket,
    builderInstanceProfile: `redblack-${stage}-builder`,
    eventBus: 'default',
    configPath: '/redblack/clusters',
    freezeParameter: '/redblack/freeze',
  };
  for (const [k, v] of Object.entries(env)) process.env[ENV_NAMES[k as keyof typeof ENV_NAMES]] = v;
  return { stage, bucket: names.bucket, table: names.table, scheduleGroup: names.scheduleGroup, stateMachineArn, functionArn };
}

