/** A local HTTP server for the signed-call tests: each request gets the next canned answer. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { configureClients } from '../../src/aws/clients.js';
import { credentials } from './signed-requests.js';

export type Answer = { status: number; headers?: Record<string, string>; body?: unknown };

const defaults = {
  /** The answers' content type unless an answer sets its own. */
  contentType: 'application/json',
  /** How an answer's body goes on the wire. */
  encode: (body: unknown): string => JSON.stringify(body),
};

/**
 * `serve(answers)` starts a server answering the n-th request with `answers[n]` (the last one again
 * after), points the clients at it (3 attempts) and returns what it saw, bodies included; `close()`
 * for an afterEach.
 */
export function answeringServer(options: Partial<typeof defaults> = {}) {
  const { contentType, encode } = { ...defaults, ...options };
  let server: Server | undefined;
  return {
    async serve(answers: Answer[]): Promise<Array<{ req: IncomingMessage; body: string }>> {
      const seen: Array<{ req: IncomingMessage; body: string }> = [];
      server = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          seen.push({ req, body: Buffer.concat(chunks).toString() });
          const a = answers[Math.min(seen.length - 1, answers.length - 1)] as Answer;
          res.writeHead(a.status, { 'content-type': contentType, ...(a.headers ?? {}) });
          res.end(a.body === undefined ? '' : encode(a.body));
        });
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', () => resolve()));
      const { port } = server.address() as AddressInfo;
      configureClients({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials, maxAttempts: 3 });
      return seen;
    },
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}
