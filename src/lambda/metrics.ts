/**
 * The one Powertools Metrics instance (CloudWatch embedded metric format: metrics are log lines,
 * no PutMetricData call, no extra IAM). Namespace `redblack`, one dimension: the cluster.
 * The step wrapper flushes what an invocation recorded, and nothing when it recorded nothing; a
 * function that never imports this module does not bundle Powertools Metrics.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { onFlush } from './flush.js';

export const metrics = new Metrics({ namespace: 'redblack', serviceName: 'redblack' });

/** The metric names the dashboard (serverless.yml) plots; docs/deploy.md lists them. */
export const METRIC = {
  succeeded: 'DeploymentsSucceeded',
  rolledBack: 'DeploymentsRolledBack',
  failed: 'DeploymentsFailed',
  duration: 'DeploymentDuration',
  gateWait: 'HealthGateWait',
  steps: 'TrafficSteps',
  notificationsFailed: 'NotificationsFailed',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

const UNIT: Record<MetricName, (typeof MetricUnit)[keyof typeof MetricUnit]> = {
  DeploymentsSucceeded: MetricUnit.Count,
  DeploymentsRolledBack: MetricUnit.Count,
  DeploymentsFailed: MetricUnit.Count,
  DeploymentDuration: MetricUnit.Seconds,
  HealthGateWait: MetricUnit.Seconds,
  TrafficSteps: MetricUnit.Count,
  NotificationsFailed: MetricUnit.Count,
};

let dimensioned: string | undefined;

/** Records one value for the cluster. An invocation concerns one cluster, so one dimension set. */
export function count(cluster: string, name: MetricName, value = 1): void {
  if (dimensioned !== cluster) metrics.addDimension('cluster', cluster);
  dimensioned = cluster;
  metrics.addMetric(name, UNIT[name], value);
}

// Flushed by step() after each invocation (src/lambda/flush.ts); silent when nothing was recorded.
onFlush(() => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  dimensioned = undefined;
});
