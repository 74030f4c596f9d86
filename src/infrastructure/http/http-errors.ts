import type { Response } from 'express';
import { AppError, BadUserInputError } from '../../shared/errors';
import type { Logger } from '../logger';

// The one place where our errors become HTTP answers for the non-GraphQL routes (file import/export):
// the same stable codes as in GraphQL `extensions.code`, and no internals in production.

export interface HttpErrorBody {
  code: string;
  message: string;
  problems?: BadUserInputError['problems'];
}

export function httpErrorBody(error: unknown, production: boolean): { status: number; body: HttpErrorBody } {
  if (error instanceof AppError) {
    const body: HttpErrorBody = { code: error.code, message: error.message };
    if (error instanceof BadUserInputError) body.problems = error.problems;
    return { status: error.httpStatus, body };
  }
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
  if (status >= 500) logger.error({ err: error }, 'unexpected error in an HTTP route');
  if (response.headersSent) {
    response.end();
    return;
  }
  response.status(status).json({ ...extra, ...body });
}
