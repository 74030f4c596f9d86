import jwt from 'jsonwebtoken';
import { describe, expect, it, vi } from 'vitest';
import { signToken, VERIFIED_TOKENS_KEPT, verifyToken } from '../../src/shared/auth';
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

describe('verifyToken with verified tokens kept', () => {
  it('should verify a token seen before without verifying its signature again', () => {
    const token = signToken({ ...viewer, subject: 'kept-once' }, FIRST);
    const calls = vi.spyOn(jwt, 'verify');
    try {
      const first = verifyToken(token, FIRST);
      const again = verifyToken(token, FIRST);
      expect(again).toBe(first);
      expect(calls).toHaveBeenCalledTimes(1);
      // The same viewer goes to every request with this token: nobody may change it.
      expect(Object.isFrozen(first)).toBe(true);
    } finally {
      calls.mockRestore();
    }
  });

  it('should refuse a kept token once it has expired, and under a stricter lifetime policy', () => {
    const token = signToken({ ...viewer, subject: 'kept-expiring' }, FIRST, 60);
    expect(verifyToken(token, FIRST).subject).toBe('kept-expiring');
    expect(() => verifyToken(token, FIRST, { maxLifetimeSeconds: 30 })).toThrow(/lives longer than the maximum of 30 s/);
    vi.useFakeTimers({ now: Date.now() + 61_000 });
    try {
      expect(() => verifyToken(token, FIRST)).toThrow(/the token has expired/);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should keep nothing of a token that failed, and never let a kept token pass under another secret', () => {
    const token = signToken({ ...viewer, subject: 'kept-secret' }, FIRST);
    expect(verifyToken(token, FIRST).subject).toBe('kept-secret');
    expect(() => verifyToken(token, SECOND)).toThrow(UnauthenticatedError);
    const tampered = `${token.slice(0, -2)}${token.endsWith('A') ? 'B' : 'A'}A`;
    for (let round = 0; round < 2; round++) expect(() => verifyToken(tampered, FIRST)).toThrow(UnauthenticatedError);
  });

  it('should keep at most VERIFIED_TOKENS_KEPT tokens, verifying the oldest again after', () => {
    const tokens = Array.from({ length: VERIFIED_TOKENS_KEPT + 1 }, (_, index) =>
      signToken({ ...viewer, subject: `many-${index}` }, SECOND),
    );
    for (const token of tokens) verifyToken(token, SECOND);
    const calls = vi.spyOn(jwt, 'verify');
    try {
      verifyToken(tokens.at(-1)!, SECOND);
      expect(calls).toHaveBeenCalledTimes(0);
      verifyToken(tokens[0]!, SECOND);
      expect(calls).toHaveBeenCalledTimes(1);
    } finally {
      calls.mockRestore();
    }
  });
});
