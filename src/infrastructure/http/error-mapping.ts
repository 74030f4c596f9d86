import type { Response } from 'express';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { AppError, BadUserInputError, ServiceUnavailableError } from '../../shared/errors';
import { ListTooLargeError, MAX_UNPAGED_LIST } from '../../shared/paging';
import { isDatabaseUnavailable } from '../database/unavailable';
import type { Logger } from '../logger';
import { noteError, observationOf } from './request-observation';

// The one place where errors become answers, for GraphQL and for the plain HTTP routes (files in and
// out) alike: our codes pass through with their problems; anything unexpected is logged and, in
// production, reported without internals.

export interface ErrorBody {
  code: string;
  message: string;
  problems?: BadUserInputError['problems'];
  /** LIST_TOO_LARGE: the list, its limit and the paged field to read it with. */
  list?: { field: string; limit: number; instead: string };
}

function bodyOf(error: AppError): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message };
  if (error instanceof BadUserInputError) body.problems = error.problems;
  if (error instanceof ListTooLargeError) body.list = { field: error.field, limit: MAX_UNPAGED_LIST, instead: error.instead };
  return body;
}

/** A database outage (connection refused, reset, shut down, no connection in time) becomes SERVICE_UNAVAILABLE. */
function asAppError(error: unknown): unknown {
  return !(error instanceof AppError) && isDatabaseUnavailable(error) ? new ServiceUnavailableError() : error;
}

function logUnavailable(logger: Logger, error: unknown): void {
  logger.warn({ err: error }, 'database unavailable; answered SERVICE_UNAVAILABLE');
}

/** For errors thrown before GraphQL runs (authentication in the context function): code and HTTP status kept. */
export function toGraphQLError(error: unknown): unknown {
  const mapped = asAppError(error);
  if (!(mapped instanceof AppError)) return error;
  const { message, ...extensions } = bodyOf(mapped);
  return new GraphQLError(message, { extensions: { ...extensions, http: { status: mapped.httpStatus } } });
}

export function createErrorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const unwrapped = unwrapResolverError(error);
    const original = asAppError(unwrapped);
    if (original instanceof ServiceUnavailableError && original !== unwrapped) logUnavailable(logger, unwrapped);
    if (original instanceof AppError) {
      const { message, ...extensions } = bodyOf(original);
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    const code = formatted.extensions?.code;
    if (original instanceof GraphQLError && typeof code === 'string' && code !== 'INTERNAL_SERVER_ERROR') {
      if (!production) return formatted;
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    logger.error({ err: original, path: formatted.path }, 'unexpected error');
    return {
      message: production ? 'Internal server error' : formatted.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: production ? { code: 'INTERNAL_SERVER_ERROR' } : { ...formatted.extensions, code: 'INTERNAL_SERVER_ERROR' },
    };
  };
}

/**
 * A GraphQL answer whose every error is SERVICE_UNAVAILABLE is sent with HTTP 503 (retry later), as the
 * file routes and /readyz answer; any other error keeps Apollo's status.
 */
export const serviceUnavailableStatusPlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        if (response.body.kind !== 'single') return;
        const errors = response.body.singleResult.errors;
        if (errors && errors.length > 0 && errors.every((error) => error.extensions?.code === 'SERVICE_UNAVAILABLE'))
          response.http.status = 503;
      },
    };
  },
};

export function httpErrorBody(error: unknown, production: boolean): { status: number; body: ErrorBody } {
  const mapped = asAppError(error);
  if (mapped instanceof AppError) return { status: mapped.httpStatus, body: bodyOf(mapped) };
  return {
    status: 500,
    body: { code: 'INTERNAL_SERVER_ERROR', message: production ? 'Internal server error' : ((error as Error)?.message ?? String(error)) },
  };
}

export function sendHttpError(
  response: Response,
  error: unknown,
  logger: Logger,
  production: boolean,
  extra: Record<string, unknown> = {},
): void {
  const { status, body } = httpErrorBody(error, production);
  const observation = observationOf(response);
  noteError(observation, body.code);
  if (body.code === 'SERVICE_UNAVAILABLE') logUnavailable(logger, error);
  else if (status >= 500) logger.error({ err: error, requestId: observation?.requestId }, 'unexpected error in an HTTP route');
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(status).json({ ...extra, ...body, ...(observation ? { requestId: observation.requestId } : {}) });
}
