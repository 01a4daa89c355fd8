/**
 * What an operator watches, as the packaged template deploys it: the dashboard plots every metric
 * the functions record (src/lambda/metrics.ts), per cluster; the SNS subscription gets one line of
 * text built from fields every notification detail carries; Step Functions logs errors only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { NOTIFICATION_TYPES } from '../../../src/domain/notifications.js';
import { METRIC } from '../../../src/lambda/metrics.js';
import { type Place, resolve, type Template } from '../../../tools/deploy/template.js';
import { packagedTemplate } from './packaged.js';

let template: Template;
const place: Place = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

beforeAll(() => {
  template = packagedTemplate();
}, 120_000);

const ofType = (type: string) => Object.values(template.Resources).filter((r) => r.Type === type);

describe('observability in the packaged template', () => {
  it('has a dashboard that plots every metric the functions record, searched per cluster', () => {
    // Act
    const [dashboard] = ofType('AWS::CloudWatch::Dashboard');
    const body = JSON.parse(resolve(template, dashboard?.Properties?.DashboardBody, place) as string) as { widgets: { properties: { metrics: unknown[][] } }[] };
    const expressions = body.widgets.flatMap((w) => w.properties.metrics.flat()).map((m) => (m as { expression?: string }).expression ?? '');
    // Assess
    for (const name of Object.values(METRIC)) {
      expect(expressions, name).toContainEqual(expect.stringContaining(`{redblack,cluster,service} MetricName="${name}"`));
    }
    expect(JSON.stringify(body)).toContain('arn:aws:states:us-east-1:123456789012:stateMachine:redblack-dev-deploy');
  });

  it('mails outcomes and approval requests as text, from the summary and deployment every detail has', () => {
    // Act
    const rule = ofType('AWS::Events::Rule').find((r) => (r.Properties?.EventPattern as { 'detail-type'?: string[] })?.['detail-type']?.includes('Deployment Succeeded'));
    const target = (rule?.Properties?.Targets as { InputTransformer?: { InputPathsMap: Record<string, string>; InputTemplate: string } }[])[0];
    const pattern = rule?.Properties?.EventPattern as { 'detail-type': string[] };
    // Assess
    expect(pattern['detail-type'].sort()).toEqual(['Deployment Approval Requested', 'Deployment Failed', 'Deployment Rolled Back', 'Deployment Succeeded']);
    for (const t of pattern['detail-type']) expect(NOTIFICATION_TYPES).toContain(t);
    expect(target?.InputTransformer?.InputPathsMap).toEqual({ type: '$.detail-type', summary: '$.detail.summary', deployment: '$.detail.deployment' });
    // A JSON string: SNS mails it as plain text.
    expect(JSON.parse(target?.InputTransformer?.InputTemplate.replace(/<(\w+)>/g, 'x') as string)).toBe('redblack x: x (deployment x)');
  });

  it('logs the state machine at level ERROR: failures visible, no cost per transition', () => {
    // Act
    const [machine] = ofType('AWS::StepFunctions::StateMachine');
    // Assess
    expect((machine?.Properties?.LoggingConfiguration as { Level: string }).Level).toBe('ERROR');
  });
});
