import { describe, expect, it } from 'vitest';
import { GraphQLError } from 'graphql';
import { isDatabaseUnavailable } from '../../src/infrastructure/database/unavailable';
import { createErrorFormatter, httpErrorBody } from '../../src/infrastructure/http/error-mapping';
import { createLogger } from '../../src/infrastructure/logger';

// Which errors mean "the database is away" (answered SERVICE_UNAVAILABLE, 503) and which stay faults
// (INTERNAL_SERVER_ERROR) or data problems: the shapes pg, knex and MikroORM really produce.

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['connection refused', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['connection reset', withCode('read ECONNRESET', 'ECONNRESET')],
    [
      'localhost refused on both addresses',
      Object.assign(new AggregateError([withCode('a', 'ECONNREFUSED'), withCode('b', 'ECONNREFUSED')]), { code: 'ECONNREFUSED' }),
    ],
    ['admin shutdown 57P01', withCode('terminating connection due to administrator command', '57P01')],
    ['crash shutdown 57P02', withCode('terminating connection because of crash of another server process', '57P02')],
    ['cannot connect now 57P03', withCode('the database system is starting up', '57P03')],
    ['class 08 connection failure', withCode('connection failure', '08006')],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg Pool: connect timeout', new Error('timeout exceeded when trying to connect')],
    ['pg Client (knex): connect timeout', new Error('timeout expired')],
    [
      'knex: pool acquire timeout',
      Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }),
    ],
    ['wrapped as a cause', new Error('query failed', { cause: withCode('x', 'ECONNREFUSED') })],
  ])('%s: unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['unique violation 23505', withCode('duplicate key value violates unique constraint', '23505')],
    ['undefined table 42P01', withCode('relation "x" does not exist', '42P01')],
    ['statement timeout 57014 (a slow query, not an outage)', withCode('canceling statement due to statement timeout', '57014')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error', 'ECONNREFUSED'],
    ['null', null],
  ])('%s: not unavailable', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});

describe('the mapping of an outage', () => {
  const refused = withCode('connect ECONNREFUSED 10.0.0.7:5432', 'ECONNREFUSED');

  it('should answer a file route 503 SERVICE_UNAVAILABLE without the address, in production and not', () => {
    for (const production of [true, false]) {
      const { status, body } = httpErrorBody(refused, production);
      expect(status).toBe(503);
      expect(body.code).toBe('SERVICE_UNAVAILABLE');
      expect(body.message).not.toContain('10.0.0.7');
    }
  });

  it('should format a resolver error SERVICE_UNAVAILABLE, and keep a bug INTERNAL_SERVER_ERROR', () => {
    const format = createErrorFormatter(createLogger('silent'), true);
    const wrapped = (error: Error) => new GraphQLError(error.message, { originalError: error, path: ['persons'] });
    const outage = format({ message: refused.message, path: ['persons'] }, wrapped(refused));
    expect(outage.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' });
    expect(outage.message).not.toContain('10.0.0.7');
    const bug = format({ message: 'boom', path: ['persons'] }, wrapped(new Error('boom')));
    expect(bug.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
