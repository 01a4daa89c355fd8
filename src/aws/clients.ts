/**
 * The one place where AWS SDK v3 clients are built. Production code asks for a client by its
 * class (`client(EC2Client)`), so a bundle only pulls in the SDK packages its adapters use.
 *
 * Where the calls go is decided here and nowhere else:
 * - a middleware installed with `configureClients({ middleware })` (the embedded cloud) answers
 *   every call in process, after the SDK's own retry step;
 * - an endpoint (`configureClients({ endpoint })` or `AWS_ENDPOINT_URL`) sends them to an
 *   AWS-compatible API such as LocalStack or moto;
 * - otherwise real AWS with the standard credential chain.
 */
import type { AwsCredentialIdentity } from '@smithy/types';

/** A middleware placed after the SDK's retry middleware (finalizeRequest step). */
export type CallMiddleware = (next: (args: any) => Promise<any>, context: any) => (args: any) => Promise<any>;

export interface ClientSettings {
  region?: string;
  endpoint?: string;
  credentials?: AwsCredentialIdentity;
  middleware?: CallMiddleware;
  /** Sees every call and passes it on, wherever the calls go (the local runner counts calls to an endpoint). */
  tap?: CallMiddleware;
  maxAttempts?: number;
  /** Per-attempt HTTP timeouts; the defaults (`HTTP_TIMEOUTS`) keep every call well inside a function's timeout. */
  timeouts?: { connectionMs: number; requestMs: number };
}

/**
 * A hung socket must not wait out the Lambda timeout (60 s and more): 2 s to connect and 10 s for
 * the whole request per attempt, so the SDK's 3 attempts end in under 40 s with a TimeoutError,
 * which the step wrapper folds into AwsTransient for the state machine's Retry.
 * https://docs.aws.amazon.com/sdk-for-javascript/v3/developer-guide/node-configuring-maxsockets.html
 */
export const HTTP_TIMEOUTS = { connectionMs: 2_000, requestMs: 10_000 };

interface SdkClient {
  middlewareStack: {
    addRelativeTo(mw: CallMiddleware, options: { relation: 'after'; toMiddleware: string; name: string }): void;
  };
  destroy(): void;
}

type ClientClass<T> = new (config: any) => T;

let settings: ClientSettings = {};
const cache = new Map<ClientClass<unknown>, SdkClient>();

/** Replace the client settings; every cached client is dropped and rebuilt on next use. */
export function configureClients(next: ClientSettings): void {
  for (const c of cache.values()) c.destroy();
  cache.clear();
  settings = { ...next };
}

export function clientSettings(): Readonly<ClientSettings> {
  return settings;
}

/** The shared, lazily built client of the given class. */
export function client<T>(Client: ClientClass<T>): T {
  let c = cache.get(Client as ClientClass<unknown>);
  if (!c) {
    c = build(Client as ClientClass<SdkClient>);
    cache.set(Client as ClientClass<unknown>, c);
  }
  return c as unknown as T;
}

/**
 * A call made without an SDK client (src/aws/signed-call.ts), routed as `build` routes a client's:
 * through the tap and the in-process middleware when they are configured, else to `send`.
 * `clientName` and `commandName` are the ones the SDK client would carry in its context.
 */
export function routed<A, R>(clientName: string, commandName: string, send: (args: A) => Promise<R>): (args: A) => Promise<R> {
  const context = { clientName, commandName };
  let next = send as (args: any) => Promise<any>;
  // The order of the client's stack: retry, then the tap, then the middleware.
  if (settings.middleware) next = settings.middleware(next, context);
  if (settings.tap) next = settings.tap(next, context);
  return next;
}

function build(Client: ClientClass<SdkClient>): SdkClient {
  const endpoint = settings.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const config: Record<string, unknown> = {};
  if (settings.region) config.region = settings.region;
  if (settings.credentials) config.credentials = settings.credentials;
  if (settings.maxAttempts) config.maxAttempts = settings.maxAttempts;
  if (!settings.middleware) {
    const t = settings.timeouts ?? HTTP_TIMEOUTS;
    // Options, not a handler instance: the client builds its own NodeHttpHandler from them (no extra import in the bundle).
    config.requestHandler = { connectionTimeout: t.connectionMs, requestTimeout: t.requestMs, throwOnRequestTimeout: true };
  }
  if (endpoint && !settings.middleware) {
    config.endpoint = endpoint;
    // LocalStack and moto serve buckets by path, not by virtual host.
    config.forcePathStyle = true;
  }
  const c = new Client(config);
  if (settings.middleware) {
    c.middlewareStack.addRelativeTo(settings.middleware, {
      relation: 'after',
      toMiddleware: 'retryMiddleware',
      name: 'redblackCallRouter',
    });
  }
  if (settings.tap) {
    c.middlewareStack.addRelativeTo(settings.tap, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'redblackCallTap' });
  }
  return c;
}
