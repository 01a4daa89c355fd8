import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { beforeEach, describe, expect, it } from 'vitest';
import { cloudPerTest } from './common.js';
import { createMachine, PIPELINE, ROLE, runToEnd, sfn, start } from './sfn-helpers.js';

const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
const WAIT = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, End: true } } });

describe('Step Functions API', () => {
  const cloud = cloudPerTest({ seed: 5 });
  beforeEach(async () => {
    cloud.lambda.register('plan', async (e) => ({ ready: true, ...e }));
    cloud.lambda.register('finish', async (e) => e);
  });

  describe('state machines', () => {
    it('creates, describes, lists and deletes a machine', async () => {
      // Act
      const created = await sfn().send(new CreateStateMachineCommand({ name: 'one', definition: PASS, roleArn: ROLE }));
      const described = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      const listed = await sfn().send(new ListStateMachinesCommand({}));
      await sfn().send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      // Assess
      expect(created.stateMachineArn).toBe('arn:aws:states:us-east-1:123456789012:stateMachine:one');
      expect(created.creationDate?.getTime()).toBe(cloud.clock.now());
      expect(described).toMatchObject({ name: 'one', status: 'ACTIVE', type: 'STANDARD', definition: PASS, roleArn: ROLE });
      expect(listed.stateMachines?.map((m) => m.name)).toEqual(['one']);
      await expect(sfn().send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      // Deleting again (or an unknown machine) is not an error.
      await expect(sfn().send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }))).resolves.toBeDefined();
    });

    it('is idempotent for the same definition and refuses a different one under the same name', async () => {
      // Prepare
      const first = await sfn().send(new CreateStateMachineCommand({ name: 'm', definition: PASS, roleArn: ROLE }));
      await cloud.clock.advance(5_000);
      // Act
      const again = await sfn().send(new CreateStateMachineCommand({ name: 'm', definition: PASS, roleArn: ROLE }));
      const other = sfn().send(new CreateStateMachineCommand({ name: 'm', definition: WAIT, roleArn: ROLE }));
      // Assess
      expect(again).toMatchObject({ stateMachineArn: first.stateMachineArn, creationDate: first.creationDate });
      await expect(other).rejects.toMatchObject({ name: 'StateMachineAlreadyExists', $metadata: { httpStatusCode: 400 } });
    });

    it('validates definitions, names and the role with the AWS error codes', async () => {
      const create = (name: string, definition: string, roleArn = ROLE) => sfn().send(new CreateStateMachineCommand({ name, definition, roleArn }));
      await expect(create('bad', '{"StartAt": "X", "States": {}}')).rejects.toMatchObject({ name: 'InvalidDefinition' });
      await expect(create('bad', 'not json')).rejects.toMatchObject({ name: 'InvalidDefinition', message: expect.stringContaining('INVALID_JSON') });
      const fnGetAtt = JSON.stringify(PIPELINE); // unresolved Fn::GetAtt is no ASL
      await expect(create('bad', fnGetAtt)).rejects.toMatchObject({ name: 'InvalidDefinition' });
      await expect(create('has space', PASS)).rejects.toMatchObject({ name: 'InvalidName' });
      await expect(create('x'.repeat(81), PASS)).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(create('ok', PASS, 'arn:aws:iam::123:user/x')).rejects.toMatchObject({ name: 'InvalidArn' });
      await expect(sfn().send(new DescribeStateMachineCommand({ stateMachineArn: 'nope' }))).rejects.toMatchObject({ name: 'InvalidArn' });
    });

    it('deletes a machine with a running execution once it reaches its next state', async () => {
      // Prepare
      const arn = (await sfn().send(new CreateStateMachineCommand({ name: 'slow', definition: JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 60, Next: 'P' }, P: { Type: 'Pass', End: true } } }), roleArn: ROLE }))).stateMachineArn as string;
      const exec = await start(arn, {});
      await cloud.clock.advance(10_000);
      // Act
      await sfn().send(new DeleteStateMachineCommand({ stateMachineArn: arn }));
      // Assess
      const deleting = await sfn().send(new DescribeStateMachineCommand({ stateMachineArn: arn }));
      expect(deleting.status).toBe('DELETING');
      await expect(sfn().send(new StartExecutionCommand({ stateMachineArn: arn }))).rejects.toMatchObject({ name: 'StateMachineDeleting' });
      const summary = await runToEnd(cloud, exec);
      expect(summary.status).toBe('ABORTED');
      await expect(sfn().send(new DescribeStateMachineCommand({ stateMachineArn: arn }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
    });
  });

  describe('StartExecution', () => {
    let machine: string;
    beforeEach(async () => {
      machine = await createMachine(cloud, 'pipeline', PIPELINE);
    });

    it('enforces the execution name rules and the input rules', async () => {
      const send = (name: string | undefined, input?: string) => sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name, input }));
      for (const bad of ['a b', 'a:b', 'a/b', 'x$', 'tab\there', 'ctl\u0001', 'q?', 'br[1]']) {
        await expect(send(bad), bad).rejects.toMatchObject({ name: 'InvalidName' });
      }
      await expect(send('x'.repeat(81))).rejects.toMatchObject({ name: 'ValidationException' });
      await expect(send('ok-name', '{not json')).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
      await expect(send('ok-name', JSON.stringify({ blob: 'x'.repeat(262_144) }))).rejects.toMatchObject({ name: 'InvalidExecutionInput' });
      await expect(sfn().send(new StartExecutionCommand({ stateMachineArn: `${machine}x` }))).rejects.toMatchObject({ name: 'StateMachineDoesNotExist' });
      await expect(sfn().send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:activity:a' }))).rejects.toMatchObject({ name: 'InvalidArn' });
      // Nothing was started by the refused calls.
      expect(cloud.sfn.executions()).toHaveLength(0);
      const ok = await send('x'.repeat(80));
      expect(ok.executionArn).toContain(':pipeline:');
    });

    it('defaults the name to a UUID and the input to {}', async () => {
      // Act
      const out = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine }));
      // Assess
      const d = await sfn().send(new DescribeExecutionCommand({ executionArn: out.executionArn }));
      expect(d.name).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(d.input).toBe('{}');
    });

    it('returns the running execution for the same name and input, and refuses anything else', async () => {
      // Prepare
      const first = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: 'dep-1', input: '{"ready":false,"waitSeconds":60}' }));
      await cloud.clock.advance(1_000);
      // Act
      const same = await sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: 'dep-1', input: '{"ready":false,"waitSeconds":60}' }));
      const different = sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: 'dep-1', input: '{"ready":false,"waitSeconds":61}' }));
      // Assess
      expect(same).toMatchObject({ executionArn: first.executionArn, startDate: first.startDate });
      await expect(different).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      await runToEnd(cloud, first.executionArn as string);
      // Closed: even the same input is refused (names are unique for 90 days).
      await expect(sfn().send(new StartExecutionCommand({ stateMachineArn: machine, name: 'dep-1', input: '{"ready":false,"waitSeconds":60}' }))).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
      expect(cloud.sfn.executions()).toHaveLength(1);
    });

    it('is what the internal startExecution of EventBridge targets calls', async () => {
      // Act
      const out = cloud.sfn.startExecution({ stateMachineArn: machine, name: 'from-rule', input: '{"ready":true}' });
      const summary = await runToEnd(cloud, out.executionArn);
      // Assess
      expect(summary.status).toBe('SUCCEEDED');
      expect(() => cloud.sfn.startExecution({ stateMachineArn: machine, name: 'bad name' })).toThrow(/Invalid Name/);
    });
  });

  describe('listing and history', () => {
    let machine: string;
    beforeEach(async () => {
      machine = await createMachine(cloud, 'pipeline', PIPELINE);
    });

    it('lists executions most recent first, filtered by status, page by page', async () => {
      // Prepare: three finished, two running.
      const done: string[] = [];
      for (const i of [1, 2, 3]) {
        done.push(await start(machine, { ready: true }, `done-${i}`));
        await runToEnd(cloud, done.at(-1) as string);
      }
      const slow = { ready: false, waitSeconds: 60 };
      await start(machine, slow, 'run-1');
      await cloud.clock.advance(1_000);
      await start(machine, slow, 'run-2');
      // Act
      const running = await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, statusFilter: 'RUNNING' }));
      const page1 = await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 2 }));
      const page2 = await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 2, nextToken: page1.nextToken }));
      const page3 = await sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 2, nextToken: page2.nextToken }));
      // Assess
      expect(running.executions?.map((e) => e.name)).toEqual(['run-2', 'run-1']);
      expect([page1, page2, page3].flatMap((p) => p.executions?.map((e) => e.name))).toEqual(['run-2', 'run-1', 'done-3', 'done-2', 'done-1']);
      expect(page3.nextToken).toBeUndefined();
      expect(page2.executions?.[0]?.stopDate).toBeInstanceOf(Date);
      await expect(sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, nextToken: 'garbage' }))).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(sfn().send(new ListExecutionsCommand({ stateMachineArn: machine, maxResults: 1001 }))).rejects.toMatchObject({ name: 'ValidationException' });
      expect(cloud.sfn.runningCount()).toBe(2);
    });

    it('pages the history forwards and backwards and can leave out execution data', async () => {
      // Prepare
      const arn = await start(machine, { ready: false, waitSeconds: 30 }, 'h-1');
      await runToEnd(cloud, arn);
      const full = (await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [];
      // Act
      const pages: number[][] = [];
      let token: string | undefined;
      do {
        const page = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 5, reverseOrder: true, nextToken: token }));
        pages.push(page.events?.map((e) => e.id as number) ?? []);
        token = page.nextToken;
      } while (token);
      const lean = await sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, maxResults: 1, includeExecutionData: false }));
      // Assess
      expect(full).toHaveLength(16);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 1]);
      expect(pages.flat()).toEqual(full.map((e) => e.id).reverse());
      expect(full[1]?.previousEventId).toBe(1);
      expect(full[0]?.executionStartedEventDetails).toMatchObject({ input: '{"ready":false,"waitSeconds":30}', roleArn: ROLE });
      expect(lean.events?.[0]?.executionStartedEventDetails).toEqual({ roleArn: ROLE });
      await expect(sfn().send(new GetExecutionHistoryCommand({ executionArn: arn, nextToken: pages.length ? 'x' : '' }))).rejects.toMatchObject({ name: 'InvalidToken' });
      await expect(sfn().send(new DescribeExecutionCommand({ executionArn: `${arn}-missing` }))).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
      await expect(sfn().send(new DescribeExecutionCommand({ executionArn: machine }))).rejects.toMatchObject({ name: 'InvalidArn' });
    });
  });
});
