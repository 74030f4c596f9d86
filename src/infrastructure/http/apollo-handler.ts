import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Request, RequestHandler, Response } from 'express';
import type { GraphQLFormattedError } from 'graphql';
import { noteError, observationOf, type RequestObservation } from './request-observation';

// Apollo Server behind Express, as @as-integrations/express5 does it, plus what a request's observation
// needs: every GraphQL error carries the request id (extensions.requestId) and its code is noted for the
// log line. Errors of the request pipeline are stamped by requestIdPlugin on the result object; the few
// answers Apollo gives before its pipeline (a malformed request, a failed context) are stamped here.
// This replaces an AsyncLocalStorage around every request, whose promise hooks cost every promise of
// every request (issue 11).

/** Stamps the formatted errors of one answer with the request id and notes their codes. */
export function stampErrors(observation: RequestObservation, errors: readonly GraphQLFormattedError[]): GraphQLFormattedError[] {
  return errors.map((error) => {
    noteError(observation, error.extensions?.code, error.extensions);
    return { ...error, extensions: { ...error.extensions, requestId: observation.requestId } };
  });
}

/** An answer Apollo gave without running its pipeline: its errors get the request id too. */
function stampedBody(observation: RequestObservation | undefined, body: string): string {
  if (!observation || observation.errorsStamped) return body;
  let parsed: { errors?: unknown } & Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return body;
  }
  if (!Array.isArray(parsed.errors)) return body;
  return `${JSON.stringify({ ...parsed, errors: stampErrors(observation, parsed.errors as GraphQLFormattedError[]) })}\n`;
}

export function apolloHandler<Context extends BaseContext>(
  server: ApolloServer<Context>,
  context: (request: Request, response: Response) => Promise<Context>,
): RequestHandler {
  server.assertStarted('apolloHandler()');
  return async (request, response) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    // What url.parse(request.url).search gave: from the first '?' to a '#', if any.
    const queryAt = request.url.indexOf('?');
    const hashAt = request.url.indexOf('#', queryAt);
    const answer = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: request.method.toUpperCase(),
        headers,
        search: queryAt === -1 ? '' : request.url.slice(queryAt, hashAt === -1 ? undefined : hashAt),
        body: request.body as unknown,
      },
      context: () => context(request, response),
    });
    for (const [key, value] of answer.headers) response.setHeader(key, value);
    response.statusCode = answer.status ?? 200;
    if (answer.body.kind === 'complete') {
      response.send(stampedBody(observationOf(response), answer.body.string));
      return;
    }
    for await (const chunk of answer.body.asyncIterator) response.write(chunk);
    response.end();
  };
}
