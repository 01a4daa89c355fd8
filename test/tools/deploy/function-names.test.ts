/**
 * One step, one name in three casings, read from the files: every `functions/x-y.ts` has the
 * serverless key `xY`, the step `src/steps/x-y.ts` exporting `xY`, its local registration, and any
 * Task state invoking it is named `XY`. Each check is also shown failing on a broken copy.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../../local/functions.js';
import { camel, checkNames, type Layout, pascal, readLayout, tasksOf } from '../../../tools/deploy/check-names.js';

const layout = readLayout(Object.keys(FUNCTIONS));
const broken = (change: (l: Layout) => void): string[] => {
  const copy = structuredClone(layout);
  change(copy);
  return checkNames(copy);
};

describe('function names', () => {
  it('converts between the casings', () => {
    expect(camel('swap-target-group')).toBe('swapTargetGroup');
    expect(camel('plan')).toBe('plan');
    expect(pascal('swapTargetGroup')).toBe('SwapTargetGroup');
  });

  it('finds the functions in every place they are named', () => {
    // Assess: the checks below compare something, not empty lists
    expect(Object.keys(layout.handlers).length).toBeGreaterThanOrEqual(12);
    expect(Object.keys(layout.handlers).sort()).toEqual(Object.keys(layout.steps).sort());
    expect(tasksOf(layout.definition).map((t) => t.state)).toEqual(expect.arrayContaining(['Plan', 'LaunchGroup', 'Rollback', 'ManualRollback']));
    expect(tasksOf(layout.definition).find((t) => t.state === 'LaunchGroup')?.keys).toEqual(['launchGroup']);
  });

  it('has one name in three casings for every function', () => {
    expect(checkNames(layout)).toEqual([]);
  });

  it('reports a function missing from serverless.yml, src/steps or the local runner', () => {
    expect(
      broken((l) => {
        delete l.serverless.healthGate;
        delete l.steps['check-bake'];
        l.registered = l.registered.filter((k) => k !== 'finalize');
      }),
    ).toEqual(['serverless.yml functions lacks healthGate', 'src/steps/*.ts lacks checkBake', 'local/functions.ts lacks finalize']);
  });

  it('reports a step file or a key that has no handler', () => {
    expect(
      broken((l) => {
        l.steps['launch-groups'] = 'export async function launchGroups() {}';
        l.serverless.launch_group = 'functions/launch-group.ts';
      }),
    ).toEqual([
      'serverless.yml functions has launch_group, which has no functions/*.ts handler',
      'src/steps/*.ts has launchGroups, which has no functions/*.ts handler',
    ]);
  });

  it('reports a handler in another file, a handler not using its step, a step exporting another name', () => {
    expect(
      broken((l) => {
        l.serverless.plan = 'functions/planner.ts';
        l.handlers.teardown = (l.handlers.teardown as string).replace('src/steps/teardown.js', 'src/steps/rollback.js');
        l.steps.trigger = (l.steps.trigger as string).replace('function trigger(', 'function triggerDeployment(');
      }),
    ).toEqual([
      'serverless.yml plan: handler in functions/planner.ts, not functions/plan.ts',
      'functions/teardown.ts does not import its step from src/steps/teardown.ts',
      'src/steps/trigger.ts does not export the function trigger',
    ]);
  });

  it('reports a Task state named otherwise than its function, or invoking an unknown one', () => {
    expect(
      broken((l) => {
        const states = (l.definition as { States: Record<string, any> }).States;
        states.Gate = states.HealthGate;
        delete states.HealthGate;
        states.Finalize.Resource = { 'Fn::GetAtt': ['FinaliseLambdaFunction', 'Arn'] };
      }),
    ).toEqual(['ASL state Finalize invokes finalise, which has no functions/*.ts handler', 'ASL state Gate invokes healthGate: name it HealthGate']);
  });
});
