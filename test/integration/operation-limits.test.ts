import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPERATION_LIMITS } from '../../src/app/operation-limits';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 9 point 1: every limit refused with its code and the limit named, a request just under it
// accepted, at the full schema and at a department view; the huge alias request refused at the parser.

interface ErrorBody {
  errors?: Array<{ message: string; extensions?: { code?: string; limit?: { name: string; value: number; found?: number } } }>;
  data?: unknown;
}

const aliases = (count: number, field = '__typename') => Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');

describe('operation limits (depth, aliases, root fields, tokens, directives, cost, sizes, batching)', () => {
  let app: TestApp;
  let hrss: string;

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date('2024-06-15T04:00:00Z'),
      protections: { limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 5, maxCost: 1000, maxVariablesBytes: 1000 } },
    });
    hrss = app.token('HRSS');
    await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }], pensionStatus: 'CONTRIBUTING' });
  });

  afterAll(async () => {
    await app.close();
  });

  const expectRefusal = (result: { status: number; errors: unknown }, limit: string, value: number) => {
    const [error] = (result.errors ?? []) as NonNullable<ErrorBody['errors']>;
    expect(result.status).toBe(400);
    expect(error?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(error?.extensions?.limit).toMatchObject({ name: limit, value });
    expect(error?.message).toContain(`${limit} = ${value}`);
  };

  it('should refuse an operation nested deeper than maxDepth, and accept one at the limit', async () => {
    const deep = await app.graphql('{ persons { edges { node { eligibility(year: 2024) { reasons { rule } } } } } }', {}, hrss);
    expectRefusal(deep, 'maxDepth', 5);
    expect(deep.errors?.[0]?.message).toContain('found 6');
    const atLimit = await app.graphql('{ persons { edges { node { eligibility(year: 2024) { status } } } } }', {}, hrss);
    expect(atLimit.errors).toBeUndefined();
  });

  it('should refuse more than maxAliases aliases, __typename ones included, at /graphql and at a view', async () => {
    for (const path of ['/graphql', '/graphql/hrss']) {
      expectRefusal(await app.graphql(`{ persons { ${aliases(16, 'totalCount')} } }`, {}, hrss, path), 'maxAliases', 15);
      expectRefusal(await app.graphql(`{ persons { ${aliases(16)} } }`, {}, hrss, path), 'maxAliases', 15);
      const under = await app.graphql(`{ persons { ${aliases(15, 'totalCount')} } }`, {}, hrss, path);
      expect(under.errors, path).toBeUndefined();
    }
  });

  it('should refuse more than maxRootFields root fields, counting fragments, and accept the limit', async () => {
    const eleven = await app.graphql(`{ persons { totalCount } ...F } fragment F on Query { ${aliases(10)} }`, {}, hrss);
    expectRefusal(eleven, 'maxRootFields', 10);
    const ten = await app.graphql(`{ persons { totalCount } ...F } fragment F on Query { ${aliases(9)} }`, {}, hrss);
    expect(ten.errors).toBeUndefined();
  });

  it('should refuse more than maxDirectives directives, and accept the limit', async () => {
    const fields = (count: number) => Array.from({ length: count }, () => 'name @include(if: true)').join(' ');
    const person = (count: number) => `{ person(idNumber: "530102198005170112") { ${fields(count)} } }`;
    expectRefusal(await app.graphql(person(21), {}, hrss), 'maxDirectives', 20);
    expect((await app.graphql(person(20), {}, hrss)).errors).toBeUndefined();
  });

  it('should refuse a document over maxTokens, and accept one of exactly maxTokens tokens', async () => {
    // `{ persons ( filter : { disabilityLevels : [` … `] } ) { totalCount } }` is 16 tokens around the list.
    const document = (values: number) =>
      `{ persons(filter: { disabilityLevels: [${Array(values).fill('3').join(', ')}] }) { totalCount } }`;
    const max = DEFAULT_OPERATION_LIMITS.maxTokens;
    expectRefusal(await app.graphql(document(max - 15), {}, hrss), 'maxTokens', max);
    const atLimit = await app.graphql(document(max - 16), {}, hrss);
    expect(atLimit.errors).toBeUndefined();
  });

  it('should count list sizes from first (variables included) and the cost of eligibility and reports', async () => {
    // cost = 5 (persons) + first × (edges 1 + node 1 + idNumber 1 + eligibility 10 + status 1)
    const page = 'query Page($first: Int) { persons(first: $first) { edges { node { idNumber eligibility(year: 2024) { status } } } } }';
    expect((await app.graphql(page, { first: 71 }, hrss)).errors).toBeUndefined();
    const over = await app.graphql(page, { first: 72 }, hrss);
    expectRefusal(over, 'maxCost', 1000);
    expect(over.errors?.[0]?.message).toContain('found 1013');
    // Without first: the schema default, 50 → 5 + 50 × 14 = 705.
    expect(
      (await app.graphql('{ persons { edges { node { idNumber eligibility(year: 2024) { status } } } } }', {}, hrss)).errors,
    ).toBeUndefined();
    // Reports: dispatchReport costs 1000 by itself, budget 500.
    expectRefusal(await app.graphql('{ dispatchReport(month: "2024-05") { month } }', {}, hrss), 'maxCost', 1000);
    expect((await app.graphql('{ budget(year: 2024) { amount } }', {}, hrss)).errors).toBeUndefined();
    expectRefusal(
      await app.graphql('{ dispatchReport(month: "2024-05") { month } }', {}, app.token('FINANCE'), '/graphql/finance'),
      'maxCost',
      1000,
    );
  });

  it("should give a repeated text the same verdict every time, and cost an operation with variables from each request's own", async () => {
    // The guard keeps its verdict per text and the cost plugin per document: a repeat must be refused again.
    const deep = '{ persons { edges { node { eligibility(year: 2024) { reasons { message } } } } } }';
    for (let repeat = 0; repeat < 3; repeat += 1) expectRefusal(await app.graphql(deep, {}, hrss), 'maxDepth', 5);
    const report = '{ dispatchReport(month: "2024-06") { month } }';
    for (let repeat = 0; repeat < 3; repeat += 1) expectRefusal(await app.graphql(report, {}, hrss), 'maxCost', 1000);
    const page = 'query Repeat($first: Int) { persons(first: $first) { edges { node { idNumber eligibility(year: 2024) { status } } } } }';
    expectRefusal(await app.graphql(page, { first: 72 }, hrss), 'maxCost', 1000);
    expect((await app.graphql(page, { first: 71 }, hrss)).errors).toBeUndefined();
    expectRefusal(await app.graphql(page, { first: 80 }, hrss), 'maxCost', 1000);
  });

  it('should refuse variables over maxVariablesBytes with PAYLOAD_TOO_LARGE, and accept them at the limit', async () => {
    const query = 'query One($idNumber: String!) { person(idNumber: $idNumber) { name } }';
    // {"idNumber":"…"} is 15 bytes around the value.
    const over = await app.graphql(query, { idNumber: 'x'.repeat(986) }, hrss);
    expect(over.status).toBe(413);
    expect(over.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(over.errors?.[0]?.message).toContain('maxVariablesBytes = 1000');
    const atLimit = await app.graphql(query, { idNumber: 'x'.repeat(985) }, hrss);
    expect(atLimit.status).toBe(200);
    expect(atLimit.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT'); // reached the resolver
  });

  it('should refuse a body over maxBodyBytes with a JSON PAYLOAD_TOO_LARGE at every GraphQL endpoint', async () => {
    const limit = DEFAULT_OPERATION_LIMITS.maxBodyBytes;
    for (const path of ['/graphql', '/graphql/civil-affairs']) {
      const body = JSON.stringify({ query: '{ __typename }', extensions: { padding: 'x'.repeat(limit) } });
      const response = await app
        .http()
        .post(path)
        .set('content-type', 'application/json')
        .set('authorization', `Bearer ${hrss}`)
        .send(body);
      expect(response.status, path).toBe(413);
      expect(response.headers['content-type']).toMatch(/application\/json/);
      expect((response.body as ErrorBody).errors?.[0]?.extensions).toMatchObject({
        code: 'PAYLOAD_TOO_LARGE',
        limit: { name: 'maxBodyBytes', value: limit },
      });
    }
    const under = JSON.stringify({ query: '{ __typename }', extensions: { padding: 'x'.repeat(limit - 100) } });
    const accepted = await app.http().post('/graphql').set('content-type', 'application/json').send(under);
    expect(accepted.status).toBe(200);
  });

  it('should apply the limits to GET requests too', async () => {
    const response = await app
      .http()
      .get('/graphql')
      .query({ query: `{ persons { ${aliases(16, 'totalCount')} } }` })
      .set('authorization', `Bearer ${hrss}`)
      .set('apollo-require-preflight', 'true');
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).errors?.[0]?.extensions?.limit).toMatchObject({ name: 'maxAliases' });
    const accepted = await app.http().get('/graphql').query({ query: '{ __typename }' }).set('apollo-require-preflight', 'true');
    expect(accepted.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('should answer fragment cycles with a validation error, not a hang', async () => {
    const result = await app.graphql('{ ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }', {}, hrss);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('should refuse HTTP batching (an array body) with BAD_REQUEST', async () => {
    const response = await app
      .http()
      .post('/graphql')
      .set('content-type', 'application/json')
      .send([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(response.status).toBe(400);
    expect((response.body as ErrorBody).errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    expect((response.body as ErrorBody).errors?.[0]?.message).toContain('send one operation per request');
  });

  it('should refuse an HRSS request of 1,000 aliased persons pages with eligibility reasons within milliseconds', async () => {
    const field = 'persons(first: 500) { edges { node { idNumber name eligibility(year: 2024) { status reasons { rule message } } } } }';
    const query = `{ ${aliases(1000, field)} }`;
    expect(query.length).toBeGreaterThan(100_000);
    const started = performance.now();
    const result = await app.graphql(query, {}, hrss);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });
});

describe('the 150,000+-alias __typename request of issue 9 (180,000 aliases, 3.5 MB)', () => {
  const hugeBody = JSON.stringify({ query: `{ ${aliases(180_000)} }` });

  it('should be refused with PAYLOAD_TOO_LARGE by the default body limit', async () => {
    const app = await startTestApp();
    try {
      expect(hugeBody.length).toBeGreaterThan(3_000_000);
      const response = await app.http().post('/graphql').set('content-type', 'application/json').send(hugeBody);
      expect(response.status).toBe(413);
      expect((response.body as ErrorBody).errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    } finally {
      await app.close();
    }
  });

  it('should be stopped by the token limit at the parser when the body limit lets it in, with memory flat and the server answering', async () => {
    const app = await startTestApp({ protections: { limits: { ...DEFAULT_OPERATION_LIMITS, maxBodyBytes: 10 * 1024 * 1024 } } });
    try {
      const send = () => app.http().post('/graphql').set('content-type', 'application/json').send(hugeBody);
      const first = await send();
      expect(first.status).toBe(400);
      expect((first.body as ErrorBody).errors?.[0]?.extensions?.limit).toMatchObject({ name: 'maxTokens' });
      global.gc?.();
      const before = process.memoryUsage().rss;
      const times: number[] = [];
      for (let round = 0; round < 20; round += 1) {
        const started = performance.now();
        const response = await send();
        times.push(performance.now() - started);
        expect(response.status).toBe(400);
      }
      const after = process.memoryUsage().rss;
      // Each request parses 3.4 MB of JSON and stops lexing at token 2001: nothing accumulates.
      expect(after - before).toBeLessThan(150 * 1024 * 1024);
      expect(Math.max(...times)).toBeLessThan(2000);
      const alive = await app.graphql('{ __typename }');
      expect(alive.data).toEqual({ __typename: 'Query' });
    } finally {
      await app.close();
    }
  });
});
