import type { RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { RateLimitOptions } from '../../config/protection-settings';
import { sendJsonError } from './json-errors';

export type { RateLimitOptions };
import { viewerOf } from './security';

// Request rate limits (issue 9 point 4): per token subject for authenticated calls, per client address
// for anonymous ones (bad tokens included). Counters live in this process's memory: behind several
// instances each counts on its own. 429 with Retry-After and a coded JSON body.

export const DEFAULT_RATE_LIMITS: RateLimitOptions = { windowSeconds: 60, authenticated: 600, anonymous: 60 };

export function rateLimits(options: RateLimitOptions): RequestHandler[] {
  const limiter = (kind: 'authenticated' | 'anonymous', limit: number): RequestHandler =>
    rateLimit({
      windowMs: options.windowSeconds * 1000,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      identifier: kind,
      skip: (_request, response) => (viewerOf(response) !== null) !== (kind === 'authenticated'),
      keyGenerator: (request, response) => {
        const viewer = viewerOf(response);
        return viewer !== null ? `subject:${viewer.subject}` : `address:${ipKeyGenerator(request.ip ?? 'unknown')}`;
      },
      handler: (request, response) => {
        const who = kind === 'authenticated' ? 'token subject' : 'client address';
        sendJsonError(
          request,
          response,
          429,
          'RATE_LIMITED',
          `Too many requests: at most ${limit} per ${options.windowSeconds} s per ${who}; retry after ${String(response.getHeader('retry-after') ?? options.windowSeconds)} s`,
          { limit: { name: kind === 'authenticated' ? 'rateLimitAuthenticated' : 'rateLimitAnonymous', value: limit } },
        );
      },
    });
  return [
    ...(options.anonymous > 0 ? [limiter('anonymous', options.anonymous)] : []),
    ...(options.authenticated > 0 ? [limiter('authenticated', options.authenticated)] : []),
  ];
}
