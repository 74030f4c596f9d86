import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { AppError, BadUserInputError } from '../shared/errors';
import type { Logger } from '../infrastructure/logger';

// The one place where errors become GraphQL errors: our codes pass through with their problems;
// anything unexpected is logged and, in production, reported without internals.

export function createErrorFormatter(logger: Logger, production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      const extensions: Record<string, unknown> = { code: original.code };
      if (original instanceof BadUserInputError) extensions.problems = original.problems;
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions };
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
