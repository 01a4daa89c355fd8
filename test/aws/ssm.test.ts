/**
 * GetParameter and GetParametersByPath without the SSM client (src/aws/ssm.ts): the requests must
 * be the ones @aws-sdk/client-ssm sends, signature included, and their answers must read as the
 * client's do — over HTTP, in process, and against a real moto_server.
 */
import { GetParameterCommand, GetParametersByPathCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { client, configureClients } from '../../src/aws/clients.js';
import { AwsCallError } from '../../src/aws/signed-call.js';
import {
  getParameter,
  getParameterCall,
  type GetParameterInput,
  getParameterRequest,
  getParametersByPathCall,
  type GetParametersByPathInput,
  getParametersByPathRequest,
  parametersByPath,
  signSsmRequest,
} from '../../src/aws/ssm.js';
import { isTransient } from '../../src/lambda/middleware/transient-errors.js';
import { startMoto } from '../support/moto.js';
import { answeringServer } from '../support/answering-server.js';
import { answerInProcess } from '../support/in-process.js';
import { clientRequest, credentials, wire } from '../support/signed-requests.js';

afterEach(() => {
  configureClients({});
  vi.useRealTimers();
});

describe('GetParameter and GetParametersByPath requests, signed', () => {
  const at = new Date('2026-11-30T12:00:00Z');
  const gets: Array<{ name: string; region: string; input: GetParameterInput; endpoint?: string }> = [
    { name: 'a cluster configuration in us-east-1', region: 'us-east-1', input: { Name: '/redblack/clusters/web-prod' } },
    { name: 'a name with characters JSON escapes, decrypted', region: 'eu-west-1', input: { Name: '/a "quoted" \\ back\tslash\n ünïcode \u2028 \u0001', WithDecryption: true } },
    { name: 'a public parameter in the China partition', region: 'cn-north-1', input: { Name: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', WithDecryption: false } },
    { name: 'an endpoint (moto)', region: 'us-east-1', input: { Name: '/redblack/clusters/web-prod' }, endpoint: 'http://127.0.0.1:5000' },
  ];
  for (const c of gets) {
    it(`signs GetParameter for ${c.name} exactly as @aws-sdk/client-ssm does`, async () => {
      // Prepare: one signing time for both
      vi.useFakeTimers({ now: at, toFake: ['Date'] });
      const expected = await clientRequest(SSMClient, new GetParameterCommand(c.input), c.region, c.endpoint);

      // Act
      const ours = await signSsmRequest(getParameterRequest(c.input, c.region, c.endpoint), c.region, credentials, at);

      // Assess
      expect(wire(ours)).toEqual(wire(expected));
      expect(wire(ours).headers['x-amz-target']).toBe('AmazonSSM.GetParameter');
    });
  }

  const byPath: Array<{ name: string; region: string; input: GetParametersByPathInput; endpoint?: string }> = [
    { name: 'the first page of a path', region: 'us-east-1', input: { Path: '/redblack/clusters', Recursive: false } },
    { name: 'a later page, every member set, members given out of model order', region: 'ap-southeast-2', input: { NextToken: 'AAEAA"tok/+=', MaxResults: 10, WithDecryption: true, Recursive: true, Path: '/redblack/a b' } },
    { name: 'an endpoint (moto)', region: 'us-east-1', input: { Path: '/redblack/clusters', Recursive: false, NextToken: 't-2' }, endpoint: 'http://127.0.0.1:5000' },
  ];
  for (const c of byPath) {
    it(`signs GetParametersByPath for ${c.name} exactly as @aws-sdk/client-ssm does`, async () => {
      // Prepare
      vi.useFakeTimers({ now: at, toFake: ['Date'] });
      const expected = await clientRequest(SSMClient, new GetParametersByPathCommand(c.input), c.region, c.endpoint);

      // Act
      const ours = await signSsmRequest(getParametersByPathRequest(c.input, c.region, c.endpoint), c.region, credentials, at);

      // Assess
      expect(wire(ours)).toEqual(wire(expected));
      expect(wire(ours).headers['x-amz-target']).toBe('AmazonSSM.GetParametersByPath');
    });
  }
});

describe('SSM reads over HTTP', () => {
  const http = answeringServer({ contentType: 'application/x-amz-json-1.1' });
  afterEach(() => http.close());
  const serve = http.serve;

  const parameter = (name: string, value: string) => ({ Name: name, Type: 'String', Value: value, Version: 3, LastModifiedDate: 1.7648e9, ARN: `arn:aws:ssm:us-east-1:123456789012:parameter${name}`, DataType: 'text' });

  it('reads a parameter with a signed POST / carrying the awsJson 1.1 target', async () => {
    // Prepare
    const seen = await serve([{ status: 200, body: { Parameter: parameter('/redblack/clusters/web-prod', '{"minSize":2}') } }]);

    // Act
    const value = await getParameter('/redblack/clusters/web-prod');

    // Assess
    expect(value).toBe('{"minSize":2}');
    expect(seen.map((s) => [s.req.method, s.req.url, s.req.headers['content-type'], s.req.headers['x-amz-target'], s.body])).toEqual([
      ['POST', '/', 'application/x-amz-json-1.1', 'AmazonSSM.GetParameter', '{"Name":"/redblack/clusters/web-prod"}'],
    ]);
    expect(seen[0]?.req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/ssm\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/);
  });

  it('reads a 400 ParameterNotFound (body __type, no message, as SSM answers) as "not there": getParameter returns undefined', async () => {
    // Prepare
    const seen = await serve([{ status: 400, headers: { 'x-amzn-requestid': 'r-1' }, body: { __type: 'ParameterNotFound' } }]);

    // Act
    const error = await getParameterCall({ Name: '/redblack/clusters/web-nope' }).catch((e: unknown) => e);
    const value = await getParameter('/redblack/clusters/web-nope');

    // Assess: the client names it so too, and says "UnknownError" for the missing message
    expect(error).toBeInstanceOf(AwsCallError);
    expect(error).toMatchObject({ name: 'ParameterNotFound', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'r-1' }, message: expect.stringContaining('UnknownError') });
    expect(value).toBeUndefined();
    // Not retried: one request each.
    expect(seen).toHaveLength(2);
  });

  it('reads the code from x-amzn-errortype over the body, cut at ":" and after a namespace "#"', async () => {
    // Prepare
    await serve([{ status: 400, headers: { 'x-amzn-errortype': 'com.amazonaws.ssm#ParameterNotFound:http://internal.amazon.com/coral/' }, body: { __type: 'Other', message: 'gone' } }]);

    // Act
    const value = await getParameter('/p');

    // Assess
    expect(value).toBeUndefined();
  });

  it('retries a 400 ThrottlingException and succeeds on the next attempt', async () => {
    // Prepare
    const seen = await serve([
      { status: 400, body: { __type: 'ThrottlingException', message: 'Rate exceeded' } },
      { status: 200, body: { Parameter: parameter('/p', 'v') } },
    ]);

    // Act
    const value = await getParameter('/p');

    // Assess
    expect(value).toBe('v');
    expect(seen.map((s) => s.body)).toEqual(['{"Name":"/p"}', '{"Name":"/p"}']);
  });

  it('follows NextToken to the end, an empty page with a token included, and asks for one level only', async () => {
    // Prepare
    const seen = await serve([
      { status: 200, body: { Parameters: [parameter('/c/a', '1'), parameter('/c/b', '2')], NextToken: 't-1' } },
      { status: 200, body: { Parameters: [], NextToken: 't-2' } },
      { status: 200, body: { Parameters: [parameter('/c/c', '3')] } },
    ]);

    // Act
    const found = await parametersByPath('/c');

    // Assess
    expect([...found]).toEqual([
      ['/c/a', '1'],
      ['/c/b', '2'],
      ['/c/c', '3'],
    ]);
    expect(seen.map((s) => [s.req.headers['x-amz-target'], s.body])).toEqual([
      ['AmazonSSM.GetParametersByPath', '{"Path":"/c","Recursive":false}'],
      ['AmazonSSM.GetParametersByPath', '{"Path":"/c","Recursive":false,"NextToken":"t-1"}'],
      ['AmazonSSM.GetParametersByPath', '{"Path":"/c","Recursive":false,"NextToken":"t-2"}'],
    ]);
  });

  it('gives up on 5xx after maxAttempts with an error the step wrapper treats as transient', async () => {
    // Prepare
    const seen = await serve([{ status: 500, body: { __type: 'InternalServerError', message: 'oops' } }]);

    // Act
    const err = await parametersByPath('/c').catch((e: unknown) => e);

    // Assess
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(isTransient(err)).toBe(true);
  });
});

describe('SSM reads in process', () => {
  it('go through the configured middleware and tap as SSMClient commands, with the input as given', async () => {
    // Prepare: the first read throttled, then answered; two pages by path
    const calls = answerInProcess((command, input) =>
      command === 'GetParameterCommand'
        ? { Parameter: { Name: input.Name, Value: 'v' } }
        : input.NextToken
          ? { Parameters: [{ Name: '/c/b', Value: '2' }] }
          : { Parameters: [{ Name: '/c/a', Value: '1' }], NextToken: 'n' }, { name: 'ThrottlingException', fault: 'client', status: 400 });

    // Act
    const value = await getParameter('/c/a');
    const found = await parametersByPath('/c');
    const missingPage = await getParametersByPathCall({ Path: '/c', NextToken: 'n' });

    // Assess
    expect(value).toBe('v');
    expect([...found]).toEqual([
      ['/c/a', '1'],
      ['/c/b', '2'],
    ]);
    expect(missingPage).toEqual({ Parameters: [{ Name: '/c/b', Value: '2' }] });
    expect(calls).toEqual([
      'tap SSMClient GetParameterCommand',
      'answer GetParameterCommand {"Name":"/c/a"}',
      'tap SSMClient GetParameterCommand',
      'answer GetParameterCommand {"Name":"/c/a"}',
      'tap SSMClient GetParametersByPathCommand',
      'answer GetParametersByPathCommand {"Path":"/c","Recursive":false}',
      'tap SSMClient GetParametersByPathCommand',
      'answer GetParametersByPathCommand {"Path":"/c","Recursive":false,"NextToken":"n"}',
      'tap SSMClient GetParametersByPathCommand',
      'answer GetParametersByPathCommand {"Path":"/c","NextToken":"n"}',
    ]);
  });
});

describe('SSM reads against a real moto_server', () => {
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let endpoint = '';

  beforeAll(async () => {
    moto = await startMoto();
    endpoint = moto.endpoint;
  }, 60_000);

  afterAll(() => moto?.stop());

  it('reads back what the SDK client put: one parameter, a path over several pages (one level), a missing one as undefined', async () => {
    // Prepare: 13 parameters under the path (moto pages by 10, as SSM does) and one below it
    const pages: string[] = [];
    configureClients({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      tap: (next, context) => async (args) => {
        if (context.commandName === 'GetParametersByPathCommand') pages.push(JSON.stringify(args.input));
        return next(args);
      },
    });
    const names = Array.from({ length: 13 }, (_, i) => `/redblack-moto/clusters/web-${String(i).padStart(2, '0')}`);
    const put = (Name: string, Value: string) => client(SSMClient).send(new PutParameterCommand({ Name, Value, Type: 'String', Overwrite: true }));
    for (const name of names) await put(name, JSON.stringify({ cluster: name, quote: '"é"' }));
    await put('/redblack-moto/clusters/nested/deeper', 'not one level');

    // Act
    const one = await getParameter(names[4] as string);
    const found = await parametersByPath('/redblack-moto/clusters');
    const missing = await getParameter('/redblack-moto/clusters/web-nope');

    // Assess
    expect(one).toBe(JSON.stringify({ cluster: names[4], quote: '"é"' }));
    expect([...found.keys()].sort()).toEqual(names);
    expect(found.get(names[12] as string)).toBe(JSON.stringify({ cluster: names[12], quote: '"é"' }));
    expect(missing).toBeUndefined();
    expect(pages).toEqual(['{"Path":"/redblack-moto/clusters","Recursive":false}', expect.stringMatching(/^\{"Path":"\/redblack-moto\/clusters","Recursive":false,"NextToken":".+"\}$/)]);
  }, 60_000);
});
