/**
 * The only actions a role may grant on `Resource: "*"`, each with the reason no narrower resource
 * works (Service Authorization Reference: the action lists no resource type, or AWS documents that
 * a narrower scope changes the answer). Everything else — mutating or not — must name ARNs.
 */
const NO_RESOURCE_TYPE = 'lists no resource type: AWS evaluates it against "*" only';

export const UNSCOPABLE: Record<string, string> = {
  'ec2:DescribeInstances': NO_RESOURCE_TYPE,
  'ec2:DescribeTags': NO_RESOURCE_TYPE,
  'ec2:DescribeImages': NO_RESOURCE_TYPE,
  'ec2:DescribeLaunchTemplates': NO_RESOURCE_TYPE,
  'ec2:DescribeLaunchTemplateVersions': NO_RESOURCE_TYPE,
  'autoscaling:DescribeAutoScalingGroups': NO_RESOURCE_TYPE,
  'autoscaling:DescribePolicies': NO_RESOURCE_TYPE,
  'autoscaling:DescribeLifecycleHooks': NO_RESOURCE_TYPE,
  'autoscaling:DescribeWarmPool': NO_RESOURCE_TYPE,
  'autoscaling:DescribeScheduledActions': NO_RESOURCE_TYPE,
  'autoscaling:DescribeNotificationConfigurations': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeListeners': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeRules': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeTargetGroups': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeTargetGroupAttributes': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeTargetHealth': NO_RESOURCE_TYPE,
  'elasticloadbalancing:DescribeTags': NO_RESOURCE_TYPE,
  'cloudwatch:DescribeAlarms':
    'composite alarms are returned only to a caller whose DescribeAlarms is scoped to "*" (CloudWatch API reference); alarmsInAlarm reads both kinds',
  'cloudwatch:GetMetricData': NO_RESOURCE_TYPE,
  'xray:PutTraceSegments': `${NO_RESOURCE_TYPE} (Lambda active tracing)`,
  'xray:PutTelemetryRecords': `${NO_RESOURCE_TYPE} (Lambda active tracing)`,
  // The state machine role (serverless-step-functions): vended log delivery to CloudWatch Logs and X-Ray.
  'logs:CreateLogDelivery': `${NO_RESOURCE_TYPE} (Step Functions logging)`,
  'logs:GetLogDelivery': `${NO_RESOURCE_TYPE} (Step Functions logging)`,
  'logs:UpdateLogDelivery': `${NO_RESOURCE_TYPE} (Step Functions logging)`,
  'logs:DeleteLogDelivery': `${NO_RESOURCE_TYPE} (Step Functions logging)`,
  'logs:ListLogDeliveries': `${NO_RESOURCE_TYPE} (Step Functions logging)`,
  'logs:PutResourcePolicy': 'Step Functions logging updates the account\'s CloudWatch Logs resource policy, which has no ARN',
  'logs:DescribeResourcePolicies': NO_RESOURCE_TYPE,
  'logs:DescribeLogGroups': 'Step Functions logging checks the destination by listing log groups',
  'xray:GetSamplingRules': `${NO_RESOURCE_TYPE} (Step Functions tracing)`,
  'xray:GetSamplingTargets': `${NO_RESOURCE_TYPE} (Step Functions tracing)`,
};

export const isUnscopable = (action: string): boolean =>
  Object.keys(UNSCOPABLE).some((a) => a.toLowerCase() === action.toLowerCase());
