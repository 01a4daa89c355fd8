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
import { call, type Credentials, type HttpRequest, ordered, pages, sendJson, serviceRequest, sign } from './signed-call.js';

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

/** GetParameter, routed and retried as the client's command (the embedded cloud answers it in process). */
export async function getParameterCall(input: GetParameterInput): Promise<GetParameterOutput> {
  return call('SSMClient', 'GetParameterCommand', input, (i) => sendJson<GetParameterOutput>('ssm', `GetParameter ${i.Name}`, (region, endpoint) => getParameterRequest(i, region, endpoint)));
}

/** One page of GetParametersByPath, as getParameterCall. */
export async function getParametersByPathCall(input: GetParametersByPathInput): Promise<GetParametersByPathOutput> {
  return call('SSMClient', 'GetParametersByPathCommand', input, (i) => sendJson<GetParametersByPathOutput>('ssm', `GetParametersByPath ${i.Path}`, (region, endpoint) => getParametersByPathRequest(i, region, endpoint)));
}

/** The parameter's value, or undefined when it does not exist. */
export async function getParameter(name: string): Promise<string | undefined> {
  const out = await tolerate('ParameterNotFound', getParameterCall({ Name: name }));
  return out?.Parameter?.Value;
}

/** Every parameter under a path (one level), as name → value, page after page. */
export async function parametersByPath(path: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const page of await pages((NextToken) => getParametersByPathCall({ Path: path, Recursive: false, ...(NextToken ? { NextToken } : {}) }))) {
    for (const p of page.Parameters ?? []) if (p.Name && p.Value !== undefined) found.set(p.Name, p.Value);
  }
  return found;
}
