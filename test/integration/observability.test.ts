import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPERATION_LIMITS } from '../../src/app/operation-limits';
import { acceptedRequestId, BoundedLabels } from '../../src/infrastructure/http/request-observation';
import { anIdNumber } from '../factories/person.factory';
import { utf8Csv, type Cell } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 9 point 12: request ids, one structured log line per request without personal data, /metrics.

class CapturedLog extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, callback: () => void): void {
    this.text += chunk.toString('utf8');
    callback();
  }
  lines(): Array<Record<string, unknown>> {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
  requestLine(requestId: string): Record<string, unknown> | undefined {
    return this.lines().find((line) => line.msg === 'request' && line.requestId === requestId);
  }
}

const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added exited unchanged } }`;
const PERSON = `query ($idNumber: String!) { person(idNumber: $idNumber) { name } }`;
const HEADER: Cell[] = ['身份证号', '姓名', '残疾等级', '认定日期'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const DEEP = '{ persons { edges { node { eligibility(year: 2024) { reasons { rule } } } } } }';
const COSTLY = '{ dispatchReport(month: "2024-05") { month } }';

describe('request ids', () => {
  it('should keep a safe x-request-id and replace one that is too long, has odd characters or an ID-number-like digit run', () => {
    expect(acceptedRequestId('abc-123_def.4:5')).toBe('abc-123_def.4:5');
    expect(acceptedRequestId('7c9e6679-7425-40de-944b-e07fc1f90ae7')).toBe('7c9e6679-7425-40de-944b-e07fc1f90ae7');
    expect(acceptedRequestId('a'.repeat(65))).toBeNull();
    expect(acceptedRequestId('has space')).toBeNull();
    expect(acceptedRequestId('id<script>')).toBeNull();
    expect(acceptedRequestId(`req-${anIdNumber()}`)).toBeNull();
    expect(acceptedRequestId('')).toBeNull();
    expect(acceptedRequestId(['a', 'b'])).toBeNull();
  });
});

describe('bounded labels', () => {
  it('should keep the first values up to the cap and call every later one "other"', () => {
    const labels = new BoundedLabels(2);
    expect([labels.label('a'), labels.label('b'), labels.label('c'), labels.label('a'), labels.label(null)]).toEqual([
      'a',
      'b',
      'other',
      'a',
      'other',
    ]);
  });
});

describe('observability: logs and request ids (production mode, debug level)', () => {
  let app: TestApp;
  const log = new CapturedLog();
  let civilAffairs: string;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), production: true, logDestination: log, logLevel: 'debug' });
    civilAffairs = app.token('CIVIL_AFFAIRS', '530102', 'ca-clerk');
  });

  afterAll(async () => {
    await app?.close();
  });

  it('should answer with a generated request id and log one line with department, county, operation, status and duration', async () => {
    const response = await app
      .http()
      .post('/graphql')
      .set('authorization', `Bearer ${civilAffairs}`)
      .send({ query: 'query Mine { persons(first: 1) { totalCount } }' });
    expect(response.status).toBe(200);
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(UUID);
    const line = log.requestLine(requestId);
    expect(line).toMatchObject({
      level: 30,
      method: 'POST',
      path: '/graphql',
      operation: 'query:persons',
      department: 'CIVIL_AFFAIRS',
      county: '530102',
      status: 200,
      outcome: 'ok',
      errorCodes: [],
    });
    expect(typeof line!.durationMs).toBe('number');
  });

  it('should echo a safe incoming x-request-id and put it in every GraphQL error and in the JSON errors of the file and other routes', async () => {
    const graphql = await app
      .http()
      .post('/graphql')
      .set('x-request-id', 'client-req-1')
      .send({ query: SUBMIT, variables: { input: {} } });
    expect(graphql.headers['x-request-id']).toBe('client-req-1');
    const errors = (graphql.body as { errors: Array<{ extensions: Record<string, unknown> }> }).errors;
    expect(errors.length).toBeGreaterThan(0);
    for (const error of errors) expect(error.extensions.requestId).toBe('client-req-1');
    expect(log.requestLine('client-req-1')).toMatchObject({ outcome: 'error', department: null });

    const unauthenticated = await app
      .http()
      .post('/graphql/civil-affairs')
      .set('x-request-id', 'client-req-2')
      .send({ query: '{ __typename }' });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.body).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED', requestId: 'client-req-2' } }] });

    const otherPortal = await app.graphql('{ __typename }', {}, civilAffairs, '/graphql/tax');
    expect(otherPortal.status).toBe(403);
    expect(otherPortal.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requestId: expect.stringMatching(UUID) });

    const file = await app.http().post('/rosters/import').set('x-request-id', 'client-req-3').attach('file', Buffer.from('x'), 'r.csv');
    expect(file.status).toBe(401);
    expect(file.body).toMatchObject({ code: 'UNAUTHENTICATED', requestId: 'client-req-3' });
    expect(log.requestLine('client-req-3')).toMatchObject({
      path: '/rosters/import',
      operation: 'POST /rosters/import',
      status: 401,
      errorCodes: ['UNAUTHENTICATED'],
    });

    const badToken = await app.http().get('/reports/dispatch.csv').set('authorization', 'Bearer nope');
    expect(badToken.body.requestId).toBe(badToken.headers['x-request-id']);
    const missing = await app.http().get('/no/such/route');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND', requestId: missing.headers['x-request-id'] });
    expect(log.requestLine(missing.headers['x-request-id'] as string)).toMatchObject({ path: 'other', status: 404 });
  });

  it('should put the request id and the code in the log line also when Apollo refuses a malformed request before its pipeline', async () => {
    // Variables sent as a JSON string: Apollo answers 400 BAD_REQUEST before any plugin runs.
    const malformed = await app
      .http()
      .post('/graphql')
      .set('x-request-id', 'client-req-4')
      .send({ query: 'query ($n: Int) { __typename }', variables: '{"n": 1}' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST', requestId: 'client-req-4' } }] });
    expect(log.requestLine('client-req-4')).toMatchObject({ status: 400, outcome: 'error', errorCodes: ['BAD_REQUEST'] });
  });

  it('should replace an unsafe x-request-id with a new one', async () => {
    const idNumber = anIdNumber();
    const response = await app.http().get('/healthz').set('x-request-id', idNumber);
    expect(response.headers['x-request-id']).toMatch(UUID);
    expect(log.text).not.toContain(idNumber);
    // A probe that succeeds is logged at debug (20), not info.
    expect(log.requestLine(response.headers['x-request-id'] as string)).toMatchObject({
      level: 20,
      path: '/healthz',
      operation: 'GET /healthz',
    });
  });

  it('should log no ID number and no name that requests carried in arguments, variables, operation names, paths, headers and uploaded files', async () => {
    const ids = [anIdNumber(), anIdNumber(), anIdNumber(), anIdNumber(), anIdNumber(), anIdNumber()];
    const names = ['欧阳明月', '司马青云', '诸葛晓东', 'Zhangsanfeng', '慕容秋水'];
    const start = log.text.length;

    // A roster with ID numbers and names, in variables, then one refused (a bad ID number, a control character).
    const submitted = await app.graphql(
      SUBMIT,
      {
        input: {
          category: 'DIBAO',
          county: '530102',
          asOf: '2024-03-31',
          entries: [
            { idNumber: ids[0], name: names[0], recognizedOn: '2024-01-10' },
            { idNumber: ids[1], name: names[1], recognizedOn: '2024-01-11' },
          ],
        },
      },
      app.token('CIVIL_AFFAIRS', null, 'ca-city'),
    );
    expect(submitted.errors).toBeUndefined();
    const refused = await app.graphql(
      SUBMIT,
      {
        input: {
          category: 'DIBAO',
          county: '530102',
          asOf: '2024-03-31',
          entries: [
            { idNumber: `${ids[2]!.slice(0, 17)}Q`, name: names[2], recognizedOn: '2024-01-10' },
            { idNumber: ids[3], name: `${names[3]}\u0000`, recognizedOn: '2024-01-11' },
          ],
        },
      },
      app.token('CIVIL_AFFAIRS', null, 'ca-city'),
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    // Inline arguments, an operation name that holds an ID number, a path and a query string that do.
    await app.graphql(`query Q${ids[4]} { person(idNumber: "${ids[4]}") { name } }`, {}, civilAffairs);
    await app.graphql(PERSON, { idNumber: ids[0] }, civilAffairs);
    await app.http().get(`/persons/${ids[5]}?name=${encodeURIComponent(names[4]!)}`);
    await app.http().get(`/graphql?query=${encodeURIComponent(`{ person(idNumber: "${ids[5]}") { name } }`)}`);
    // An uploaded roster (a good one, then one with problems that quote rows).
    const good = await app
      .http()
      .post('/rosters/import')
      .set('authorization', `Bearer ${app.token('CIVIL_AFFAIRS', null, 'ca-city')}`)
      .field('category', 'TEKUN')
      .field('county', '530103')
      .field('asOf', '2024-03-31')
      .attach('file', utf8Csv([HEADER, [ids[1]!, names[1]!, '', '2024-01-05'], [ids[5]!, names[4]!, '', '2024-01-06']]), 'roster.csv');
    expect(good.status).toBe(200);
    const bad = await app
      .http()
      .post('/rosters/import')
      .set('authorization', `Bearer ${app.token('CIVIL_AFFAIRS', null, 'ca-city')}`)
      .field('category', 'TEKUN')
      .field('county', '530103')
      .field('asOf', '2024-03-31')
      .attach('file', utf8Csv([HEADER, [`${ids[2]!.slice(0, 16)}`, names[2]!, 'x', 'not a date']]), `${names[0]}.csv`);
    expect(bad.status).toBe(400);
    await app.server.audit.flush();

    const written = log.text.slice(start);
    expect(written.split('\n').filter((line) => line.includes('"msg":"request"')).length).toBeGreaterThanOrEqual(8);
    for (const id of ids) {
      expect(written).not.toContain(id);
      expect(written).not.toContain(id.slice(0, 17));
    }
    for (const name of names) expect(written).not.toContain(name);
  });
});

describe('observability: metrics', () => {
  let app: TestApp;
  let civilAffairs: string;

  beforeAll(async () => {
    app = await startTestApp({
      now: new Date('2024-06-15T04:00:00Z'),
      protections: {
        trustedDocuments: 'views',
        rateLimits: { windowSeconds: 60, authenticated: 0, anonymous: 3 },
        limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 5, maxCost: 1000, maxBodyBytes: 4096 },
      },
    });
    civilAffairs = app.token('CIVIL_AFFAIRS', null, 'ca-clerk');
  });

  afterAll(async () => {
    await app?.close();
  });

  const metrics = async (): Promise<string> => {
    const response = await app.http().get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    return response.text;
  };
  const value = (text: string, series: string): number => {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
    return line === undefined ? 0 : Number(line.slice(series.length + 1));
  };

  it('should count requests and time them per operation, labelling hostile operation names by their root fields or "other"', async () => {
    const named = await app.graphql('query CivilAffairsPersons { persons(first: 1) { totalCount } }', {}, civilAffairs);
    expect(named.errors).toBeUndefined();
    for (let index = 0; index < 30; index++) {
      await app.graphql(`query Hostile${index}x${anIdNumber()} { persons(first: 1) { totalCount } }`, {}, civilAffairs);
    }
    await app.graphql(
      `query Many { a: __typename b: __typename persons(first: 1) { totalCount } person(idNumber: "x") { name } dispatchReport(month: "2024-06") { month } }`,
      {},
      civilAffairs,
    );
    const text = await metrics();
    expect(value(text, 'pension_aid_requests_total{kind="graphql",operation="CivilAffairsPersons",status="200",outcome="ok"}')).toBe(1);
    expect(value(text, 'pension_aid_requests_total{kind="graphql",operation="query:persons",status="200",outcome="ok"}')).toBe(30);
    expect(text).toContain('pension_aid_request_duration_seconds_bucket{le="0.5",kind="graphql",operation="query:persons"}');
    expect(value(text, 'pension_aid_request_duration_seconds_count{kind="graphql",operation="query:persons"}')).toBe(30);
    expect(text).not.toContain('Hostile');
    expect(text).toContain('operation="other"');
  });

  it('should report the pool (total, idle, waiting) and the audit buffer depth', async () => {
    const text = await metrics();
    expect(value(text, 'pension_aid_db_pool_connections{state="total"}')).toBeGreaterThan(0);
    expect(text).toMatch(/pension_aid_db_pool_connections\{state="idle"\} \d+/);
    expect(value(text, 'pension_aid_db_pool_connections{state="waiting"}')).toBe(0);
    expect(text).toMatch(/pension_aid_audit_buffer_events \d+/);
    expect(value(text, 'pension_aid_audit_buffer_capacity')).toBe(100_000);
    await app.server.audit.flush();
    expect(value(await metrics(), 'pension_aid_audit_buffer_events')).toBe(0);
  });

  it('should count refusals by limit: depth, cost, body size, variables, trusted documents, input guard, rate limit', async () => {
    const before = await metrics();
    const refusal = (text: string, limit: string) => value(text, `pension_aid_refusals_total{limit="${limit}"}`);
    expect((await app.graphql(DEEP, {}, civilAffairs)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect((await app.graphql(COSTLY, {}, civilAffairs)).errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    const big = await app
      .http()
      .post('/graphql')
      .set('authorization', `Bearer ${civilAffairs}`)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(5000) }));
    expect(big.status).toBe(413);
    const notTrusted = await app.graphql(
      'query NotInManifest { persons(first: 1) { totalCount } }',
      {},
      civilAffairs,
      '/graphql/civil-affairs',
    );
    expect(notTrusted.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const controlCharacter = await app.graphql(PERSON, { idNumber: 'a\u0001' }, civilAffairs);
    expect(controlCharacter.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    for (let index = 0; index < 4; index++) await app.http().get('/graphql/none');
    const after = await metrics();
    expect(refusal(after, 'maxDepth') - refusal(before, 'maxDepth')).toBe(1);
    expect(refusal(after, 'maxCost') - refusal(before, 'maxCost')).toBe(1);
    expect(refusal(after, 'maxBodyBytes') - refusal(before, 'maxBodyBytes')).toBe(1);
    expect(refusal(after, 'trustedDocuments') - refusal(before, 'trustedDocuments')).toBe(1);
    expect(refusal(after, 'inputText') - refusal(before, 'inputText')).toBe(1);
    expect(refusal(after, 'rateLimitAnonymous') - refusal(before, 'rateLimitAnonymous')).toBe(1);
  });
});

describe('observability: /metrics protection', () => {
  it('should not serve /metrics in production without PA_METRICS_TOKEN, and require the token as bearer when it is set', async () => {
    const closed = await startTestApp({ production: true });
    try {
      expect((await closed.http().get('/metrics')).status).toBe(404);
    } finally {
      await closed.close();
    }
    const token = 'metrics-token-0123456789';
    const guarded = await startTestApp({ production: true, metricsToken: token });
    try {
      expect((await guarded.http().get('/metrics')).status).toBe(401);
      expect((await guarded.http().get('/metrics').set('authorization', 'Bearer wrong-token-0123456789')).status).toBe(401);
      const answered = await guarded.http().get('/metrics').set('authorization', `Bearer ${token}`);
      expect(answered.status).toBe(200);
      expect(answered.text).toContain('pension_aid_requests_total');
    } finally {
      await guarded.close();
    }
  });
});
