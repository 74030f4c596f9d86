import cors from 'cors';
import type { RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { viewerFromHeader, type TokenPolicy, type Viewer } from '../../shared/auth';
import { AppError } from '../../shared/errors';
import { sendJsonError } from './json-errors';

// Security headers, CORS and the bearer-token gate that runs before every route (issue 9 point 2).

/**
 * Helmet's headers with a CSP that lets a page served by this server (the explorer) load its own
 * scripts, styles, fonts and workers from 'self', and nothing from elsewhere. Inline styles are allowed
 * because editor components inject them; inline scripts are not.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The API is read by portals of other origins only through CORS; no page of ours is framed.
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

/** CORS for the listed origins only; with none listed no CORS header is sent (same origin only). */
export function corsPolicy(allowedOrigins: readonly string[]): RequestHandler | null {
  if (allowedOrigins.length === 0) return null;
  return cors({
    origin: [...allowedOrigins],
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'],
    exposedHeaders: ['retry-after', 'ratelimit', 'ratelimit-policy', 'x-request-id'],
    maxAge: 600,
  });
}

/** The caller as the gate saw it: a verified viewer, or null for an anonymous request. */
export function viewerOf(response: Response): Viewer | null {
  return (response.locals.viewer as Viewer | undefined) ?? null;
}

/**
 * Verifies the bearer token once, before every route, with the configured lifetime policy, and keeps
 * the viewer for the rate limiter. A bad token is answered 401 after the rate limiter has counted it
 * (per address), so retrying bad tokens is limited too.
 */
export function tokenGate(secret: string, policy: TokenPolicy): { identify: RequestHandler; refuseBadToken: RequestHandler } {
  return {
    identify: (request, response, next) => {
      try {
        response.locals.viewer = viewerFromHeader(request.headers.authorization, secret, policy);
      } catch (error) {
        if (!(error instanceof AppError)) return next(error);
        response.locals.viewer = null;
        response.locals.authError = error;
      }
      next();
    },
    refuseBadToken: (request, response, next) => {
      const error = response.locals.authError as AppError | undefined;
      if (!error) return next();
      // Answer without reading a body (an upload, say) that will not be used.
      request.resume();
      sendJsonError(request, response, error.httpStatus, error.code, error.message);
    },
  };
}
