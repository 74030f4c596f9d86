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

/** Tokens must expire: `exp` is required, and neither exp − iat nor exp − now may exceed the maximum. */
export interface TokenPolicy {
  maxLifetimeSeconds: number;
}

/** `exp` required, lifetime unchecked: what callers get without a policy (the server's gate applies the configured one). */
export const EXPIRY_REQUIRED: TokenPolicy = { maxLifetimeSeconds: Number.POSITIVE_INFINITY };

/** Verifies an HS256 token and turns its claims into a Viewer; anything off is UNAUTHENTICATED. */
export function verifyToken(token: string, secret: string, policy: TokenPolicy = EXPIRY_REQUIRED): Viewer {
  let claims: jwt.JwtPayload | string;
  try {
    claims = jwt.verify(token, secret, { algorithms: ['HS256'] });
  } catch (error) {
    const reason = error instanceof jwt.TokenExpiredError ? 'the token has expired' : 'the token is not valid';
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
  return { subject: sub, department, county: (county as string | null | undefined) ?? null };
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
