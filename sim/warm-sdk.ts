/**
 * The SDK resolves parts of its configuration (shared config files, defaults mode) with real
 * asynchronous I/O the first time a client is used in a process. Under a virtual clock that I/O
 * would race simulated time, so each client class sends one short-circuited call first, on real
 * time; later clients find the results cached.
 */
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetScheduleCommand, SchedulerClient } from '@aws-sdk/client-scheduler';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

let warmed: Promise<void> | undefined;

export function warmSdk(): Promise<void> {
  warmed ??= run();
  return warmed;
}

async function run(): Promise<void> {
  const config = { region: 'us-east-1', credentials: { accessKeyId: 'AKIAWARM', secretAccessKey: 'warm' } };
  const pairs: [any, any][] = [
    [new EC2Client(config), new DescribeInstancesCommand({})],
    [new AutoScalingClient(config), new DescribeAutoScalingGroupsCommand({})],
    [new ElasticLoadBalancingV2Client(config), new DescribeLoadBalancersCommand({})],
    [new S3Client(config), new HeadObjectCommand({ Bucket: 'warm', Key: 'warm' })],
    [new EventBridgeClient(config), new PutEventsCommand({ Entries: [] })],
    [new SchedulerClient(config), new GetScheduleCommand({ Name: 'warm' })],
    [new DynamoDBClient(config), new GetItemCommand({ TableName: 'warm', Key: {} })],
    [new SSMClient(config), new GetParameterCommand({ Name: 'warm' })],
    [new CloudWatchClient(config), new DescribeAlarmsCommand({})],
    [new SFNClient(config), new DescribeExecutionCommand({ executionArn: 'warm' })],
    [new CloudFormationClient(config), new DescribeStacksCommand({ StackName: 'warm' })],
  ];
  await Promise.all(
    pairs.map(async ([c, cmd]) => {
      c.middlewareStack.addRelativeTo(
        () => async () => ({ response: { statusCode: 200, headers: {} }, output: { $metadata: {} } }),
        { relation: 'after', toMiddleware: 'retryMiddleware', name: 'warm' },
      );
      await c.send(cmd);
      c.destroy();
    }),
  );
}
