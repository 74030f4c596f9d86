import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { getIntrospectionQuery } from 'graphql';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

// Issue 9 point 2: what an anonymous caller learns in production, the headers, CORS, token lifetime,
// and JSON (never HTML) for every error of every endpoint.

interface ErrorBody {
  code?: string;
  message?: string;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

const codeOf = (body: unknown): string | undefined => {
  const typed = body as ErrorBody;
  return typed.errors?.[0]?.extensions?.code ?? typed.code;
};

describe('production mode', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ production: true });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should refuse introspection to anonymous and (by default) authenticated callers at /graphql, and keep __typename', async () => {
    for (const token of [null, app.token('HRSS')]) {
      const result = await app.graphql(getIntrospectionQuery(), {}, token);
      expect(result.status).toBe(403);
      expect(result.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
      const type = await app.graphql('{ __type(name: "Person") { fields { name } } }', {}, token);
      expect(type.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    }
    expect((await app.graphql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('should not suggest field names ("Did you mean …") to a caller who may not introspect', async () => {
    const result = await app.graphql('{ persns { totalCount } }');
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(result.errors?.[0]?.message).toContain('Cannot query field "persns"');
    expect(result.errors?.[0]?.message).not.toContain('Did you mean');
  });

  it('should send security headers with a CSP that allows the server its own scripts, styles and workers', async () => {
    for (const path of ['/graphql', '/healthz', '/no-such-page']) {
      const response = await app.http().get(path);
      const csp = response.headers['content-security-policy'] as string;
      expect(csp, path).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("worker-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['strict-transport-security']).toBeDefined();
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('should send no CORS header for any origin when no origin is allowed', async () => {
    const response = await app.http().post('/graphql').set('origin', 'https://elsewhere.example').send({ query: '{ __typename }' });
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('should refuse a token without exp, and tokens living longer than the maximum, at GraphQL and file routes', async () => {
    const now = Math.floor(Date.now() / 1000);
    const noExp = jwt.sign({ department: 'HRSS' }, TEST_JWT_SECRET, { subject: 'x' });
    const tooLong = jwt.sign({ department: 'HRSS', iat: now, exp: now + 24 * 3600 + 1 }, TEST_JWT_SECRET, { subject: 'x' });
    const noIatTooLong = jwt.sign({ department: 'HRSS', exp: now + 25 * 3600 }, TEST_JWT_SECRET, { subject: 'x', noTimestamp: true });
    const atMaximum = jwt.sign({ department: 'HRSS', iat: now, exp: now + 24 * 3600 }, TEST_JWT_SECRET, { subject: 'x' });
    for (const [token, reason] of [
      [noExp, 'no expiry'],
      [tooLong, 'longer than the maximum'],
      [noIatTooLong, 'longer than the maximum'],
    ] as const) {
      const result = await app.graphql('{ persons { totalCount } }', {}, token);
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(result.errors?.[0]?.message).toContain(reason);
      const file = await app.http().get('/reports/dispatch.csv?month=2024-05').set('authorization', `Bearer ${token}`);
      expect(file.status).toBe(401);
      expect(file.body).toMatchObject({ code: 'UNAUTHENTICATED' });
    }
    const accepted = await app.graphql('{ persons { totalCount } }', {}, atMaximum);
    expect(accepted.errors).toBeUndefined();
  });

  it('should accept what `npm run token` prints, and refuse --hours over the maximum lifetime', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, JWT_SECRET: TEST_JWT_SECRET, NODE_ENV: 'development' };
    const { stdout } = await run('npx', ['tsx', 'src/cli/token.ts', '--department', 'HRSS'], { env });
    const result = await app.graphql('{ persons { totalCount } }', {}, stdout.trim());
    expect(result.errors).toBeUndefined();
    await expect(run('npx', ['tsx', 'src/cli/token.ts', '--department', 'HRSS', '--hours', '25'], { env })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('maximum token lifetime of 24 h') as unknown,
    });
  }, 30_000);

  it('should answer malformed JSON with a JSON BAD_REQUEST at every GraphQL endpoint', async () => {
    for (const path of ['/graphql', '/graphql/hrss', '/graphql/tax']) {
      const response = await app.http().post(path).set('content-type', 'application/json').send('{"query": "{ __typename }"');
      expect(response.status, path).toBe(400);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(codeOf(response.body)).toBe('BAD_REQUEST');
      expect(response.text).not.toContain('<');
    }
  });

  it('should answer a POST body that is not JSON with a JSON UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await app.http().post('/graphql').set('content-type', 'text/plain').send('{ __typename }');
    expect(response.status).toBe(415);
    expect(codeOf(response.body)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('should answer unknown routes with a JSON NOT_FOUND and unsupported methods with a JSON METHOD_NOT_ALLOWED', async () => {
    for (const path of ['/', '/nothing-here', '/graphql/police', '/rosters/nothing']) {
      const response = await app.http().get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect(codeOf(response.body)).toBe('NOT_FOUND');
    }
    const cases: Array<[method: 'put' | 'delete' | 'patch' | 'get', path: string, allow: string]> = [
      ['put', '/graphql', 'GET, POST'],
      ['delete', '/graphql/civil-affairs', 'GET, POST'],
      ['delete', '/healthz', 'GET, HEAD'],
      ['patch', '/readyz', 'GET, HEAD'],
      ['get', '/rosters/import', 'POST'],
      ['get', '/payments/import', 'POST'],
      ['put', '/reports/dispatch.csv', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await app.http()[method](path);
      expect(response.status, `${method} ${path}`).toBe(405);
      expect(response.headers.allow).toBe(allow);
      expect(codeOf(response.body)).toBe('METHOD_NOT_ALLOWED');
      expect(response.headers['content-type']).toMatch(/application\/json/);
    }
  });
});

describe('introspection, CORS and suggestions settings', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({
      production: true,
      protections: { introspection: 'authenticated', corsOrigins: ['https://portal.example.org'] },
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should let token holders introspect when PA_INTROSPECTION=authenticated, and still refuse anonymous callers', async () => {
    const anonymous = await app.graphql(getIntrospectionQuery());
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('INTROSPECTION_DISABLED');
    const hrss = await app.graphql<{ __schema: { queryType: { name: string } } }>(getIntrospectionQuery(), {}, app.token('HRSS'));
    expect(hrss.errors).toBeUndefined();
    expect(hrss.data?.__schema.queryType.name).toBe('Query');
    const view = await app.graphql(getIntrospectionQuery(), {}, app.token('TAX'), '/graphql/tax');
    expect(view.errors).toBeUndefined();
    const suggestion = await app.graphql('{ persns { totalCount } }', {}, app.token('HRSS'));
    expect(suggestion.errors?.[0]?.message).toContain('Did you mean');
  });

  it('should allow CORS for a listed origin only, preflight included', async () => {
    const listed = await app
      .http()
      .options('/graphql')
      .set('origin', 'https://portal.example.org')
      .set('access-control-request-method', 'POST')
      .set('access-control-request-headers', 'authorization, content-type');
    expect(listed.status).toBe(204);
    expect(listed.headers['access-control-allow-origin']).toBe('https://portal.example.org');
    expect(listed.headers['access-control-allow-headers']).toContain('authorization');
    const other = await app.http().post('/graphql').set('origin', 'https://elsewhere.example').send({ query: '{ __typename }' });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const simple = await app.http().post('/graphql').set('origin', 'https://portal.example.org').send({ query: '{ __typename }' });
    expect(simple.headers['access-control-allow-origin']).toBe('https://portal.example.org');
    // A portal reads the request id to quote it in a support request.
    expect(simple.headers['access-control-expose-headers']).toContain('x-request-id');
  });
});
