/**
 * Handler tests: the real `functions/*` handler called directly (middy, Powertools and all) on the
 * demo world with the stack deployed; a bad input must end in a typed error naming the field and
 * with no successful mutating AWS call in the call log.
 */
import type { Context } from 'aws-lambda';
import { expect } from 'vitest';
import { runAsCaller } from '../../sim/caller.js';
import { DemoSession } from '../../local/demo.js';
import { plan } from '../../src/steps/plan.js';
import { validate } from '../../src/steps/validate.js';
import type { DeploymentState } from '../../src/steps/shared/state.js';
import { registerImage } from '../pipeline/helpers.js';
import { perTest } from '../fixture.js';

export type Handler = (event: any, context: Context) => Promise<unknown>;

export function lambdaContext(key: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: `redblack-local-${key}`,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:redblack-local-${key}`,
    memoryLimitInMB: '256',
    awsRequestId: 'test-request',
    logGroupName: `/aws/lambda/redblack-local-${key}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface Failure {
  error: Error & { field?: string };
  /** `service:Operation` of every successful mutating call the handler made. */
  mutations: string[];
}

/** Runs the handler as the function `key` (so the call log names it) and returns how it failed. */
export async function fail(s: DemoSession, key: string, handler: Handler, event: unknown): Promise<Failure> {
  const mark = s.cloud.log.mark();
  const error = await runAsCaller(key, () => handler(structuredClone(event), lambdaContext(key))).then(
    (out) => {
      throw new Error(`expected ${key} to fail, it returned ${JSON.stringify(out)}`);
    },
    (e: unknown) => e as Failure['error'],
  );
  const mutations = s.cloud.log
    .mutationsSince(mark)
    .filter(changesResources)
    .map((c) => `${c.service}:${c.operation}`);
  return { error, mutations };
}

/**
 * A notification (EventBridge PutEvents: a refusal is announced as "Deployment Failed") changes no
 * resource: a refused input leaves the cluster as it was, which is what the refusal checks assert.
 */
export const changesResources = (c: { service: string; operation: string }): boolean => !(c.service === 'events' && c.operation === 'PutEvents');

/** The typed error (name from src/domain/errors.ts), its field if it has one, and nothing changed. */
export function expectRefused(f: Failure, name: string, field?: string): void {
  expect(f.mutations).toEqual([]);
  expect(f.error.name).toBe(name);
  if (field !== undefined) {
    expect(f.error.field).toBe(field);
    expect(f.error.message).toContain(field === '' ? '(root)' : field);
  }
}

export function openWorld(scenario = 'happy'): Promise<DemoSession> {
  return DemoSession.create(scenario, 1);
}

/** The demo world, fresh for each test of the file (or describe) and disposed after it. */
export const worldPerTest = (): DemoSession => perTest(() => openWorld());

/** A real planned state (Validate and Plan run on the world, prebaked image): what the later steps receive. */
export async function plannedState(s: DemoSession, deployment = 'web-prod-test-0000000000000000'): Promise<DeploymentState> {
  const imageId = await registerImage(s, '1.1.0');
  return (await plan(await validate({ input: { cluster: s.world.cluster, release: '1.1.0', imageId }, deployment }))) as DeploymentState;
}

/** A copy of `state` without the field at the dotted path. */
export function without<T>(state: T, path: string): T {
  const copy = structuredClone(state) as Record<string, any>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((o, k) => o?.[k], copy);
  if (parent) delete parent[last];
  return copy as T;
}

/** `state` with what LaunchGroup would have added (a plausible `launched`), for the later steps. */
export function withLaunched(state: DeploymentState): DeploymentState {
  return {
    ...state,
    image: { status: 'done', imageId: state.imageId as string, waitSeconds: 0 },
    launched: {
      serverGroup: state.next.serverGroup,
      targetGroupArn: `${state.live?.targetGroupArn.split(':targetgroup/')[0]}:targetgroup/${state.next.targetGroupName}/0123456789abcdef`,
      launchTemplate: { id: state.live?.launchTemplate.id as string, version: 2 },
      desired: 4,
      required: 4,
      healthCheck: { intervalSeconds: 10, healthyThreshold: 3 },
      staged: state.swap.before,
      deadline: Date.now() + 600_000,
      waitSeconds: 30,
    },
  };
}
