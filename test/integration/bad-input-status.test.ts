import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anIdNumber } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// Two kinds of BAD_USER_INPUT, two HTTP statuses (README, "Errors and HTTP statuses"): refused before the
// operation runs (the input guard, like parse, validation and operation limits) → 400 and no `data`; refused
// by a resolver while it runs → 200 with `data` (null where the refused field was), as GraphQL over HTTP
// answers every executed operation. Clients decide on `extensions.code`, never on the status.

const SUBMIT = `mutation Submit($input: SubmitRosterInput!) { submitRoster(input: $input) { added } }`;

describe('HTTP status of BAD_USER_INPUT', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
  });

  afterAll(async () => {
    await app.close();
  });

  const submit = (name: string, idNumber = anIdNumber(), recognizedOn: string | null = '2024-01-05') =>
    app
      .http()
      .post('/graphql')
      .set('authorization', `Bearer ${app.token('CIVIL_AFFAIRS')}`)
      .send({
        query: SUBMIT,
        variables: { input: { category: 'DIBAO', county: '530102', asOf: '2024-06-01', entries: [{ idNumber, name, recognizedOn }] } },
      });

  it('should answer 400 without data when the input guard refuses before the operation runs', async () => {
    const response = await submit('李\u0000四');
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect('data' in response.body).toBe(false);
  });

  it('should answer 400 without data when the variables do not fit their types (graphql-js, before the operation runs)', async () => {
    const response = await submit('李四', anIdNumber(), null);
    expect(response.status).toBe(400);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors[0].message).toMatch(/recognizedOn/);
    expect('data' in response.body).toBe(false);
  });

  it('should answer 200 with data when a resolver refuses the input while the operation runs', async () => {
    const response = await submit('李四', '123');
    expect(response.status).toBe(200);
    expect(response.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(response.body.errors[0].extensions.problems).toEqual([expect.objectContaining({ row: 1, field: 'entries.idNumber' })]);
    expect(response.body.data).toBeNull();
  });
});
