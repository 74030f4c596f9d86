import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { Logger } from 'pino';
import { isDatabaseUnavailable } from '../database/unavailable';
import { noteError, observationOf } from './request-observation';

// Every answer that is not a GraphQL result is still JSON with a stable code, never Express's HTML
// page: malformed JSON, a body over the limit, unknown routes, unsupported methods, unexpected errors.
// GraphQL endpoints answer in the GraphQL shape ({ errors: [{ message, extensions: { code } }] }),
// the file routes in theirs ({ code, message }).

export type HttpErrorCode =
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'RATE_LIMITED'
  | 'UNAUTHENTICATED'
  | 'INTERNAL_SERVER_ERROR'
  | 'QUERY_TOO_COMPLEX'
  | 'PERSISTED_QUERY_NOT_FOUND'
  | 'OPERATION_NOT_ALLOWED'
  | 'INTROSPECTION_DISABLED'
  | 'SERVICE_UNAVAILABLE';

export function isGraphQLPath(path: string): boolean {
  return path === '/graphql' || path.startsWith('/graphql/');
}

/** The full path, also inside a router mounted at a prefix (where request.path is relative). */
function pathOf(request: Request): string {
  return request.originalUrl.split('?')[0] ?? request.path;
}

export function sendJsonError(
  request: Request,
  response: Response,
  status: number,
  code: HttpErrorCode | string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  const observation = observationOf(response);
  noteError(observation, code, extensions);
  if (response.headersSent) {
    response.end();
    return;
  }
  // The request id in every error, so that a caller's report can be found in the logs.
  const requestId = observation ? { requestId: observation.requestId } : {};
  const body = isGraphQLPath(pathOf(request))
    ? { errors: [{ message, extensions: { code, ...extensions, ...requestId } }] }
    : { code, message, ...extensions, ...requestId };
  response.status(status).json(body);
}

/** express.json with a byte limit; its errors reach jsonErrorHandler. */
export function jsonBody(maxBytes: number): RequestHandler {
  return express.json({ limit: maxBytes });
}

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  charset?: string;
  encoding?: string;
}

interface RouterLayer {
  route?: { methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
  match(path: string): { path: string } | false;
}

/** Methods that some route answers for this path (Express keeps its routes in app.router.stack). */
function methodsFor(stack: RouterLayer[] | undefined, path: string): Set<string> {
  const methods = new Set<string>();
  for (const layer of stack ?? []) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) {
      for (const [method, enabled] of Object.entries(layer.route.methods))
        if (enabled && method !== '_all') methods.add(method.toUpperCase());
    } else if (layer.handle.stack) {
      const rest = path.slice(matched.path.length) || '/';
      for (const method of methodsFor(layer.handle.stack, rest)) methods.add(method);
    }
  }
  return methods;
}

/** The last handler: 405 when the path exists with other methods, else 404. */
export function notFoundHandler(app: Express): RequestHandler {
  return (request, response) => {
    const methods = methodsFor((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, request.path);
    if (methods.has('GET')) methods.add('HEAD');
    if (methods.size > 0 && !methods.has(request.method)) {
      response.setHeader('allow', [...methods].sort().join(', '));
      sendJsonError(
        request,
        response,
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not supported on ${pathOf(request)}; use ${[...methods].sort().join(' or ')}`,
      );
      return;
    }
    sendJsonError(request, response, 404, 'NOT_FOUND', `No route ${request.method} ${pathOf(request)}`);
  };
}

/** The error handler: body-parser refusals become coded 4xx; anything else a 500 without internals in production. */
export function jsonErrorHandler(logger: Logger, production: boolean): ErrorRequestHandler {
  return (error: unknown, request, response, _next) => {
    const parserError = (error ?? {}) as BodyParserError;
    switch (parserError.type) {
      case 'entity.parse.failed':
        return sendJsonError(request, response, 400, 'BAD_REQUEST', 'The request body is not valid JSON');
      case 'entity.too.large':
        return sendJsonError(
          request,
          response,
          413,
          'PAYLOAD_TOO_LARGE',
          `The request body is over the limit of ${parserError.limit} bytes`,
          {
            limit: { name: 'maxBodyBytes', value: parserError.limit },
          },
        );
      case 'charset.unsupported':
      case 'encoding.unsupported':
        return sendJsonError(
          request,
          response,
          415,
          'UNSUPPORTED_MEDIA_TYPE',
          `Unsupported ${parserError.charset ? 'charset' : 'content encoding'}`,
        );
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        return sendJsonError(request, response, 400, 'BAD_REQUEST', 'The request body could not be read');
    }
    if (typeof parserError.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      return sendJsonError(request, response, parserError.status, 'BAD_REQUEST', 'The request could not be read');
    }
    if (isDatabaseUnavailable(error)) {
      logger.warn(
        { err: error, path: request.path, requestId: observationOf(response)?.requestId },
        'database unavailable; answered SERVICE_UNAVAILABLE',
      );
      return sendJsonError(request, response, 503, 'SERVICE_UNAVAILABLE', 'The database is unavailable right now; try again shortly');
    }
    logger.error({ err: error, requestId: observationOf(response)?.requestId }, 'unexpected error in an HTTP handler');
    const message = production ? 'Internal server error' : error instanceof Error ? error.message : String(error);
    sendJsonError(request, response, 500, 'INTERNAL_SERVER_ERROR', message);
  };
}
