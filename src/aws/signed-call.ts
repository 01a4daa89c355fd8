/**
 * An AWS call without its SDK client, on the SDK's own parts: the SigV4 signer, the Node HTTP
 * handler, the standard retry strategy and the partition table. A function that sends one or two
 * operations of a service pays here a few KB instead of the client's protocol, endpoint rule set
 * and middleware stack (src/aws/s3-head.ts, src/aws/scheduler.ts build their requests on it).
 *
 * What stays the client's: the call is routed through `routed()` (the embedded cloud and the tap
 * see it as the client's command), retried as the client retries (standard mode,
 * https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html), and a failure
 * is thrown as the client throws it: `name` the error code, `$fault` and `$metadata`.
 */
import { partition } from '@aws-sdk/core/client';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { loadConfig, NODE_REGION_CONFIG_FILE_OPTIONS, NODE_REGION_CONFIG_OPTIONS } from '@smithy/core/config';
import { isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';
import { HttpRequest, type HttpResponse } from '@smithy/core/transport';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity } from '@smithy/types';
import { clientSettings, HTTP_TIMEOUTS, routed } from './clients.js';

export { HttpRequest };

export type Credentials = AwsCredentialIdentity | (() => Promise<AwsCredentialIdentity>);

/** An AWS error as the SDK throws it: `name` is the code, `$fault` and `$metadata` as the client sets them. */
export class AwsCallError extends Error {
  readonly $fault: 'client' | 'server';
  readonly $metadata: { httpStatusCode: number; requestId?: string };
  constructor(name: string, status: number, message: string, requestId?: string) {
    super(message);
    this.name = name;
    this.$fault = status >= 500 ? 'server' : 'client';
    this.$metadata = { httpStatusCode: status, ...(requestId ? { requestId } : {}) };
  }
}

/** Percent-encodes as SigV4's canonical URI wants: everything but A-Z a-z 0-9 - _ . ~ (RFC 3986 unreserved). */
export const encodeSegment = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * A request to `path` at the endpoint URL when there is one (moto, LocalStack), else at
 * `{prefix}.{region}.{dnsSuffix}` over HTTPS (the partition's DNS suffix, as the endpoint rule
 * sets resolve it); `host` is set, as the signer needs it.
 */
export function serviceRequest(
  at: { prefix: string; region: string; endpoint?: string | undefined; hostname?: string },
  r: { method: string; path: string; query?: Record<string, string>; headers?: Record<string, string>; body?: string },
): HttpRequest {
  const query = r.query ?? {};
  const headers = r.headers ?? {};
  const body = r.body !== undefined ? { body: r.body } : {};
  if (at.endpoint) {
    const url = new URL(at.endpoint);
    return new HttpRequest({
      method: r.method, protocol: url.protocol, hostname: url.hostname, ...(url.port ? { port: Number(url.port) } : {}),
      path: `${url.pathname.replace(/\/$/, '')}${r.path}`, query, headers: { ...headers, host: url.host }, ...body,
    });
  }
  const hostname = at.hostname ?? `${at.prefix}.${at.region}.${partition(at.region).dnsSuffix}`;
  return new HttpRequest({ method: r.method, protocol: 'https:', hostname, path: r.path, query, headers: { ...headers, host: hostname }, ...body });
}

/**
 * SigV4 as the clients sign (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html):
 * with the payload hash header; S3 signs the path as sent, every other service encodes it once more (`uriEscapePath`).
 */
export async function sign(request: HttpRequest, service: string, region: string, credentials: Credentials, signingDate?: Date): Promise<HttpRequest> {
  const signer = new SignatureV4({ service, region, credentials, sha256: Sha256, uriEscapePath: service !== 's3', applyChecksum: true });
  return (await signer.sign(request, signingDate ? { signingDate } : {})) as HttpRequest;
}

/**
 * Where the calls go and as whom, from the client settings and the environment, as `client()` builds
 * them: the region by the SDK's own chain (AWS_REGION, then the profile in ~/.aws/config), so the
 * CLI finds it where a client would.
 */
export async function target(label: string): Promise<{ region: string; endpoint: string | undefined; credentials: Credentials }> {
  const settings = clientSettings();
  const region = settings.region ?? (await loadConfig(NODE_REGION_CONFIG_OPTIONS, NODE_REGION_CONFIG_FILE_OPTIONS)().catch(() => undefined)) ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new AwsCallError('ConfigError', 400, `${label}: no region (set AWS_REGION, or region in the profile)`);
  return { region, endpoint: settings.endpoint ?? process.env.AWS_ENDPOINT_URL, credentials: settings.credentials ?? defaultProvider() };
}

let handler: NodeHttpHandler | undefined;

/** Sends a signed request on one shared handler, with the clients' per-attempt timeouts. */
export async function sendSigned(request: HttpRequest): Promise<HttpResponse> {
  const t = clientSettings().timeouts ?? HTTP_TIMEOUTS;
  handler ??= new NodeHttpHandler({ connectionTimeout: t.connectionMs, requestTimeout: t.requestMs, throwOnRequestTimeout: true });
  const { response } = await handler.handle(request);
  return response;
}

/** The response body as text (the socket goes back to the pool once the stream ends). */
export async function readBody(response: HttpResponse): Promise<string> {
  const body = response.body as AsyncIterable<Uint8Array | string> | undefined;
  if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') return '';
  const parts: Buffer[] = [];
  for await (const chunk of body) parts.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/** Drains a body that carries nothing to read. */
export function discardBody(response: HttpResponse): void {
  (response.body as { resume?: () => void } | undefined)?.resume?.();
}

/** The retry the SDK's clients do (standard mode, same strategy and error classes), around the routed call. */
export async function withRetries<T>(scope: string, call: () => Promise<T>): Promise<T> {
  const strategy = new StandardRetryStrategy(clientSettings().maxAttempts ?? (Number(process.env.AWS_MAX_ATTEMPTS) || 3));
  let token = await strategy.acquireInitialRetryToken(scope);
  for (;;) {
    try {
      const out = await call();
      strategy.recordSuccess(token);
      return out;
    } catch (err) {
      const e = err as Parameters<typeof isThrottlingError>[0];
      const errorType = isThrottlingError(e) ? 'THROTTLING' : isTransientError(e) ? 'TRANSIENT' : isServerError(e) ? 'SERVER_ERROR' : 'CLIENT_ERROR';
      try {
        token = await strategy.refreshRetryTokenForRetry(token, { errorType });
      } catch {
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, token.getRetryDelay()));
    }
  }
}

/**
 * One operation as a client's command: `send(input)` goes over HTTP unless the embedded cloud (or
 * any configured middleware) answers `{ input }` first, and the whole is retried like the client.
 */
export async function call<I, O>(clientName: string, commandName: string, input: I, send: (input: I) => Promise<O>): Promise<O> {
  const routedSend = routed(clientName, commandName, async (args: { input: I }) => ({ output: await send(args.input) }));
  const { output } = (await withRetries(clientName, () => routedSend({ input }))) as { output: O };
  return output;
}

/** `o` with only the defined members of `keys`, in that order: the client's serializer writes a structure's members in model order. */
export const ordered = <T extends object>(o: T, keys: ReadonlyArray<keyof T>): Partial<T> =>
  Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<T>;

/** Every page of a listing, following NextToken to the end as the client's paginators do (a page may be empty and still carry one). */
export async function pages<T extends { NextToken?: string | undefined }>(page: (token?: string) => Promise<T>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    all.push(p);
    token = p.NextToken;
  } while (token);
  return all;
}

/**
 * Signs (signing name `service`) and sends a JSON request (restJson1, awsJson1_x); a status of 300
 * and above is the error it carries, named by `restJsonError` (awsJson1_x reads the code by the
 * same rules: https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
 */
export async function sendJson<O>(service: string, label: string, build: (region: string, endpoint: string | undefined) => HttpRequest): Promise<O> {
  const { region, endpoint, credentials } = await target(label);
  const response = await sendSigned(await sign(build(region, endpoint), service, region, credentials));
  const text = await readBody(response);
  if (response.statusCode >= 300) throw restJsonError(response.statusCode, response.headers, text, label);
  return (text ? JSON.parse(text) : {}) as O;
}

/**
 * A restJson1 error as the client names it: the code from the `x-amzn-errortype` header, else the
 * body's `code` or `__type`, cut at ',' and ':' and after a namespace's '#'
 * (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization);
 * "Unknown" when there is none, as the client says.
 */
export function restJsonError(status: number, headers: Record<string, string>, text: string, label: string): AwsCallError {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = text ? JSON.parse(text) : {};
    if (parsed && typeof parsed === 'object') body = parsed as Record<string, unknown>;
  } catch {
    // Not JSON (a proxy's page): the status alone says what happened.
  }
  const find = (o: Record<string, unknown>, key: string): unknown => Object.entries(o).find(([k]) => k.toLowerCase() === key)?.[1];
  const raw = find(headers, 'x-amzn-errortype') ?? find(body, 'code') ?? body.__type;
  const sanitize = (v: string): string => {
    const first = v.split(',')[0]?.split(':')[0] ?? v;
    return first.includes('#') ? (first.split('#')[1] ?? first) : first;
  };
  const name = raw === undefined || raw === null ? 'Unknown' : sanitize(String(raw));
  const message = body.message ?? body.Message ?? 'UnknownError';
  const requestId = find(headers, 'x-amzn-requestid');
  return new AwsCallError(name, status, `${label}: ${String(message)}`, typeof requestId === 'string' ? requestId : undefined);
}
