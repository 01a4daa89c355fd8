import { describe, expect, it } from 'vitest';
import { isImageId, SUBNET_ID_PATTERN } from '../../src/domain/ids.js';
import { shortHash } from '../../src/domain/hash.js';

describe('resource ids', () => {
  it('accepts 8 and 17 hex digit ids only', () => {
    // Assess
    expect(isImageId('ami-01234567')).toBe(true);
    expect(isImageId('ami-0123456789abcdef0')).toBe(true);
    expect(isImageId('ami-0123456789')).toBe(false);
    expect(isImageId('ami-0123456G')).toBe(false);
    expect(isImageId(7)).toBe(false);
    expect(SUBNET_ID_PATTERN.test('subnet-0123abcd')).toBe(true);
  });
});

describe('shortHash', () => {
  it('is a stable SHA-256 prefix', () => {
    // Assess
    expect(shortHash('abc', 8)).toBe('ba7816bf');
    expect(shortHash('abc', 8)).toBe(shortHash('abc', 8));
  });
});
