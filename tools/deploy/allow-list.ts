/**
 * Grants in serverless.yml that no run in test/tools/deploy/observe.ts exercises, per function, with
 * the code path that needs them and why the runs do not reach it. Everything else a role grants
 * must have been seen in the call log (test/tools/deploy/iam.test.ts). An entry that becomes observed,
 * or is no longer granted, fails the test: keep this list exact.
 */
export type AllowList = Record<string, Record<string, string>>;

const RULE_CLUSTERS = 'clusters configured with `ruleArn` (a listener rule) instead of `listenerArn`: the demo world swaps a listener';
const LOCK_RACE =
  'acquireLock reads the holder with GetItem only when the failed condition returned no item (the lock was released between the write and the read): a race the runs do not stage';

const CLONE_SETTINGS = 'copyGroupSettings (test/pipeline/clone.test.ts) copies what the live group has; the demo group has no';

/** Lambda's own logs and X-Ray: every function has them, from the plugin and provider.iam. */
export const BASELINE = ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:PutLogEvents', 'xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

export const ALLOW_LIST: AllowList = {
  plan: {
    'elasticloadbalancing:DescribeRules': `readSwapPoint for ${RULE_CLUSTERS}`,
  },
  finalize: {
    'elasticloadbalancing:DescribeRules': `removeBaseline checks the swap point no longer forwards to a fresh baseline, for ${RULE_CLUSTERS}`,
  },
  bakeImage: {
    'ssm:GetParameter': 'bake.baseImageParameter (a public /aws/service/ parameter or one under /redblack/): the demo config gives baseImageId',
  },
  launchGroup: {
    'elasticloadbalancing:DescribeRules': `stage() reads the swap point for ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `stage() adds the new target group at weight 0 for ${RULE_CLUSTERS}`,
    'autoscaling:PutScalingPolicy': "clonePolicies copies the live group's scaling policies: the demo group has none",
    'elasticloadbalancing:DescribeTags':
      "createTargetGroup reads the owner tag of an existing target group of the new group's name (a retried LaunchGroup, test/functions/launch-group.test.ts): the runs do not retry it",
    'autoscaling:PutWarmPool': `${CLONE_SETTINGS} a warm pool`,
    'autoscaling:PutScheduledUpdateGroupAction': `${CLONE_SETTINGS} scheduled actions`,
    'autoscaling:PutNotificationConfiguration': `${CLONE_SETTINGS} SNS notification configurations`,
    'autoscaling:EnableMetricsCollection': `${CLONE_SETTINGS} group metrics collection`,
    'autoscaling:SuspendProcesses': `${CLONE_SETTINGS} suspended processes`,
    'cloudwatch:DescribeAlarms': `${CLONE_SETTINGS} simple or step scaling policies driven by alarms`,
    'cloudwatch:PutMetricAlarm': `${CLONE_SETTINGS} simple or step scaling policies driven by alarms`,
    'iam:PassRole':
      "a launch template with an instance profile, or lifecycle hooks with a role, make CreateAutoScalingGroup pass those roles: the demo template and group have neither",
    'ec2:CreateTags': 'a launch template with tag specifications is authorised as CreateTags on RunInstances: the demo template has none',
  },
  checkBake: {
    'ec2:GetConsoleOutput':
      'the console fallback when a stopped builder carries no redblack:bake-result tag (a base image without curl or the AWS CLI): the embedded builder tags itself',
  },
  swapTargetGroup: {
    'elasticloadbalancing:DescribeRules': `the traffic step on ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `the traffic step on ${RULE_CLUSTERS}`,
  },
  teardown: {
    'elasticloadbalancing:DescribeRules': `clusterView for ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `removing a weight-0 target group from the forward action of ${RULE_CLUSTERS}`,
    'elasticloadbalancing:DescribeTargetGroups':
      'a group teardown whose group is already gone (a retried schedule, or removed by hand) looks its target group up by name',
    'dynamodb:GetItem': LOCK_RACE,
  },
  rollback: {
    'dynamodb:GetItem': "the commit check when Finalize fails after the last traffic step (its record says whether it already succeeded); the scenarios' Finalize never fails",
    'elasticloadbalancing:DescribeRules': `restoring the swap point of ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `restoring the swap point of ${RULE_CLUSTERS}`,
  },
  manualRollback: {
    'elasticloadbalancing:DescribeRules': `flipping back the swap point of ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `flipping back the swap point of ${RULE_CLUSTERS}`,
    'cloudwatch:DescribeAlarms': "the rollback's health gate looks at the cluster's healthGate.alarmNames: the demo config watches none",
  },
  requestApproval: {
    'cloudwatch:DescribeAlarms': "each slice of the approval wait looks at the cluster's traffic and healthGate alarmNames first: the observed approval run watches none",
  },
  recover: {
    'elasticloadbalancing:DescribeRules': `restoring the swap point of ${RULE_CLUSTERS}`,
    'elasticloadbalancing:ModifyRule': `restoring the swap point of ${RULE_CLUSTERS}`,
    'elasticloadbalancing:DescribeTargetHealth': "the traffic guard before the live group gets its share back: the observed stop comes before any traffic step",
    'ec2:TerminateInstances': 'terminating the builder of a deployment stopped during its bake: the observed stop is of a prebaked image',
  },
};
