/** tolerate / isAwsError: an expected AWS error becomes an answer; every other error still throws. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAwsError, tolerate } from '../../src/aws/not-found.js';

const awsError = (name: string, message = 'from AWS') => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

describe('isAwsError', () => {
  it('matches a code, a pattern of codes or a test of the error', () => {
    // Prepare
    const e = awsError('ValidationError', 'AutoScalingGroup name not found - web-v001');
    // Assess
    expect(isAwsError(e, 'ValidationError')).toBe(true);
    expect(isAwsError(awsError('InvalidAMIID.Unavailable'), /^InvalidAMIID\./)).toBe(true);
    expect(isAwsError(e, (x) => /not found/.test(x.message))).toBe(true);
    expect(isAwsError(e, 'Throttling', /NotFound/)).toBe(false);
  });

  it('never matches what is not an error', () => {
    expect(isAwsError(undefined, /./)).toBe(false);
    expect(isAwsError('ValidationError', 'ValidationError')).toBe(false);
    expect(isAwsError({ name: 42 }, () => true)).toBe(false);
  });
});

describe('tolerate', () => {
  it("gives the call's result when it succeeds", async () => {
    await expect(tolerate('NotFound', Promise.resolve({ Item: 1 }))).resolves.toEqual({ Item: 1 });
  });

  it('gives undefined, or the fallback, when the call fails with a named error', async () => {
    await expect(tolerate('ParameterNotFound', Promise.reject(awsError('ParameterNotFound')))).resolves.toBeUndefined();
    await expect(tolerate(['NoSuchKey', 'NotFound'], Promise.reject(awsError('NotFound')), false)).resolves.toBe(false);
    await expect(tolerate(/^InvalidAMIID\./, Promise.reject(awsError('InvalidAMIID.Malformed')), 'none')).resolves.toBe('none');
  });

  it('throws every other error unchanged (a transient one must still reach the retry)', async () => {
    // Prepare: any error name but the tolerated one
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((n) => n !== 'ResourceNotFoundException'),
        async (name) => {
          const e = awsError(name);
          // Act + Assess
          await expect(tolerate('ResourceNotFoundException', Promise.reject(e), true)).rejects.toBe(e);
        },
      ),
      { numRuns: 50 },
    );
  });
});
