import { describe, expect, it } from 'vitest';
import { checkTaskCoverage, functionKeyOfGetAtt, resolveDefinition, taskKind, taskStates } from '../../sim/asl.js';
import { CALLBACK, PIPELINE } from './sfn-helpers.js';

const arnOf = (key: string) => `arn:aws:lambda:us-east-1:123456789012:function:redblack-local-${key}`;

describe('ASL helpers', () => {
  it('resolves serverless-step-functions Fn::GetAtt references everywhere', () => {
    // Act
    const resolved = resolveDefinition(PIPELINE, arnOf) as any;
    const callback = resolveDefinition(CALLBACK, arnOf) as any;
    // Assess
    expect(resolved.States.Plan.Resource).toBe(arnOf('plan'));
    expect(resolved.States.Finish.Resource).toBe(arnOf('finish'));
    expect(resolved.States.Plan.Retry).toEqual(PIPELINE.States.Plan.Retry);
    expect(callback.States.Approve.Parameters.FunctionName).toBe(arnOf('notify'));
    // The input is left untouched.
    expect(PIPELINE.States.Plan.Resource).toEqual({ 'Fn::GetAtt': ['PlanLambdaFunction', 'Arn'] });
  });

  it('accepts JSON text and the dotted Fn::GetAtt form, and leaves other references alone', () => {
    // Prepare
    const text = JSON.stringify({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: { 'Fn::GetAtt': 'LaunchGroupLambdaFunction.Arn' }, Next: 'B' },
        B: { Type: 'Task', Resource: { 'Fn::GetAtt': ['SomeQueue', 'Arn'] }, End: true },
      },
    });
    // Act
    const out = JSON.parse(resolveDefinition(text, arnOf));
    // Assess
    expect(out.States.A.Resource).toBe(arnOf('launchGroup'));
    expect(out.States.B.Resource).toEqual({ 'Fn::GetAtt': ['SomeQueue', 'Arn'] });
    expect(functionKeyOfGetAtt({ 'Fn::GetAtt': ['SwapTargetGroupLambdaFunction', 'Arn'] })).toBe('swapTargetGroup');
    expect(functionKeyOfGetAtt({ 'Fn::GetAtt': ['SwapTargetGroupLambdaFunction', 'Name'] })).toBeUndefined();
  });

  it('lists the Task states that have no handler, nested ones included', () => {
    // Prepare
    const def = resolveDefinition(
      {
        StartAt: 'A',
        States: {
          A: { Type: 'Task', Resource: { 'Fn::GetAtt': ['PlanLambdaFunction', 'Arn'] }, Next: 'P' },
          P: {
            Type: 'Parallel',
            Branches: [{ StartAt: 'B', States: { B: { Type: 'Task', Resource: { 'Fn::GetAtt': ['GoneLambdaFunction', 'Arn'] }, End: true } } }],
            Next: 'C',
          },
          C: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Next: 'D' },
          D: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.fn' }, End: true },
        },
      },
      arnOf,
    );
    // Act
    const missing = checkTaskCoverage(def, (fn) => fn === arnOf('plan'));
    // Assess
    expect(taskStates(def).map((t) => t.state)).toEqual(['A', 'B', 'C', 'D']);
    expect(missing.map((m) => m.state)).toEqual(['B', 'C']);
    expect(missing[0]?.reason).toContain(arnOf('gone'));
    expect(taskKind('arn:aws:states:::lambda:invoke.waitForTaskToken')).toBe('invoke.waitForTaskToken');
    expect(taskKind(arnOf('plan'))).toBe('lambda');
  });
});
