/**
 * Endpoint mode (`npm start -- --endpoint <url>`): every AWS call of the run goes to the given
 * AWS-compatible API. No LocalStack or moto runs here, so these tests check the addressing and
 * the errors a user sees; the run itself is the same code the embedded cloud exercises.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { runOnEndpoint } from '../../local/endpoint.js';

afterEach(() => configureClients({}));

describe('runOnEndpoint', () => {
  it('refuses an endpoint that is not a URL, before any call', async () => {
    await expect(runOnEndpoint({ endpoint: 'localhost-4566' })).rejects.toThrow(/--endpoint must be a URL/);
  });

  it('sends its first call to the endpoint and says so when nothing answers there', async () => {
    // 127.0.0.1:1 refuses connections at once: the error names the endpoint it tried.
    await expect(runOnEndpoint({ endpoint: 'http://127.0.0.1:1' })).rejects.toThrow('cannot reach the endpoint http://127.0.0.1:1 (ECONNREFUSED)');
  }, 30_000);
});
