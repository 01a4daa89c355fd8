/**
 * Turns an AwsFault (wire code) into the exception the real SDK client would throw: the modeled
 * class where the service models that code (https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/the-response-object.html), else the client's base
 * `*ServiceException` with `name` = wire code. `$fault`, `$metadata` and `$retryable` are set the
 * way the SDK's retry strategy reads them.
 */
import * as asg from '@aws-sdk/client-auto-scaling';
import * as cfn from '@aws-sdk/client-cloudformation';
import * as cw from '@aws-sdk/client-cloudwatch';
import * as ddb from '@aws-sdk/client-dynamodb';
import * as ec2 from '@aws-sdk/client-ec2';
import * as elb from '@aws-sdk/client-elastic-load-balancing-v2';
import * as events from '@aws-sdk/client-eventbridge';
import * as s3 from '@aws-sdk/client-s3';
import * as scheduler from '@aws-sdk/client-scheduler';
import * as sfn from '@aws-sdk/client-sfn';
import * as ssm from '@aws-sdk/client-ssm';
import type { AwsFault } from './aws-fault.js';

interface ServiceInfo {
  /** IAM service prefix, used as the service's key everywhere in the embedded cloud. */
  prefix: string;
  module: Record<string, unknown>;
  base: new (options: any) => Error;
  /** Modeled codes whose class name is not code + Exception/Fault/Error. */
  aliases?: Record<string, string>;
  /** EC2 models no errors at all: every code surfaces on the base class. */
  unmodeled?: boolean;
}

export const SERVICES: Record<string, ServiceInfo> = {
  EC2Client: { prefix: 'ec2', module: ec2, base: ec2.EC2ServiceException, unmodeled: true },
  AutoScalingClient: { prefix: 'autoscaling', module: asg, base: asg.AutoScalingServiceException },
  ElasticLoadBalancingV2Client: { prefix: 'elasticloadbalancing', module: elb, base: elb.ElasticLoadBalancingV2ServiceException },
  S3Client: { prefix: 's3', module: s3, base: s3.S3ServiceException },
  EventBridgeClient: { prefix: 'events', module: events, base: events.EventBridgeServiceException },
  SchedulerClient: { prefix: 'scheduler', module: scheduler, base: scheduler.SchedulerServiceException },
  DynamoDBClient: { prefix: 'dynamodb', module: ddb, base: ddb.DynamoDBServiceException },
  SSMClient: { prefix: 'ssm', module: ssm, base: ssm.SSMServiceException },
  CloudWatchClient: {
    prefix: 'cloudwatch',
    module: cw,
    base: cw.CloudWatchServiceException,
    aliases: {
      MissingParameter: 'MissingRequiredParameterException',
      ValidationError: 'ValidationException',
      InternalServiceError: 'InternalServiceFault',
      LimitExceeded: 'LimitExceededFault',
    },
  },
  SFNClient: { prefix: 'states', module: sfn, base: sfn.SFNServiceException },
  CloudFormationClient: { prefix: 'cloudformation', module: cfn, base: cfn.CloudFormationServiceException },
};

// Codes the SDK does not model for these services even though a class of a similar name exists.
const UNMODELED = new Set(['ValidationError', 'Throttling', 'InvalidParameterValue']);

export function toSdkError(info: ServiceInfo, fault: AwsFault, requestId: string): Error {
  const $metadata = { httpStatusCode: fault.status, requestId, attempts: 1, totalRetryDelay: 0 };
  const $fault = fault.status >= 500 ? 'server' : 'client';
  const Modeled = info.unmodeled || (UNMODELED.has(fault.code) && !info.aliases?.[fault.code]) ? undefined : findModeled(info, fault.code);
  let err: Error & Record<string, unknown>;
  if (Modeled) {
    err = new Modeled({ message: fault.message, $metadata }) as Error & Record<string, unknown>;
    if (err.$fault === undefined) err.$fault = $fault;
  } else {
    err = new info.base({ name: fault.code, $fault, $metadata, message: fault.message }) as Error & Record<string, unknown>;
  }
  // Extra members AWS sends with some errors (ConditionalCheckFailedException.Item, CancellationReasons).
  const fields = (fault as AwsFault & { fields?: Record<string, unknown> }).fields;
  if (fields) Object.assign(err, fields);
  err.Code = fault.code;
  if (isThrottle(fault)) err.$retryable = { throttling: true };
  return err;
}

function findModeled(info: ServiceInfo, code: string): (new (o: any) => Error) | undefined {
  const candidates = [info.aliases?.[code], code, `${code}Exception`, `${code}Fault`, `${code}Error`];
  for (const name of candidates) {
    if (!name) continue;
    const C = info.module[name];
    if (typeof C === 'function' && C.prototype instanceof info.base) return C as new (o: any) => Error;
  }
  return undefined;
}

function isThrottle(fault: AwsFault): boolean {
  return fault.status === 429 || /Throttl|RequestLimitExceeded|SlowDown|ProvisionedThroughputExceeded/.test(fault.code);
}
