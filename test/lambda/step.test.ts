/**
 * The step wrapper: transient AWS errors leave as AwsTransient with the SDK error kept as `cause`,
 * and what an invocation recorded is flushed as one EMF document (namespace redblack, dimension
 * cluster) — nothing at all when it recorded nothing.
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { count, METRIC, metrics } from '../../src/lambda/metrics.js';
import { step } from '../../src/lambda/step.js';
import { lambdaContext } from '../functions/helpers.js';

afterEach(() => vi.restoreAllMocks());

describe('step()', () => {
  it('folds a throttled SDK call into AwsTransient and keeps the SDK error as its cause', async () => {
    // Prepare
    const sdkError = new EC2ServiceException({ name: 'RequestLimitExceeded', $fault: 'client', $metadata: { httpStatusCode: 503, requestId: 'req-1' }, message: 'Request limit exceeded.' });
    const handler = step(async () => {
      throw sdkError;
    });
    // Act
    const err = (await handler({}, lambdaContext('plan')).catch((e: unknown) => e)) as Error;
    // Assess
    expect(err.name).toBe('AwsTransient');
    expect(err.message).toBe('RequestLimitExceeded: Request limit exceeded.');
    expect(err.cause).toBe(sdkError);
    expect((err.cause as EC2ServiceException).$metadata.requestId).toBe('req-1');
  });

  it('publishes what the invocation recorded as EMF, per cluster, and clears it', async () => {
    // Prepare
    const published: unknown[] = [];
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(function (this: typeof metrics) {
      published.push(metrics.serializeMetrics());
      metrics.clearMetrics();
      metrics.clearDimensions();
      return metrics;
    });
    const handler = step(async () => {
      count('web-prod', METRIC.succeeded);
      count('web-prod', METRIC.duration, 295);
      return 'ok';
    });
    // Act
    await handler({}, lambdaContext('finalize'));
    await step(async () => 'nothing recorded')({}, lambdaContext('plan'));
    // Assess
    expect(published).toHaveLength(1);
    const emf = published[0] as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] }; cluster: string } & Record<string, unknown>;
    const [directive] = emf._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe('redblack');
    expect(directive?.Dimensions[0]).toContain('cluster');
    expect(directive?.Metrics).toEqual(
      expect.arrayContaining([
        { Name: 'DeploymentsSucceeded', Unit: 'Count' },
        { Name: 'DeploymentDuration', Unit: 'Seconds' },
      ]),
    );
    expect(emf.cluster).toBe('web-prod');
    expect(emf.DeploymentsSucceeded).toBe(1);
    expect(emf.DeploymentDuration).toBe(295);
  });
});
