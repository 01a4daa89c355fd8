/**
 * The EC2 operations the housekeeping steps send (images, builders, launch template versions, tags),
 * without `@aws-sdk/client-ec2`: that client's schemas of whole images and instances are about
 * 50 KB of each bundle that holds them, for a handful of fields read. Each operation is one EC2
 * Query request (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html) on the
 * SDK's signer, handler and retry (src/aws/signed-call.ts), the body the client sends byte for byte
 * (test/aws/ec2-query.test.ts signs both and compares), its XML read with the SDK's own parser.
 *
 * Inputs are the client's command inputs and go through `call()` as its commands, so the embedded
 * cloud and the tap see them as before; outputs carry the fields this project reads, named as the
 * client names them.
 */
import type { Image, Instance, InstanceStateName, LaunchTemplateVersion, TagDescription, TerminateInstancesResult } from '@aws-sdk/client-ec2';
import { parseXML } from '@aws-sdk/xml-builder';
import { AwsCallError, call, type Credentials, encodeSegment, type HttpRequest, readBody, sendSigned, serviceRequest, sign, target } from './signed-call.js';

/** The EC2 API version every Query request names. */
const API_VERSION = '2016-11-15';

export interface Filter {
  Name: string;
  Values: string[];
}

type Params = [string, string][];

const opt = (name: string, v: string | number | boolean | undefined): Params => (v === undefined ? [] : [[name, String(v)]]);
/** A list member, flattened as EC2 Query does: `Name.1`, `Name.2`, … */
const each = (name: string, xs: readonly string[] | undefined): Params => (xs ?? []).map((x, i) => [`${name}.${i + 1}`, x]);
const filters = (fs: readonly Filter[] | undefined): Params =>
  (fs ?? []).flatMap((f, i) => [[`Filter.${i + 1}.Name`, f.Name] as [string, string], ...each(`Filter.${i + 1}.Value`, f.Values)]);

/** The form body: Action, Version, then the members in the order the client writes them. */
export function queryBody(action: string, params: Params): string {
  const all: Params = [['Action', action], ['Version', API_VERSION], ...params];
  return all.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&');
}

/** The HTTP request for one operation, unsigned: POST / with the form body. */
export function ec2Request(action: string, params: Params, region: string, endpoint?: string): HttpRequest {
  const body = queryBody(action, params);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) };
  return serviceRequest({ prefix: 'ec2', region, endpoint }, { method: 'POST', path: '/', headers, body });
}

/** Signs `request` as the EC2 client does: SigV4, signing name `ec2`. */
export async function signEc2Request(request: HttpRequest, region: string, credentials: Credentials, signingDate?: Date): Promise<HttpRequest> {
  return sign(request, 'ec2', region, credentials, signingDate);
}

type Xml = Record<string, unknown>;
const obj = (v: unknown): Xml => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Xml) : {});
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
/** `<fooSet><item>…</item>…</fooSet>` as a list: one item parses as an object, several as an array, none as ''. */
const items = (set: unknown): Xml[] => {
  const item = obj(set).item;
  return (item === undefined ? [] : Array.isArray(item) ? item : [item]).map(obj);
};
const token = (v: unknown): string | undefined => text(v) || undefined;

/**
 * An EC2 error (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html):
 * `<Response><Errors><Error><Code>…</Code><Message>…</Message></Error></Errors><RequestID>…`, named
 * after its code as the client names it; "Unknown" when the body says none.
 */
export function ec2Error(status: number, body: string, label: string): AwsCallError {
  let root: Xml = {};
  try {
    root = obj(Object.values(parseXML(body))[0]);
  } catch {
    // Not XML (a proxy's page): the status alone says what happened.
  }
  const error = obj(obj(root.Errors).Error);
  return new AwsCallError(text(error.Code) ?? 'Unknown', status, `${label}: ${text(error.Message) ?? 'UnknownError'}`, text(root.RequestID));
}

/** Signs and sends one operation; the parsed `<{Action}Response>`, or the error a status of 300 and above carries. */
async function send(action: string, params: Params): Promise<Xml> {
  const { region, endpoint, credentials } = await target(action);
  const response = await sendSigned(await signEc2Request(ec2Request(action, params, region, endpoint), region, credentials));
  const body = await readBody(response);
  if (response.statusCode >= 300) throw ec2Error(response.statusCode, body, action);
  return obj(Object.values(parseXML(body))[0]);
}

export interface DescribeImagesInput {
  ImageIds?: string[];
  Owners?: string[];
  NextToken?: string;
  Filters?: Filter[];
}
export type ImageSummary = Pick<Image, 'ImageId' | 'Name' | 'CreationDate' | 'State'>;

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeImages.html */
export async function describeImages(input: DescribeImagesInput): Promise<{ Images?: ImageSummary[]; NextToken?: string }> {
  return call('EC2Client', 'DescribeImagesCommand', input, async (i) => {
    const out = await send('DescribeImages', [...each('ImageId', i.ImageIds), ...each('Owner', i.Owners), ...opt('NextToken', i.NextToken), ...filters(i.Filters)]);
    const Images = items(out.imagesSet).map((x) => ({ ImageId: text(x.imageId), Name: text(x.name), CreationDate: text(x.creationDate), State: text(x.imageState) as Image['State'] }));
    return { Images, NextToken: token(out.nextToken) };
  });
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DeregisterImage.html */
export async function deregisterImageCall(input: { ImageId: string; DeleteAssociatedSnapshots?: boolean }): Promise<Record<string, never>> {
  return call('EC2Client', 'DeregisterImageCommand', input, async (i) => {
    await send('DeregisterImage', [['ImageId', i.ImageId], ...opt('DeleteAssociatedSnapshots', i.DeleteAssociatedSnapshots)]);
    return {};
  });
}

export interface DescribeInstancesInput {
  Filters?: Filter[];
  NextToken?: string;
  MaxResults?: number;
}
export type InstanceSummary = Pick<Instance, 'InstanceId' | 'LaunchTime'>;

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstances.html */
export async function describeInstances(input: DescribeInstancesInput): Promise<{ Reservations?: { Instances?: InstanceSummary[] }[]; NextToken?: string }> {
  return call('EC2Client', 'DescribeInstancesCommand', input, async (i) => {
    const out = await send('DescribeInstances', [...filters(i.Filters), ...opt('NextToken', i.NextToken), ...opt('MaxResults', i.MaxResults)]);
    const Reservations = items(out.reservationSet).map((r) => ({
      Instances: items(r.instancesSet).map((x) => {
        const launched = text(x.launchTime);
        return { InstanceId: text(x.instanceId), ...(launched ? { LaunchTime: new Date(launched) } : {}) };
      }),
    }));
    return { Reservations, NextToken: token(out.nextToken) };
  });
}

export type LaunchTemplateVersionSummary = Pick<LaunchTemplateVersion, 'LaunchTemplateId' | 'VersionNumber'> & { LaunchTemplateData?: { ImageId?: string } };

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeLaunchTemplateVersions.html */
export async function describeLaunchTemplateVersions(input: { LaunchTemplateId: string; Versions: string[] }): Promise<{ LaunchTemplateVersions?: LaunchTemplateVersionSummary[] }> {
  return call('EC2Client', 'DescribeLaunchTemplateVersionsCommand', input, async (i) => {
    const out = await send('DescribeLaunchTemplateVersions', [['LaunchTemplateId', i.LaunchTemplateId], ...each('LaunchTemplateVersion', i.Versions)]);
    const LaunchTemplateVersions = items(out.launchTemplateVersionSet).map((v) => {
      const n = text(v.versionNumber);
      return {
        LaunchTemplateId: text(v.launchTemplateId),
        ...(n !== undefined ? { VersionNumber: Number(n) } : {}),
        LaunchTemplateData: { ImageId: text(obj(v.launchTemplateData).imageId) },
      };
    });
    return { LaunchTemplateVersions };
  });
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_TerminateInstances.html */
export async function terminateInstancesCall(input: { InstanceIds: string[] }): Promise<Pick<TerminateInstancesResult, 'TerminatingInstances'>> {
  return call('EC2Client', 'TerminateInstancesCommand', input, async (i) => {
    const out = await send('TerminateInstances', each('InstanceId', i.InstanceIds));
    const state = (s: unknown) => ({ Name: text(obj(s).name) as InstanceStateName | undefined });
    const TerminatingInstances = items(out.instancesSet).map((x) => ({ InstanceId: text(x.instanceId), CurrentState: state(x.currentState), PreviousState: state(x.previousState) }));
    return { TerminatingInstances };
  });
}

/** https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeTags.html */
export async function describeTags(input: { Filters?: Filter[]; MaxResults?: number; NextToken?: string }): Promise<{ Tags?: TagDescription[]; NextToken?: string }> {
  return call('EC2Client', 'DescribeTagsCommand', input, async (i) => {
    const out = await send('DescribeTags', [...filters(i.Filters), ...opt('MaxResults', i.MaxResults), ...opt('NextToken', i.NextToken)]);
    const Tags = items(out.tagSet).map((t) => ({
      ResourceId: text(t.resourceId),
      ResourceType: text(t.resourceType) as TagDescription['ResourceType'],
      Key: text(t.key),
      Value: text(t.value) ?? '',
    }));
    return { Tags, NextToken: token(out.nextToken) };
  });
}
