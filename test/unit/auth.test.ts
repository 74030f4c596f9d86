import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/shared/auth';
import { UnauthenticatedError } from '../../src/shared/errors';

// verifyToken reuses one prepared key per secret (issue 11): the reuse must never let one secret's key
// verify a token for another.

const FIRST = 'first-secret-of-enough-length-0123456789';
const SECOND = 'second-secret-of-enough-length-0123456789';
const viewer = { subject: 'alice', department: 'CIVIL_AFFAIRS' as const, county: '530102' };

describe('verifyToken with prepared keys', () => {
  it('should verify each secret’s own tokens and refuse the other’s, in any order, repeatedly', () => {
    const first = signToken(viewer, FIRST);
    const second = signToken({ ...viewer, county: null }, SECOND);
    for (let round = 0; round < 3; round++) {
      expect(verifyToken(first, FIRST)).toEqual(viewer);
      expect(() => verifyToken(first, SECOND)).toThrow(UnauthenticatedError);
      expect(verifyToken(second, SECOND)).toEqual({ ...viewer, county: null });
      expect(() => verifyToken(second, FIRST)).toThrow(UnauthenticatedError);
    }
  });
});
