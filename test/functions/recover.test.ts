/**
 * recover: an event that is not a stopped execution of ours → typed error or nothing done; a
 * deployment whose lock has passed to another → nothing touched; one already ended → left alone.
 */
import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { handler } from '../../functions/recover.js';
import { client } from '../../src/aws/clients.js';
import { getDeployment } from '../../src/aws/store.js';
import { IN_FLIGHT_SECONDS } from '../../src/steps/recover.js';
import { runAsCaller } from '../../sim/caller.js';
import { sample } from '../pipeline/helpers.js';
import { expectRefused, fail, lambdaContext, plannedState, worldPerTest } from './helpers.js';

const s = worldPerTest();

/** The sample event for `deployment`, stopped long enough ago that recover does not wait. */
function stopped(deployment: string, patch: Record<string, unknown> = {}) {
  const event = sample('execution-aborted.json');
  Object.assign(event.detail, { name: deployment, stopDate: Date.now() - IN_FLIGHT_SECONDS * 1000, ...patch });
  return event;
}

async function run(event: unknown) {
  const mark = s.cloud.log.mark();
  const out = await runAsCaller('recover', () => handler(event, lambdaContext('recover')));
  return { out, mutations: s.cloud.log.mutationsSince(mark).map((c) => `${c.service}:${c.operation}`) };
}

describe('recover refuses', () => {
  it.each([
    ['another detail-type', { ...sample('execution-aborted.json'), 'detail-type': 'Object Created' }, 'detail-type'],
    ['no execution name', stopped('', {}), 'detail.name'],
    ['an input naming no cluster', stopped('d-1', { input: '{"release":"1"}' }), 'detail.input.cluster'],
    ['an input that is not JSON', stopped('d-1', { input: '{' }), 'detail.input'],
  ])('%s → InvalidInput', async (_what, event, field) => {
    // Act
    const f = await fail(s, 'recover', handler, event);
    // Assess
    expectRefused(f, 'InvalidInput', field);
  });
});

describe('recover leaves alone', () => {
  it('a status that needs no recovery (SUCCEEDED): no AWS call at all', async () => {
    // Prepare
    const mark = s.cloud.log.mark();
    // Act
    const { out } = await run(stopped('d-ok', { status: 'SUCCEEDED' }));
    // Assess
    expect(out).toMatchObject({ outcome: 'ignored' });
    expect(s.cloud.log.calls.slice(mark)).toEqual([]);
  });

  it('an execution that recorded nothing (refused before Plan took the lock): nothing to undo', async () => {
    // Act
    const { out, mutations } = await run(stopped('never-planned'));
    // Assess
    expect(out).toMatchObject({ outcome: 'already-ended', reason: 'no deployment recorded: nothing was changed' });
    expect(mutations).toEqual([]);
  });

  it('a deployment whose lock another deployment holds now (its lease ran out): nothing touched', async () => {
    // Prepare: planned (record RUNNING, lock taken), then the lock passed on.
    const state = await plannedState(s, 'dead-1');
    const table = s.stack.table;
    const lockKey = { pk: 'cluster#web-prod', sk: 'lock' };
    await client(DynamoDBClient).send(new DeleteItemCommand({ TableName: table, Key: marshall(lockKey) }));
    const now = Math.floor(Date.now() / 1000);
    await client(DynamoDBClient).send(new PutItemCommand({ TableName: table, Item: marshall({ ...lockKey, deployment: 'newer-1', acquiredAt: now, expiresAt: now + 3600 }) }));
    // Act
    const { out, mutations } = await run(stopped(state.deployment));
    // Assess
    expect(out).toMatchObject({ outcome: 'superseded', reason: "the cluster's lock is held by newer-1" });
    expect(mutations).toEqual([]);
    expect(await getDeployment('web-prod', 'dead-1')).toMatchObject({ status: 'RUNNING' });
  });

  it('delivered twice: the second finds the deployment ended and changes nothing', async () => {
    // Prepare
    const state = await plannedState(s, 'dead-2');
    const first = await run(stopped(state.deployment));
    expect(first.out).toMatchObject({ outcome: 'rolled-back' });
    // Act
    const second = await run(stopped(state.deployment));
    // Assess
    expect(second.out).toMatchObject({ outcome: 'already-ended', reason: 'already ROLLED_BACK' });
    expect(second.mutations).toEqual([]);
  });
});
