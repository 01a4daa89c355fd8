/**
 * SSM Parameter Store reads: cluster configuration documents and base-image parameters, without
 * `@aws-sdk/client-ssm` (9 to 88 KB of each function that reads a parameter: the client, and the
 * SDK's JSON protocol and client core where no other client needs them). GetParameter and
 * GetParametersByPath are two awsJson1_1 requests on the SDK's signer, handler and retry
 * (src/aws/signed-call.ts), the same requests the client sends (test/aws/ssm.test.ts signs both
 * and compares): POST / with the operation in `x-amz-target` and the input as a JSON body
 * (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). The CLI's write stays on the
 * client, in src/aws/ssm-write.ts.
 */
import { tolerate } from './not-found.js';
import { call, type Credentials, type HttpRequest, readBody, restJsonError, sendSigned, serviceRequest, sign, target } from './signed-call.js';

/** https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html */
export interface GetParameterInput {
  Name: string;
  WithDecryption?: boolean;
}

/** The GetParametersByPath members this module sends (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParametersByPath.html). */
export interface GetParametersByPathInput {
  Path: string;
  Recursive?: boolean;
  WithDecryption?: boolean;
  MaxResults?: number;
  NextToken?: string;
}

/** The members of a parameter these reads use (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_Parameter.html). */
export interface Parameter {
  Name?: string;
  Type?: string;
  Value?: string;
  Version?: number;
  ARN?: string;
  DataType?: string;
}

export interface GetParameterOutput {
  Parameter?: Parameter;
}

export interface GetParametersByPathOutput {
  Parameters?: Parameter[];
  NextToken?: string;
}

/** `o` with only the defined members of `keys`, in that order: the client's serializer writes a structure's members in model order. */
const ordered = <T extends object>(o: T, keys: ReadonlyArray<keyof T>): Partial<T> => Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as Partial<T>;

/** An awsJson1_1 request, unsigned: POST / to `ssm.{region}.{dnsSuffix}` (or the endpoint), `AmazonSSM.{operation}` in `x-amz-target`. */
function ssmRequest(operation: string, body: string, region: string, endpoint?: string): HttpRequest {
  const headers = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}`, 'content-length': String(Buffer.byteLength(body)) };
  return serviceRequest({ prefix: 'ssm', region, endpoint }, { method: 'POST', path: '/', headers, body });
}

/** The HTTP request for GetParameter, unsigned: the members as JSON in model order (Name, WithDecryption). */
export function getParameterRequest(input: GetParameterInput, region: string, endpoint?: string): HttpRequest {
  return ssmRequest('GetParameter', JSON.stringify(ordered(input, ['Name', 'WithDecryption'])), region, endpoint);
}

/** The HTTP request for GetParametersByPath, unsigned: the members as JSON in model order. */
export function getParametersByPathRequest(input: GetParametersByPathInput, region: string, endpoint?: string): HttpRequest {
  return ssmRequest('GetParametersByPath', JSON.stringify(ordered(input, ['Path', 'Recursive', 'WithDecryption', 'MaxResults', 'NextToken'])), region, endpoint);
}

/** Signs `request` as the SSM client does: SigV4, signing name `ssm`. */
export async function signSsmRequest(request: HttpRequest, region: string, credentials: Credentials, signingDate?: Date): Promise<HttpRequest> {
  return sign(request, 'ssm', region, credentials, signingDate);
}

/**
 * Signs and sends one request; a status of 300 and above is the error it carries, named as for
 * restJson1: awsJson1_1 reads the code from `x-amzn-errortype` or the body's `__type` by the same
 * rules (https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html#operation-error-serialization).
 */
async function send<O>(label: string, build: (region: string, endpoint: string | undefined) => HttpRequest): Promise<O> {
  const { region, endpoint, credentials } = await target(label);
  const response = await sendSigned(await signSsmRequest(build(region, endpoint), region, credentials));
  const text = await readBody(response);
  if (response.statusCode >= 300) throw restJsonError(response.statusCode, response.headers, text, label);
  return (text ? JSON.parse(text) : {}) as O;
}

/** GetParameter, routed and retried as the client's command (the embedded cloud answers it in process). */
export async function getParameterCall(input: GetParameterInput): Promise<GetParameterOutput> {
  return call('SSMClient', 'GetParameterCommand', input, (i) => send(`GetParameter ${i.Name}`, (region, endpoint) => getParameterRequest(i, region, endpoint)));
}

/** One page of GetParametersByPath, as getParameterCall. */
export async function getParametersByPathCall(input: GetParametersByPathInput): Promise<GetParametersByPathOutput> {
  return call('SSMClient', 'GetParametersByPathCommand', input, (i) => send(`GetParametersByPath ${i.Path}`, (region, endpoint) => getParametersByPathRequest(i, region, endpoint)));
}

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(name: string): Promise<string | undefined> {
  const out = await tolerate('ParameterNotFound', getParameterCall({ Name: name }));
  return out?.Parameter?.Value;
}

/**
 * Every parameter under a path (one level), as name → value: page after page while the answer
 * carries a NextToken, as the client's paginator does (a page may be empty and still carry one).
 */
export async function parametersByPath(path: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let token: string | undefined;
  do {
    const page = await getParametersByPathCall({ Path: path, Recursive: false, ...(token ? { NextToken: token } : {}) });
    for (const p of page.Parameters ?? []) if (p.Name && p.Value !== undefined) found.set(p.Name, p.Value);
    token = page.NextToken;
  } while (token);
  return found;
}
