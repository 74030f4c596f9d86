import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isCountyCode } from './county';
import { isDepartment, type Department } from './domain';
import { UnauthenticatedError } from './errors';

/** Who is asking: from the bearer token's claims (DESIGN.md §6). `county` null = city level. */
export interface Viewer {
  subject: string;
  department: Department;
  county: string | null;
}

export function isCityLevel(viewer: Viewer): boolean {
  return viewer.county === null;
}

// Handed a string, jsonwebtoken builds a key object on every call (first trying it as a public key, which
// throws): 9.4% of a page's CPU in issue 11's profile. The KeyObject is made once per secret and reused.
const secretKeys = new Map<string, KeyObject>();

function secretKeyOf(secret: string): KeyObject {
  let key = secretKeys.get(secret);
  if (key === undefined) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}

/** Tokens must expire: `exp` is required, and neither exp − iat nor exp − now may exceed the maximum. */
export interface TokenPolicy {
  maxLifetimeSeconds: number;
}

/** `exp` required, lifetime unchecked: what callers get without a policy (the server's gate applies the configured one). */
export const EXPIRY_REQUIRED: TokenPolicy = { maxLifetimeSeconds: Number.POSITIVE_INFINITY };

// A token that verified once verifies again while it has not expired: its signature is over the same bytes. So the
// viewers of the most recently seen tokens are kept (per secret), and a token seen again costs a lookup and the
// expiry and lifetime checks instead of an HMAC, two base64 decodes and two JSON parses (issue 11: a tenth of the
// CPU of a small request, and every request verifies its token twice, at the gate and in its context). Only tokens
// that passed every check are kept; the expiry and the lifetime policy are checked again on every use.
export const VERIFIED_TOKENS_KEPT = 1000;

interface VerifiedToken {
  viewer: Viewer;
  claims: jwt.JwtPayload;
}

const verifiedBySecret = new Map<string, Map<string, VerifiedToken>>();

const EXPIRED = 'the token has expired';

function keptVerification(token: string, secret: string): VerifiedToken | undefined {
  return verifiedBySecret.get(secret)?.get(token);
}

function keepVerification(token: string, secret: string, verified: VerifiedToken): void {
  let kept = verifiedBySecret.get(secret);
  if (kept === undefined) verifiedBySecret.set(secret, (kept = new Map()));
  // Oldest first: a Map keeps insertion order.
  if (kept.size >= VERIFIED_TOKENS_KEPT) kept.delete(kept.keys().next().value!);
  kept.set(token, verified);
}

/** Verifies an HS256 token and turns its claims into a Viewer; anything off is UNAUTHENTICATED. */
export function verifyToken(token: string, secret: string, policy: TokenPolicy = EXPIRY_REQUIRED): Viewer {
  const kept = keptVerification(token, secret);
  if (kept !== undefined) {
    // As jsonwebtoken decides it: expired once now >= exp. An expired token is not kept any longer.
    if (Math.floor(Date.now() / 1000) >= (kept.claims.exp as number)) {
      verifiedBySecret.get(secret)!.delete(token);
      throw new UnauthenticatedError(`Authentication failed: ${EXPIRED}`);
    }
    assertLifetime(kept.claims, policy);
    return kept.viewer;
  }
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, secretKeyOf(secret), { algorithms: ['HS256'] });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? EXPIRED : 'the token is not valid';
    throw new UnauthenticatedError(`Authentication failed: ${reason}`);
  }
  if (typeof claims === 'string') throw new UnauthenticatedError('Authentication failed: the token has no claims');
  assertLifetime(claims, policy);
  const { sub, department, county } = claims as { sub?: unknown; department?: unknown; county?: unknown };
  if (typeof sub !== 'string' || sub === '') throw new UnauthenticatedError('Authentication failed: the token has no subject');
  if (!isDepartment(department)) throw new UnauthenticatedError('Authentication failed: unknown department');
  if (county !== undefined && county !== null && !isCountyCode(county)) {
    throw new UnauthenticatedError('Authentication failed: unknown county');
  }
  // Frozen: the same viewer is handed to every request that carries this token.
  const viewer: Viewer = Object.freeze({ subject: sub, department, county: (county as string | null | undefined) ?? null });
  keepVerification(token, secret, { viewer, claims });
  return viewer;
}

function assertLifetime(claims: jwt.JwtPayload, policy: TokenPolicy): void {
  const { exp, iat } = claims;
  if (typeof exp !== 'number') throw new UnauthenticatedError('Authentication failed: the token has no expiry (exp)');
  const max = policy.maxLifetimeSeconds;
  const now = Math.floor(Date.now() / 1000);
  if ((typeof iat === 'number' && exp - iat > max) || exp - now > max) {
    throw new UnauthenticatedError(`Authentication failed: the token lives longer than the maximum of ${max} s`);
  }
}

export function signToken(viewer: Viewer, secret: string, expiresInSeconds = 8 * 3600): string {
  const claims: Record<string, string> = { department: viewer.department };
  if (viewer.county !== null) claims.county = viewer.county;
  return jwt.sign(claims, secret, { algorithm: 'HS256', subject: viewer.subject, expiresIn: expiresInSeconds });
}

/** Reads "Authorization: Bearer <token>"; null when there is no header. */
export function viewerFromHeader(header: string | undefined, secret: string, policy?: TokenPolicy): Viewer | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('Authentication failed: expected "Authorization: Bearer <token>"');
  return verifyToken(match[1]!, secret, policy);
}
