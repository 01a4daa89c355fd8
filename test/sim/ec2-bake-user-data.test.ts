/** The simulated builder reads the bake script the pipeline writes, whatever the artifact's key. */
import { describe, expect, it } from 'vitest';
import { parseBuilder } from '../../sim/services/ec2/lifecycle.js';
import { bakeUserData } from '../../src/domain/user-data.js';

describe('a builder reads the artifact from the bake user data', () => {
  it.each([
    'releases/web-prod/1.1.0/web-1.1.0.tgz',
    "releases/web-prod/1.1.0/it's a 'tgz'",
    'releases/web-prod/1.1.0/line\u2028separator.tgz',
    'releases/web-prod/1.1.0/$(reboot) `x` "y".tgz',
  ])('%s', (key) => {
    // Act
    const builder = parseBuilder(bakeUserData({ bucket: 'art-1', key, versionId: 'v1', installCommand: '/opt/redblack/install.sh' }));
    // Assess
    expect(builder).toEqual({ bucket: 'art-1', key, versionId: 'v1', release: '1.1.0' });
  });

  it('is no builder without the artifact line', () => {
    expect(parseBuilder(Buffer.from('#!/bin/bash\necho hi\n').toString('base64'))).toBeUndefined();
  });
});
