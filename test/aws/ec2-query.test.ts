/**
 * EC2 Query calls without the EC2 client (src/aws/ec2-query.ts): each request must be the one
 * @aws-sdk/client-ec2 sends, body and signature included; the answers must read as the client
 * reads them, over HTTP (a local server, then a real moto_server) and in process.
 */
import {
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeTagsCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureClients } from '../../src/aws/clients.js';
import { deregisterImage, describeOwnImage, imagesTagged, instanceIdsTagged, terminateInstances } from '../../src/aws/ec2.js';
import {
  describeImages,
  describeInstances,
  describeLaunchTemplateVersions,
  describeTags,
  ec2Request,
  queryBody,
  signEc2Request,
  terminateInstancesCall,
} from '../../src/aws/ec2-query.js';
import { AwsCallError } from '../../src/aws/signed-call.js';
import { isTransient } from '../../src/lambda/middleware/transient-errors.js';
import { type Answer, answeringServer } from '../support/answering-server.js';
import { answerInProcess } from '../support/in-process.js';
import { clientRequest, credentials, wire } from '../support/signed-requests.js';

const filters = [
  { Name: 'tag:redblack:cluster', Values: ['web prod&co'] },
  { Name: 'instance-state-name', Values: ['pending', 'running'] },
];

afterEach(() => {
  configureClients({});
  vi.useRealTimers();
});

describe('EC2 Query requests, signed', () => {
  // Every member each operation can be given here, so the order and the flattening are checked too.
  const cases: Array<{ name: string; action: string; params: [string, string][]; command: object }> = [
    {
      name: 'DescribeImages',
      action: 'DescribeImages',
      params: [['ImageId.1', 'ami-1'], ['ImageId.2', 'ami-2'], ['Owner.1', 'self'], ['NextToken', 'tok/=+1'], ['Filter.1.Name', 'tag:redblack:cluster'], ['Filter.1.Value.1', 'web prod&co'], ['Filter.2.Name', 'instance-state-name'], ['Filter.2.Value.1', 'pending'], ['Filter.2.Value.2', 'running']],
      command: new DescribeImagesCommand({ ImageIds: ['ami-1', 'ami-2'], Owners: ['self'], NextToken: 'tok/=+1', Filters: filters }),
    },
    {
      name: 'DeregisterImage',
      action: 'DeregisterImage',
      params: [['ImageId', 'ami-1'], ['DeleteAssociatedSnapshots', 'true']],
      command: new DeregisterImageCommand({ ImageId: 'ami-1', DeleteAssociatedSnapshots: true }),
    },
    {
      name: 'DescribeInstances',
      action: 'DescribeInstances',
      params: [['Filter.1.Name', 'tag:redblack:cluster'], ['Filter.1.Value.1', 'web prod&co'], ['Filter.2.Name', 'instance-state-name'], ['Filter.2.Value.1', 'pending'], ['Filter.2.Value.2', 'running'], ['NextToken', 'n1'], ['MaxResults', '1000']],
      command: new DescribeInstancesCommand({ Filters: filters, NextToken: 'n1', MaxResults: 1000 }),
    },
    {
      name: 'DescribeLaunchTemplateVersions',
      action: 'DescribeLaunchTemplateVersions',
      params: [['LaunchTemplateId', 'lt-0abc'], ['LaunchTemplateVersion.1', '$Default'], ['LaunchTemplateVersion.2', '7']],
      command: new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: 'lt-0abc', Versions: ['$Default', '7'] }),
    },
    {
      name: 'TerminateInstances',
      action: 'TerminateInstances',
      params: [['InstanceId.1', 'i-1'], ['InstanceId.2', 'i-2']],
      command: new TerminateInstancesCommand({ InstanceIds: ['i-1', 'i-2'] }),
    },
    {
      name: 'DescribeTags',
      action: 'DescribeTags',
      params: [['Filter.1.Name', 'key'], ['Filter.1.Value.1', "it's (a) *tag*!"], ['MaxResults', '1000'], ['NextToken', 't2']],
      command: new DescribeTagsCommand({ Filters: [{ Name: 'key', Values: ["it's (a) *tag*!"] }], MaxResults: 1000, NextToken: 't2' }),
    },
  ];
  const places = [
    { place: 'us-east-1', region: 'us-east-1' },
    { place: 'the China partition', region: 'cn-north-1' },
    { place: 'an endpoint (moto)', region: 'us-east-1', endpoint: 'http://127.0.0.1:5000' },
  ];
  for (const c of cases) {
    for (const p of places) {
      it(`signs ${c.name} in ${p.place} exactly as @aws-sdk/client-ec2 does`, async () => {
        // Prepare: one signing time for both
        const at = new Date('2026-11-30T12:00:00Z');
        vi.useFakeTimers({ now: at, toFake: ['Date'] });
        const expected = await clientRequest(EC2Client, c.command, p.region, p.endpoint);

        // Act
        const ours = await signEc2Request(ec2Request(c.action, c.params, p.region, p.endpoint), p.region, credentials, at);

        // Assess
        expect(wire(ours)).toEqual(wire(expected));
      });
    }
  }

  it('encodes as SigV4 wants: space as %20, reserved characters escaped, unreserved kept', () => {
    // Act
    const body = queryBody('DescribeTags', [['Filter.1.Value.1', "a b+c/d:e~f_g-h.i!j'k(l)m*n"]]);

    // Assess
    expect(body).toBe('Action=DescribeTags&Version=2016-11-15&Filter.1.Value.1=a%20b%2Bc%2Fd%3Ae~f_g-h.i%21j%27k%28l%29m%2An');
  });
});

describe('EC2 Query calls over HTTP', () => {
  const http = answeringServer({ contentType: 'text/xml;charset=UTF-8', encode: String });
  afterEach(() => http.close());
  const serve = http.serve;
  const form = (s: { body: string }) => new URLSearchParams(s.body);
  const ok = (action: string, inner: string): Answer => ({
    status: 200,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r-1</requestId>${inner}</${action}Response>`,
  });
  const error = (status: number, code: string, message: string): Answer => ({
    status,
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>req-9</RequestID></Response>`,
  });

  it('reads images across pages, one item or several, entities decoded, and follows nextToken to the end', async () => {
    // Prepare
    const seen = await serve([
      ok('DescribeImages', '<imagesSet><item><imageId>ami-1</imageId><name>web &amp; co</name><imageState>available</imageState><creationDate>2026-10-01T00:00:00.000Z</creationDate><tagSet><item><key>k</key><value>v</value></item></tagSet></item><item><imageId>ami-2</imageId><creationDate>2026-10-02T00:00:00.000Z</creationDate></item></imagesSet><nextToken>p2</nextToken>'),
      ok('DescribeImages', '<imagesSet><item><imageId>ami-3</imageId><creationDate>2026-10-03T00:00:00.000Z</creationDate></item></imagesSet>'),
    ]);

    // Act
    const images = await imagesTagged({ 'redblack:cluster': 'web' });

    // Assess
    expect(images).toEqual([
      { ImageId: 'ami-1', Name: 'web & co', State: 'available', CreationDate: '2026-10-01T00:00:00.000Z' },
      { ImageId: 'ami-2', CreationDate: '2026-10-02T00:00:00.000Z' },
      { ImageId: 'ami-3', CreationDate: '2026-10-03T00:00:00.000Z' },
    ].map((i) => ({ Name: undefined, State: undefined, ...i })));
    expect(seen.map((s) => [form(s).get('Action'), form(s).get('Owner.1'), form(s).get('Filter.1.Name'), form(s).get('NextToken')])).toEqual([
      ['DescribeImages', 'self', 'tag:redblack:cluster', null],
      ['DescribeImages', 'self', 'tag:redblack:cluster', 'p2'],
    ]);
  });

  it('reads an empty set as no items, and the other outputs as the client names them', async () => {
    // Prepare
    await serve([
      ok('DescribeImages', '<imagesSet/>'),
      ok('DescribeInstances', '<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item><instanceId>i-1</instanceId><launchTime>2026-11-30T10:00:00.000Z</launchTime></item><item><instanceId>i-2</instanceId><launchTime>2026-11-30T11:00:00.000Z</launchTime></item></instancesSet></item></reservationSet>'),
      ok('DescribeLaunchTemplateVersions', '<launchTemplateVersionSet><item><launchTemplateId>lt-1</launchTemplateId><versionNumber>7</versionNumber><launchTemplateData><imageId>ami-7</imageId><tagSpecificationSet><item><resourceType>instance</resourceType></item></tagSpecificationSet></launchTemplateData></item></launchTemplateVersionSet>'),
      ok('TerminateInstances', '<instancesSet><item><instanceId>i-1</instanceId><currentState><code>32</code><name>shutting-down</name></currentState><previousState><code>16</code><name>running</name></previousState></item></instancesSet>'),
      ok('DescribeTags', '<tagSet><item><resourceId>i-1</resourceId><resourceType>instance</resourceType><key>k</key><value/></item></tagSet>'),
    ]);

    // Act
    const images = await describeImages({ Owners: ['self'] });
    const instances = await describeInstances({ Filters: filters });
    const versions = await describeLaunchTemplateVersions({ LaunchTemplateId: 'lt-1', Versions: ['$Default'] });
    const terminated = await terminateInstancesCall({ InstanceIds: ['i-1'] });
    const tags = await describeTags({ Filters: [{ Name: 'key', Values: ['k'] }] });

    // Assess
    expect(images).toEqual({ Images: [], NextToken: undefined });
    expect(instances.Reservations).toEqual([{ Instances: [{ InstanceId: 'i-1', LaunchTime: new Date('2026-11-30T10:00:00.000Z') }, { InstanceId: 'i-2', LaunchTime: new Date('2026-11-30T11:00:00.000Z') }] }]);
    expect(versions).toEqual({ LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-1', VersionNumber: 7, LaunchTemplateData: { ImageId: 'ami-7' } }] });
    expect(terminated).toEqual({ TerminatingInstances: [{ InstanceId: 'i-1', CurrentState: { Name: 'shutting-down' }, PreviousState: { Name: 'running' } }] });
    expect(tags.Tags).toEqual([{ ResourceId: 'i-1', ResourceType: 'instance', Key: 'k', Value: '' }]);
  });

  it('names an error after its <Code>, as the client does: a missing image is "none", deregistering one is done', async () => {
    // Prepare
    const seen = await serve([error(400, 'InvalidAMIID.NotFound', "The image id '[ami-9]' does not exist")]);

    // Act
    const err = await describeImages({ ImageIds: ['ami-9'] }).catch((e: unknown) => e);
    const own = await describeOwnImage('ami-9');
    await deregisterImage('ami-9');

    // Assess
    expect(err).toBeInstanceOf(AwsCallError);
    expect(err).toMatchObject({ name: 'InvalidAMIID.NotFound', $fault: 'client', $metadata: { httpStatusCode: 400, requestId: 'req-9' }, message: expect.stringContaining('does not exist') });
    expect(own).toBeUndefined();
    expect(seen).toHaveLength(3);
  });

  it('terminates one by one when EC2 knows one id no more, sparing the others', async () => {
    // Prepare
    const seen = await serve([
      error(400, 'InvalidInstanceID.NotFound', "The instance ID 'i-gone' does not exist"),
      ok('TerminateInstances', '<instancesSet><item><instanceId>i-1</instanceId><previousState><name>running</name></previousState></item></instancesSet>'),
      error(400, 'InvalidInstanceID.NotFound', "The instance ID 'i-gone' does not exist"),
    ]);

    // Act
    const terminated = await terminateInstances(['i-1', 'i-gone']);

    // Assess
    expect(terminated).toEqual(['i-1']);
    expect(seen.map((s) => [...form(s).entries()].filter(([k]) => k.startsWith('InstanceId')).map(([, v]) => v))).toEqual([['i-1', 'i-gone'], ['i-1'], ['i-gone']]);
  });

  it('retries RequestLimitExceeded (EC2 throttling) and succeeds on the next attempt', async () => {
    // Prepare
    const seen = await serve([error(503, 'RequestLimitExceeded', 'Request limit exceeded.'), ok('DescribeTags', '<tagSet><item><resourceId>i-1</resourceId><key>k</key><value>v</value></item></tagSet>')]);

    // Act
    const ids = await instanceIdsTagged('k', 'v');

    // Assess
    expect(ids).toEqual(['i-1']);
    expect(seen).toHaveLength(2);
  });

  it('gives up on 5xx after maxAttempts with an error the step wrapper treats as transient; no code reads "Unknown"', async () => {
    // Prepare
    const seen = await serve([{ status: 500, body: '<html>Internal error</html>' }]);

    // Act
    const err = await describeTags({}).catch((e: unknown) => e);

    // Assess
    expect(seen).toHaveLength(3);
    expect(err).toMatchObject({ name: 'Unknown', $fault: 'server', $metadata: { httpStatusCode: 500 } });
    expect(isTransient(err)).toBe(true);
  });
});

describe('EC2 Query calls in process', () => {
  it('go through the configured middleware and tap as EC2Client commands, with the input as given', async () => {
    // Prepare: the first call throttled, then answered
    const calls = answerInProcess(() => ({ Images: [{ ImageId: 'ami-1', State: 'available', Architecture: 'arm64' }] }), { name: 'RequestLimitExceeded', fault: 'client', status: 503 });

    // Act
    const image = await describeOwnImage('ami-1');

    // Assess
    expect(image).toMatchObject({ ImageId: 'ami-1', State: 'available' });
    expect(calls).toEqual([
      'tap EC2Client DescribeImagesCommand',
      'answer DescribeImagesCommand {"ImageIds":["ami-1"],"Owners":["self"]}',
      'tap EC2Client DescribeImagesCommand',
      'answer DescribeImagesCommand {"ImageIds":["ami-1"],"Owners":["self"]}',
    ]);
  });
});
