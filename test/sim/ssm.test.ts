import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  ParameterVersionNotFound,
  PutParameterCommand,
  SSMClient,
  paginateGetParametersByPath,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { client } from '../../src/aws/clients.js';
import { failure, cloudPerTest } from './common.js';

const ssm = () => client(SSMClient);
const CONFIG = '/redblack/clusters/web-prod';

describe('SSM Parameter Store', () => {
  const cloud = cloudPerTest({ seed: 2 });

  it('puts and gets a parameter, refusing to overwrite without Overwrite', async () => {
    // Act
    const put = await ssm().send(new PutParameterCommand({ Name: CONFIG, Type: 'String', Value: '{"listenerArn":"arn:x"}' }));
    const got = await ssm().send(new GetParameterCommand({ Name: CONFIG }));
    const again = await failure(ssm().send(new PutParameterCommand({ Name: CONFIG, Type: 'String', Value: 'other' })));
    // Assess
    expect(put).toMatchObject({ Version: 1, Tier: 'Standard' });
    expect(got.Parameter).toMatchObject({
      Name: CONFIG,
      Type: 'String',
      Value: '{"listenerArn":"arn:x"}',
      Version: 1,
      ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${CONFIG}`,
      DataType: 'text',
    });
    expect(got.Parameter?.LastModifiedDate).toBeInstanceOf(Date);
    expect(again).toBeInstanceOf(ParameterAlreadyExists);
    expect(again.message).toMatch(/set the overwrite option in the request to true/);
  });

  it('increments versions on overwrite and resolves name:version selectors', async () => {
    // Prepare
    await ssm().send(new PutParameterCommand({ Name: CONFIG, Type: 'String', Value: 'v1' }));
    await cloud.clock.advance(1000);
    // Act
    const second = await ssm().send(new PutParameterCommand({ Name: CONFIG, Value: 'v2', Overwrite: true }));
    const latest = await ssm().send(new GetParameterCommand({ Name: CONFIG }));
    const first = await ssm().send(new GetParameterCommand({ Name: `${CONFIG}:1` }));
    const byArn = await ssm().send(new GetParameterCommand({ Name: `arn:aws:ssm:us-east-1:123456789012:parameter${CONFIG}:2` }));
    const missingVersion = await failure(ssm().send(new GetParameterCommand({ Name: `${CONFIG}:7` })));
    const history = await ssm().send(new GetParameterHistoryCommand({ Name: CONFIG }));
    const typeChange = await ssm().send(new PutParameterCommand({ Name: CONFIG, Type: 'SecureString', Value: 'v3', Overwrite: true }));
    const keepsType = await ssm().send(new PutParameterCommand({ Name: CONFIG, Value: 'v4', Overwrite: true }));
    const v4 = await ssm().send(new GetParameterCommand({ Name: CONFIG, WithDecryption: true }));
    // Assess
    expect(second.Version).toBe(2);
    expect(latest.Parameter).toMatchObject({ Value: 'v2', Version: 2 });
    expect(first.Parameter).toMatchObject({ Name: CONFIG, Value: 'v1', Version: 1, Selector: ':1' });
    expect(byArn.Parameter).toMatchObject({ Value: 'v2', Selector: ':2' });
    expect(missingVersion).toBeInstanceOf(ParameterVersionNotFound);
    expect(history.Parameters?.map((p) => [p.Version, p.Value])).toEqual([
      [1, 'v1'],
      [2, 'v2'],
    ]);
    expect(typeChange.Version).toBe(3);
    expect(keepsType.Version).toBe(4);
    expect(v4.Parameter).toMatchObject({ Type: 'SecureString', Value: 'v4' });
  });

  it('hides SecureString values unless WithDecryption', async () => {
    // Prepare
    await ssm().send(new PutParameterCommand({ Name: '/redblack/secret', Type: 'SecureString', Value: 'hunter2' }));
    // Act
    const hidden = await ssm().send(new GetParameterCommand({ Name: '/redblack/secret' }));
    const shown = await ssm().send(new GetParameterCommand({ Name: '/redblack/secret', WithDecryption: true }));
    const meta = await ssm().send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/redblack/secret'] }] }));
    // Assess
    expect(hidden.Parameter?.Value).not.toBe('hunter2');
    expect(hidden.Parameter?.Value).toMatch(/^AQICAH/);
    expect(shown.Parameter?.Value).toBe('hunter2');
    expect(meta.Parameters?.[0]).toMatchObject({ Name: '/redblack/secret', Type: 'SecureString', KeyId: 'alias/aws/ssm', Version: 1, Tier: 'Standard' });
  });

  it('reports missing parameters: ParameterNotFound, and InvalidParameters in GetParameters', async () => {
    // Prepare
    await ssm().send(new PutParameterCommand({ Name: '/a/x', Type: 'String', Value: '1' }));
    // Act
    const missing = await failure(ssm().send(new GetParameterCommand({ Name: '/a/nope' })));
    const several = await ssm().send(new GetParametersCommand({ Names: ['/a/x', '/a/nope', '/a/x:9'] }));
    const tooMany = await failure(ssm().send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `/n${i}`) })));
    const deleteMissing = await failure(ssm().send(new DeleteParameterCommand({ Name: '/a/nope' })));
    await ssm().send(new DeleteParameterCommand({ Name: '/a/x' }));
    const afterDelete = await failure(ssm().send(new GetParameterCommand({ Name: '/a/x' })));
    const batch = await ssm().send(new DeleteParametersCommand({ Names: ['/a/x', '/b'] }));
    // Assess
    expect(missing).toBeInstanceOf(ParameterNotFound);
    expect(missing.$metadata.httpStatusCode).toBe(400);
    expect(several.Parameters?.map((p) => p.Name)).toEqual(['/a/x']);
    expect(several.InvalidParameters).toEqual(['/a/nope', '/a/x:9']);
    expect(tooMany.name).toBe('ValidationException');
    expect(deleteMissing).toBeInstanceOf(ParameterNotFound);
    expect(afterDelete).toBeInstanceOf(ParameterNotFound);
    expect(batch).toMatchObject({ DeletedParameters: [], InvalidParameters: ['/a/x', '/b'] });
  });

  it('lists by path one level or recursively, ten per page at most', async () => {
    // Prepare
    for (let i = 0; i < 23; i++) await ssm().send(new PutParameterCommand({ Name: `/redblack/clusters/c${String(i).padStart(2, '0')}`, Type: 'String', Value: `${i}` }));
    await ssm().send(new PutParameterCommand({ Name: '/redblack/clusters/deep/one', Type: 'String', Value: 'x' }));
    await ssm().send(new PutParameterCommand({ Name: '/redblack/other', Type: 'StringList', Value: 'a,b' }));
    // Act
    const page1 = await ssm().send(new GetParametersByPathCommand({ Path: '/redblack/clusters' }));
    const page2 = await ssm().send(new GetParametersByPathCommand({ Path: '/redblack/clusters', NextToken: page1.NextToken }));
    const oneLevel: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm() }, { Path: '/redblack/clusters/' })) oneLevel.push(...(page.Parameters ?? []).map((p) => p.Name as string));
    const recursive: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm(), pageSize: 7 }, { Path: '/redblack', Recursive: true })) recursive.push(...(page.Parameters ?? []).map((p) => p.Name as string));
    const lists = await ssm().send(new GetParametersByPathCommand({ Path: '/redblack', ParameterFilters: [{ Key: 'Type', Values: ['StringList'] }] }));
    const tooBig = await failure(ssm().send(new GetParametersByPathCommand({ Path: '/redblack', MaxResults: 11 })));
    const badToken = await failure(ssm().send(new GetParametersByPathCommand({ Path: '/redblack', NextToken: page1.NextToken })));
    const badPath = await failure(ssm().send(new GetParametersByPathCommand({ Path: 'redblack' })));
    // Assess
    expect(page1.Parameters).toHaveLength(10);
    expect(page1.NextToken).toBeDefined();
    expect(page2.Parameters?.[0]?.Name).toBe('/redblack/clusters/c10');
    expect(oneLevel).toHaveLength(23);
    expect(oneLevel).not.toContain('/redblack/clusters/deep/one');
    expect(recursive).toHaveLength(25);
    expect(lists.Parameters?.map((p) => p.Name)).toEqual(['/redblack/other']);
    expect(tooBig.message).toBe("1 validation error detected: Value '11' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 10");
    expect(badToken.name).toBe('InvalidNextToken');
    expect(badPath.name).toBe('ValidationException');
  });

  it('enforces name rules and the hierarchy depth', async () => {
    // Prepare
    const put = (Name: string) => failure(ssm().send(new PutParameterCommand({ Name, Type: 'String', Value: 'x' })));
    // Act
    const awsPrefix = await put('awsThing');
    const ssmPath = await put('/ssm/thing');
    const reserved = await put('/aws/service/x');
    const space = await put('/has space/x');
    const noSlash = await put('a/b');
    const deep = await put(`/${Array.from({ length: 16 }, (_, i) => `l${i}`).join('/')}`);
    const noType = await failure(ssm().send(new PutParameterCommand({ Name: '/fresh', Value: 'x' })));
    const emptyValue = await failure(ssm().send(new PutParameterCommand({ Name: '/fresh', Type: 'String', Value: '' })));
    const fifteen = await ssm().send(new PutParameterCommand({ Name: `/${Array.from({ length: 15 }, (_, i) => `l${i}`).join('/')}`, Type: 'String', Value: 'ok' }));
    // Assess
    expect(awsPrefix.message).toBe('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
    expect(ssmPath.message).toMatch(/^Parameter name: can't be prefixed with "ssm" \(case-insensitive\)\. If formed as a path/);
    expect(reserved.name).toBe('AccessDeniedException');
    expect(space.name).toBe('ValidationException');
    expect(noSlash.name).toBe('ValidationException');
    expect(deep.name).toBe('HierarchyLevelLimitExceededException');
    expect(noType.message).toBe('A parameter type is required when you create a parameter.');
    expect(emptyValue.name).toBe('ValidationException');
    expect(fifteen.Version).toBe(1);
  });

  it('limits Standard values to 4 KB and Advanced to 8 KB, and never downgrades a tier', async () => {
    // Act
    const standardMax = await ssm().send(new PutParameterCommand({ Name: '/v/std', Type: 'String', Value: 'x'.repeat(4096) }));
    const standardOver = await failure(ssm().send(new PutParameterCommand({ Name: '/v/big', Type: 'String', Value: 'x'.repeat(4097) })));
    const advanced = await ssm().send(new PutParameterCommand({ Name: '/v/big', Type: 'String', Value: 'x'.repeat(8192), Tier: 'Advanced' }));
    const advancedOver = await failure(ssm().send(new PutParameterCommand({ Name: '/v/big', Value: 'x'.repeat(8193), Overwrite: true })));
    const intelligent = await ssm().send(new PutParameterCommand({ Name: '/v/auto', Type: 'String', Value: 'x'.repeat(5000), Tier: 'Intelligent-Tiering' }));
    const downgrade = await failure(ssm().send(new PutParameterCommand({ Name: '/v/big', Value: 'small', Tier: 'Standard', Overwrite: true })));
    const pattern = await failure(ssm().send(new PutParameterCommand({ Name: '/v/num', Type: 'String', Value: 'abc', AllowedPattern: '^\\d+$' })));
    // Assess
    expect(standardMax.Tier).toBe('Standard');
    expect(standardOver.name).toBe('ValidationException');
    expect(standardOver.message).toMatch(/^Standard tier parameters support a maximum parameter value of 4096 characters/);
    expect(advanced.Tier).toBe('Advanced');
    expect(advancedOver.name).toBe('ValidationException');
    expect(intelligent.Tier).toBe('Advanced');
    expect(downgrade.message).toMatch(/can't downgrade a parameter from the advanced-parameter tier/);
    expect(pattern.name).toBe('ParameterPatternMismatchException');
  });

  it('keeps only the latest 100 versions', async () => {
    // Prepare
    await ssm().send(new PutParameterCommand({ Name: '/v/hot', Type: 'String', Value: '1' }));
    for (let i = 2; i <= 102; i++) await ssm().send(new PutParameterCommand({ Name: '/v/hot', Value: `${i}`, Overwrite: true }));
    // Act
    const latest = await ssm().send(new GetParameterCommand({ Name: '/v/hot' }));
    const dropped = await failure(ssm().send(new GetParameterCommand({ Name: '/v/hot:2' })));
    const kept = await ssm().send(new GetParameterCommand({ Name: '/v/hot:3' }));
    // Assess
    expect(latest.Parameter?.Version).toBe(102);
    expect(dropped).toBeInstanceOf(ParameterVersionNotFound);
    expect(kept.Parameter?.Value).toBe('3');
  });

  it('serves parameters seeded by a scenario, such as public AMI aliases', async () => {
    // Prepare
    cloud.ssm.seed('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', 'ami-0123456789abcdef0', { dataType: 'aws:ec2:image' });
    // Act
    const got = await ssm().send(new GetParameterCommand({ Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }));
    // Assess
    expect(got.Parameter).toMatchObject({ Value: 'ami-0123456789abcdef0', DataType: 'aws:ec2:image', Version: 1 });
  });
});
