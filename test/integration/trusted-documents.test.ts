import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrustedDocuments, type TrustedOperation } from '../../src/app/trusted-documents';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 9 point 3: with PA_TRUSTED_DOCUMENTS, only the committed manifest operations run; a client sends
// the text or its id, anything else is refused with a code, before it is parsed against the schema.

const post = (app: TestApp, path: string, token: string, body: Record<string, unknown>) =>
  app.http().post(path).set('content-type', 'application/json').set('authorization', `Bearer ${token}`).send(body);

interface Body {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }>;
}

describe('trusted documents at the department views (PA_TRUSTED_DOCUMENTS=views)', () => {
  let app: TestApp;
  let taxEligibility: TrustedOperation;
  let hrssBudget: TrustedOperation;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), protections: { trustedDocuments: 'views' } });
    const operations = TrustedDocuments.load().operations;
    taxEligibility = operations.find((operation) => operation.name === 'TaxEligibility')!;
    hrssBudget = operations.find((operation) => operation.name === 'HrssBudget')!;
  });

  afterAll(async () => {
    await app.close();
  });

  const variables = { idNumber: '530102198005170112', year: 2024 };

  it('should run a manifest operation sent as text, or by id (documentId or the persisted-query extension)', async () => {
    const tax = app.token('TAX');
    const byText = await post(app, '/graphql/tax', tax, { query: taxEligibility.body.replace(/\s+/g, ' '), variables });
    const byDocumentId = await post(app, '/graphql/tax', tax, { documentId: `sha256:${taxEligibility.id}`, variables });
    const byExtension = await post(app, '/graphql/tax', tax, {
      extensions: { persistedQuery: { version: 1, sha256Hash: taxEligibility.id } },
      variables,
    });
    for (const response of [byText, byDocumentId, byExtension]) {
      expect(response.status).toBe(200);
      expect((response.body as Body).errors).toBeUndefined();
      expect((response.body as Body).data).toEqual({ eligibility: null });
    }
  });

  it("should refuse an ad-hoc operation, another portal's operation and an unknown id with coded errors", async () => {
    const tax = app.token('TAX');
    const adHoc = await post(app, '/graphql/tax', tax, { query: '{ persons { totalCount } }' });
    expect(adHoc.status).toBe(403);
    expect((adHoc.body as Body).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    // A misspelt field is refused as not allowed, without a validation error that would describe the schema.
    const misspelt = await post(app, '/graphql/tax', tax, { query: '{ persns { totalCount } }' });
    expect((misspelt.body as Body).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const otherPortal = await post(app, '/graphql/hrss', app.token('HRSS'), { query: taxEligibility.body, variables });
    expect((otherPortal.body as Body).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const unknownId = await post(app, '/graphql/tax', tax, { documentId: `sha256:${'0'.repeat(64)}` });
    expect(unknownId.status).toBe(404);
    expect((unknownId.body as Body).errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const syntaxError = await post(app, '/graphql/tax', tax, { query: '{ persons {' });
    expect((syntaxError.body as Body).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
  });

  it('should leave /graphql open to ad-hoc operations in the views mode', async () => {
    const result = await app.graphql('{ budget(year: 2024) { amount } }', {}, app.token('FINANCE'));
    expect(result.errors).toBeUndefined();
    const byId = await post(app, '/graphql', app.token('HRSS'), { documentId: hrssBudget.id, variables: { year: 2024 } });
    expect((byId.body as Body).data).toEqual({ budget: expect.objectContaining({ year: 2024 }) as unknown });
  });
});

describe('trusted documents everywhere (PA_TRUSTED_DOCUMENTS=all)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), protections: { trustedDocuments: 'all' } });
  });

  afterAll(async () => {
    await app.close();
  });

  it("should allow at /graphql only the caller's own department's manifest", async () => {
    const operations = TrustedDocuments.load().operations;
    const financeBudget = operations.find((operation) => operation.name === 'FinanceBudget')!;
    const finance = await post(app, '/graphql', app.token('FINANCE'), { query: financeBudget.body, variables: { year: 2024 } });
    expect((finance.body as Body).errors).toBeUndefined();
    const tax = await post(app, '/graphql', app.token('TAX'), { query: financeBudget.body, variables: { year: 2024 } });
    expect((tax.body as Body).errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const adHoc = await app.graphql('{ budget(year: 2024) { amount } }', {}, app.token('FINANCE'));
    expect(adHoc.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
    const anonymous = await app.graphql('{ __typename }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_ALLOWED');
  });
});
