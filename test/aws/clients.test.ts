/**
 * The client factory decides where calls go: the embedded cloud's middleware, an endpoint
 * (LocalStack, moto), or real AWS. These tests stop each request just before the network and
 * look at where it was addressed.
 */
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { client, configureClients, HTTP_TIMEOUTS } from '../../src/aws/clients.js';
import { isTransient } from '../../src/lambda/middleware/transient-errors.js';

const credentials = { accessKeyId: 'AKIATEST', secretAccessKey: 'secret' };

/** Sends a command and returns the HTTP request the SDK built, without sending it. */
async function addressed(c: { middlewareStack: any; send: (cmd: any) => Promise<any> }, command: unknown): Promise<{ hostname: string; port?: number; path: string; protocol: string }> {
  let seen: any;
  c.middlewareStack.add(
    () => async (args: any) => {
      seen = args.request;
      return { response: { statusCode: 200, headers: {}, body: undefined }, output: { $metadata: {} } };
    },
    { step: 'finalizeRequest', priority: 'low', name: 'stopBeforeNetwork' },
  );
  try {
    await c.send(command);
  } catch {
    // The fake response may not deserialize: only the request matters here.
  }
  return seen;
}

afterEach(() => {
  configureClients({});
  delete process.env.AWS_ENDPOINT_URL;
});

describe('configureClients', () => {
  it('sends every client to an explicit endpoint, with path-style S3', async () => {
    // Prepare
    configureClients({ endpoint: 'http://localhost:4566', region: 'us-east-1', credentials });
    // Act
    const s3 = await addressed(client(S3Client) as any, new ListBucketsCommand({}));
    const sfn = await addressed(client(SFNClient) as any, new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' }));
    // Assess
    expect([s3.hostname, s3.port]).toEqual(['localhost', 4566]);
    expect([sfn.hostname, sfn.port]).toEqual(['localhost', 4566]);
  });

  it('honours AWS_ENDPOINT_URL when no endpoint is given', async () => {
    // Prepare
    process.env.AWS_ENDPOINT_URL = 'http://127.0.0.1:5000';
    configureClients({ region: 'us-east-1', credentials });
    // Act
    const req = await addressed(client(SFNClient) as any, new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' }));
    // Assess
    expect([req.hostname, req.port]).toEqual(['127.0.0.1', 5000]);
  });

  it('goes to the real regional AWS endpoint otherwise', async () => {
    // Prepare
    configureClients({ region: 'eu-west-1', credentials });
    // Act
    const req = await addressed(client(SFNClient) as any, new DescribeExecutionCommand({ executionArn: 'arn:aws:states:eu-west-1:000000000000:execution:m:e' }));
    // Assess
    expect(req.hostname).toBe('states.eu-west-1.amazonaws.com');
  });

  it('rebuilds clients when reconfigured, and caches them otherwise', () => {
    // Prepare
    configureClients({ region: 'us-east-1', credentials });
    const first = client(SFNClient);
    // Act
    const again = client(SFNClient);
    configureClients({ region: 'us-east-1', credentials });
    const rebuilt = client(SFNClient);
    // Assess
    expect(again).toBe(first);
    expect(rebuilt).not.toBe(first);
  });

  it('gives up on a server that accepts the connection and never answers, with a TimeoutError (transient)', async () => {
    // Prepare: a socket that is accepted and then left silent, as a hung endpoint does.
    const sockets: Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    configureClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 1, timeouts: { connectionMs: 200, requestMs: 300 } });
    try {
      // Act
      const err = await client(SFNClient)
        .send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:m:e' }))
        .then(() => undefined, (e: Error) => e);
      // Assess
      expect(err?.name).toBe('TimeoutError');
      expect(isTransient(err)).toBe(true);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it('sets request and connection timeouts below every function timeout by default', () => {
    // Assess: three attempts of connect + request fit well inside the shortest function timeout (60 s).
    expect(3 * (HTTP_TIMEOUTS.connectionMs + HTTP_TIMEOUTS.requestMs)).toBeLessThan(60_000);
  });
});
