import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/domain/errors.js';
import { artifactIdentity, bucketProblem, keyProblem, parseDeployInput, parseManualRollback } from '../../src/domain/input.js';
import { anyJson, clusterArb, releaseArb } from './arbitraries.js';

const ARTIFACT = { bucket: 'redblack-artifacts', key: 'releases/web-prod/1.4.2/web.tgz', versionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e' };

function rejection(x: unknown): InvalidInput {
  try {
    parseDeployInput(x);
  } catch (e) {
    if (e instanceof InvalidInput) return e;
    throw e;
  }
  throw new Error('expected InvalidInput');
}

describe('parseDeployInput', () => {
  it('accepts an artifact input', () => {
    // Act
    const input = parseDeployInput({ cluster: 'web-prod', release: '1.4.2', artifact: ARTIFACT });
    // Assess
    expect(input).toEqual({ cluster: 'web-prod', release: '1.4.2', artifact: ARTIFACT });
  });

  it('accepts an image input', () => {
    // Act
    const input = parseDeployInput({ cluster: 'web-prod', release: '1.4.2', imageId: 'ami-0123456789abcdef0' });
    // Assess
    expect(input).toEqual({ cluster: 'web-prod', release: '1.4.2', imageId: 'ami-0123456789abcdef0' });
  });

  it('strips the quotes a console copy of an ETag carries', () => {
    // Act
    const input = parseDeployInput({ cluster: 'web', release: '1', artifact: { bucket: 'b-1', key: 'k', etag: '"b1946ac92492d2347c6235b4d2611184"' } });
    // Assess
    expect(input.artifact?.etag).toBe('b1946ac92492d2347c6235b4d2611184');
  });

  it.each<[string, unknown, string, string]>([
    ['a non-object', 'web-prod', '', 'JSON object'],
    ['no cluster', { release: '1', imageId: 'ami-01234567' }, 'cluster', 'is required'],
    ['a bad cluster', { cluster: 'Web', release: '1', imageId: 'ami-01234567' }, 'cluster', 'lowercase'],
    ['a bad release', { cluster: 'web', release: 'a b', imageId: 'ami-01234567' }, 'release', '1-64'],
    ['a release starting with -', { cluster: 'web', release: '-rf', imageId: 'ami-01234567' }, 'release', 'starting with a letter or a digit'],
    ['a release that is only +', { cluster: 'web', release: '+', imageId: 'ami-01234567' }, 'release', 'starting with a letter or a digit'],
    ['a force that is not a boolean', { cluster: 'web', release: '1', imageId: 'ami-01234567', force: 'yes' }, 'force', 'true or false'],
    ['neither source', { cluster: 'web', release: '1' }, 'artifact', 'one of artifact or imageId'],
    ['both sources', { cluster: 'web', release: '1', imageId: 'ami-01234567', artifact: ARTIFACT }, 'imageId', 'not both'],
    ['a bad image id', { cluster: 'web', release: '1', imageId: 'ami-xyz' }, 'imageId', 'AMI id'],
    ['a misspelt key', { cluster: 'web', release: '1', imageID: 'ami-01234567' }, 'imageID', 'unknown field'],
    ['an uppercase bucket', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, bucket: 'Art' } }, 'artifact.bucket', 'lowercase'],
    ['an IP bucket', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, bucket: '10.0.0.1' } }, 'artifact.bucket', 'IP address'],
    ['a short bucket', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, bucket: 'ab' } }, 'artifact.bucket', '3-63'],
    ['a dotdot bucket', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, bucket: 'a..b' } }, 'artifact.bucket', 'adjacent dots'],
    ['a reserved bucket', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, bucket: 'xn--abc' } }, 'artifact.bucket', 'reserved prefix'],
    ['an empty key', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, key: '' } }, 'artifact.key', 'must not be empty'],
    ['a .. segment', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, key: 'releases/../x.tgz' } }, 'artifact.key', '.. path segments'],
    ['a folder key', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, key: 'releases/web/' } }, 'artifact.key', 'folder'],
    ['a key over 1024 bytes', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, key: 'é'.repeat(513) } }, 'artifact.key', '1024 bytes of UTF-8 (is 1026)'],
    ['a newline in the key', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, key: 'a\nb' } }, 'artifact.key', 'control characters'],
    ['an empty version', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, versionId: '' } }, 'artifact.versionId', 'must not be empty'],
    ['a bad etag', { cluster: 'web', release: '1', artifact: { ...ARTIFACT, etag: 'a b' } }, 'artifact.etag', 'ETag'],
    ['no bucket', { cluster: 'web', release: '1', artifact: { key: 'k' } }, 'artifact.bucket', 'is required'],
  ])('rejects %s, naming the field', (_what, x, field, message) => {
    // Act
    const e = rejection(x);
    // Assess
    expect(e.field).toBe(field);
    expect(e.message).toContain(message);
  });

  it('prefixes field paths when the input sits inside an event', () => {
    // Act
    const act = () => parseDeployInput({ cluster: 'web', release: '1' }, 'detail');
    // Assess
    expect(act).toThrow(expect.objectContaining({ field: 'detail.artifact' }));
  });

  it('property: arbitrary input only ever throws InvalidInput', () => {
    fc.assert(
      fc.property(fc.oneof(anyJson, fc.record({ cluster: anyJson, release: anyJson, artifact: anyJson, imageId: anyJson }, { requiredKeys: [] })), (x) => {
        // Act
        try {
          parseDeployInput(x);
        } catch (e) {
          // Assess
          expect(e).toBeInstanceOf(InvalidInput);
        }
      }),
    );
  });

  it('property: any valid cluster and release with an S3 artifact parse unchanged', () => {
    fc.assert(
      fc.property(clusterArb, releaseArb, fc.string({ minLength: 1, maxLength: 40 }).filter((k) => keyProblem(k) === undefined), (cluster, release, key) => {
        // Prepare
        const x = { cluster, release, artifact: { bucket: 'art-1', key } };
        // Act / Assess
        expect(parseDeployInput(x)).toEqual(x);
      }),
    );
  });
});

describe('bucketProblem / keyProblem', () => {
  it('accepts ordinary names', () => {
    // Assess
    expect(bucketProblem('my.bucket-1')).toBeUndefined();
    expect(keyProblem('releases/web/1.0/web 1.0 (final).tgz')).toBeUndefined();
  });

  it('rejects reserved suffixes and lone surrogates', () => {
    // Assess
    expect(bucketProblem('abc-s3alias')).toContain('reserved suffix');
    expect(keyProblem('a\uD800b')).toContain('Unicode');
    expect(keyProblem('./x')).toContain('path segments');
  });
});

describe('artifactIdentity', () => {
  it('prefers the version id, then the ETag, then the bare URI; an image is its id', () => {
    // Prepare
    const base = { cluster: 'web', release: '1' };
    const a = { bucket: 'b-1', key: 'k' };
    // Act / Assess
    expect(artifactIdentity({ ...base, artifact: { ...a, versionId: 'v1', etag: 'e1' } })).toBe('s3://b-1/k#v1');
    expect(artifactIdentity({ ...base, artifact: { ...a, etag: 'e1' } })).toBe('s3://b-1/k#etag:e1');
    expect(artifactIdentity({ ...base, artifact: a })).toBe('s3://b-1/k');
    expect(artifactIdentity({ ...base, imageId: 'ami-01234567' })).toBe('ami-01234567');
  });

  it('throws when there is no source', () => {
    // Assess
    expect(() => artifactIdentity({ cluster: 'web', release: '1' })).toThrow(InvalidInput);
  });
});

describe('parseManualRollback', () => {
  it('accepts a rollback request with or without a reason', () => {
    // Assess
    expect(parseManualRollback({ action: 'rollback', cluster: 'web-prod' })).toEqual({ action: 'rollback', cluster: 'web-prod' });
    expect(parseManualRollback({ action: 'rollback', cluster: 'web-prod', reason: 'errors' })).toEqual({ action: 'rollback', cluster: 'web-prod', reason: 'errors' });
  });

  it('accepts a server group of the cluster as `to`', () => {
    expect(parseManualRollback({ action: 'rollback', cluster: 'web-prod', to: 'web-prod-v001' })).toEqual({ action: 'rollback', cluster: 'web-prod', to: 'web-prod-v001' });
  });

  it.each<[unknown, string]>([
    [{ action: 'deploy', cluster: 'web' }, 'action'],
    [{ action: 'rollback' }, 'cluster'],
    [{ action: 'rollback', cluster: 'web', force: true }, 'force'],
    [{ action: 'rollback', cluster: 'web', to: 'api-v001' }, 'to'],
    [{ action: 'rollback', cluster: 'web', to: 'web' }, 'to'],
    [null, ''],
  ])('rejects %j naming %j', (x, field) => {
    // Assess
    expect(() => parseManualRollback(x)).toThrow(expect.objectContaining({ name: 'InvalidInput', field }));
  });

  it('property: arbitrary input only ever throws InvalidInput', () => {
    fc.assert(
      fc.property(anyJson, (x) => {
        try {
          parseManualRollback(x);
        } catch (e) {
          expect(e).toBeInstanceOf(InvalidInput);
        }
      }),
    );
  });
});
