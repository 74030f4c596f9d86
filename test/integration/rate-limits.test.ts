import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 9 point 4: per token subject for authenticated calls, per client address for anonymous ones
// (bad tokens included); 429 with Retry-After and a coded JSON body; probes are never limited.

interface Body {
  code?: string;
  message?: string;
  errors?: Array<{ message: string; extensions?: { code?: string; limit?: { name: string; value: number } } }>;
}

describe('rate limits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ protections: { rateLimits: { windowSeconds: 60, authenticated: 3, anonymous: 2 } } });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer the anonymous caller 429 with Retry-After and RATE_LIMITED once over the per-address limit', async () => {
    expect((await app.graphql('{ __typename }')).status).toBe(200);
    // A bad token counts as anonymous: it cannot be used to get around the address limit.
    const badToken = await app.http().post('/graphql').set('authorization', 'Bearer not-a-token').send({ query: '{ __typename }' });
    expect(badToken.status).toBe(401);
    const refused = await app.http().post('/graphql').send({ query: '{ __typename }' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(refused.headers['content-type']).toMatch(/application\/json/);
    const error = (refused.body as Body).errors?.[0];
    expect(error?.extensions?.code).toBe('RATE_LIMITED');
    expect(error?.extensions?.limit).toEqual({ name: 'rateLimitAnonymous', value: 2 });
    expect(error?.message).toContain('at most 2 per 60 s per client address');
    // The file routes answer in their own shape.
    const file = await app.http().get('/reports/dispatch.csv?month=2024-05');
    expect(file.status).toBe(429);
    expect((file.body as Body).code).toBe('RATE_LIMITED');
  });

  it('should count each token subject on its own, apart from the address', async () => {
    const alice = app.token('HRSS', null, 'alice');
    const bob = app.token('HRSS', null, 'bob');
    for (let index = 0; index < 3; index += 1) expect((await app.graphql('{ __typename }', {}, alice)).status).toBe(200);
    const refused = await app.graphql('{ __typename }', {}, alice);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(refused.errors?.[0]?.message).toContain('per token subject');
    // Another department's token with the same subject is the same caller.
    expect((await app.graphql('{ __typename }', {}, app.token('TAX', null, 'alice'))).status).toBe(429);
    expect((await app.graphql('{ __typename }', {}, bob)).status).toBe(200);
  });

  it('should never limit the health probes', async () => {
    for (let index = 0; index < 5; index += 1) {
      expect((await app.http().get('/healthz')).status).toBe(200);
      expect((await app.http().get('/readyz')).status).toBe(200);
    }
  });
});
