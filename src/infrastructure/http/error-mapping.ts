import type { Response } from 'express';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, BadUserInputError } from '../../shared/errors';
import type { Logger } from '../logger';
import { noteError, observationOf } from './request-observation';

// The one place where errors become answers, for GraphQL and for the plain HTTP routes (files in and
// out) alike: our codes pass through with their problems; anything unexpected is logged and, in
// production, reported without internals.

export interface ErrorBody {
  code: string;
  message: string;
  problems?: BadUserInputError['problems'];
}

function bodyOf(error: AppError): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message };
  if (error instanceof BadUserInputError) body.problems = error.problems;
  return body;
}

/** For errors thrown before GraphQL runs (authentication in the context function): code and HTTP status kept. */
export function toGraphQLError(error: unknown): unknown {
  if (!(error instanceof AppError)) return error;
  const { message, ...extensions } = bodyOf(error);
  return new GraphQLError(message, { extensions: { ...extensions, http: { status: error.httpStatus } } });
}

export function createErrorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
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

export function httpErrorBody(error: unknown, production: boolean): { status: number; body: ErrorBody } {
  if (error instanceof AppError) return { status: error.httpStatus, body: bodyOf(error) };
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
  if (status >= 500) logger.error({ err: error, requestId: observation?.requestId }, 'unexpected error in an HTTP route');
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(status).json({ ...extra, ...body, ...(observation ? { requestId: observation.requestId } : {}) });
}
