/**
 * What the signed-call tests compare: the request an SDK client hands its HTTP handler (signed,
 * never sent), and everything of a request that goes on the wire.
 */
export const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'token-1' };

interface SdkClient {
  send(command: any): Promise<unknown>;
  middlewareStack: { remove(name: string): unknown; addRelativeTo(middleware: any, options: any): void };
}

/**
 * The signed request `Client` sends for `command` in `region` (at `endpoint` when given), caught at
 * its HTTP handler. The client also signs its retry and user-agent headers, which the signed calls
 * do not carry; taken off before signing, both sign the same headers and the signatures must match.
 */
export async function clientRequest(Client: new (config: any) => SdkClient, command: object, region: string, endpoint?: string, config: object = {}): Promise<any> {
  let seen: any;
  const client = new Client({
    region,
    credentials,
    ...(endpoint ? { endpoint } : {}),
    ...config,
    requestHandler: {
      handle: async (request: any) => {
        seen = request;
        return { response: { statusCode: 200, headers: {}, body: undefined } };
      },
    },
  });
  client.middlewareStack.remove('getUserAgentMiddleware');
  client.middlewareStack.addRelativeTo(
    (next: any) => async (args: any) => {
      for (const h of ['amz-sdk-invocation-id', 'amz-sdk-request', 'x-amz-user-agent', 'user-agent']) delete args.request.headers[h];
      return next(args);
    },
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'withoutSdkHeaders' },
  );
  await client.send(command).catch(() => undefined);
  return seen;
}

const lower = (headers: Record<string, string>) => Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
const bodyText = (body: unknown): string => (body === undefined || body === null ? '' : typeof body === 'string' ? body : Buffer.from(body as Uint8Array).toString('utf8'));

/** Everything that goes on the wire: method, protocol, host, port, path, query, body, and every header (the signature's included). */
export const wire = (r: any) => ({ method: r.method, protocol: r.protocol, hostname: r.hostname, port: r.port, path: r.path, query: r.query, body: bodyText(r.body), headers: lower(r.headers) });
