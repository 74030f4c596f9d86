import type { Request } from 'express';
import { viewerFromHeader, type TokenPolicy, type Viewer } from '../../shared/auth';
import { UnauthenticatedError } from '../../shared/errors';

// Bearer token → viewer, the same for /graphql, the department views and the file routes.

/** The viewer of the request, or null without an Authorization header; a bad token is UNAUTHENTICATED. */
export function authenticate(request: Request, secret: string, policy?: TokenPolicy): Viewer | null {
  // The token gate in front of every route (security.ts) has verified the token already, under the
  // configured policy, and refused a bad one: verifying it again would be the same work twice per request.
  const identified = request.res?.locals as { viewer?: Viewer | null } | undefined;
  if (identified !== undefined && 'viewer' in identified) return identified.viewer ?? null;
  return viewerFromHeader(request.headers.authorization, secret, policy);
}

/** Where a token is required (files, department views): none is UNAUTHENTICATED too. */
export function requireAuthenticated(request: Request, secret: string, message?: string, policy?: TokenPolicy): Viewer {
  const viewer = authenticate(request, secret, policy);
  if (viewer === null) throw new UnauthenticatedError(message);
  return viewer;
}
