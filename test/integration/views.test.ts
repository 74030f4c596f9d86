import { getIntrospectionQuery, isObjectType, type IntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INPUT_PERMISSIONS, PERMISSIONS } from '../../src/modules/access/permission-table';
import { DEPARTMENTS, departmentSlug } from '../../src/shared/domain';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

describe('department views of the schema (/graphql/<department>)', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    await insertPerson(app.db, {
      name: '低保甲',
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'DIBAO', county: '530102' }],
      payments: [{ year: 2024, paidOn: '2024-03-01' }],
    });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should serve one view per department whose every type field is granted to it by the permission table', () => {
    // A department with no granted query in the schema would have no view; today every department has one.
    const queryFields = app.server.schema.getQueryType()!.getFields();
    const expected = DEPARTMENTS.filter((department) =>
      Object.entries(PERMISSIONS.Query!).some(
        ([field, grant]) => queryFields[field] !== undefined && grant.departments.includes(department),
      ),
    );
    expect(app.server.views.map((view) => view.department)).toEqual(expected);
    expect(expected).toEqual([...DEPARTMENTS]);
    // Counted, so that the loops below cannot pass by checking nothing.
    const checked = { viewFields: 0, grantedFields: 0, rootFields: 0 };
    for (const view of app.server.views) {
      for (const type of Object.values(view.schema.getTypeMap())) {
        if (!isObjectType(type) || type.name.startsWith('__')) continue;
        for (const field of Object.keys(type.getFields())) {
          expect(PERMISSIONS[type.name]?.[field]?.departments, `${view.slug}: ${type.name}.${field}`).toContain(view.department);
          checked.viewFields++;
        }
        // Nothing granted is missing from a type the view keeps (city-only fields too: the shield decides by level).
        const full = app.server.schema.getType(type.name);
        if (!full || !isObjectType(full)) continue;
        for (const field of Object.values(full.getFields())) {
          if (!PERMISSIONS[type.name]?.[field.name]?.departments.includes(view.department)) continue;
          expect(type.getFields()[field.name], `${view.slug}: ${type.name}.${field.name} is granted but missing`).toBeDefined();
          checked.grantedFields++;
        }
      }
      for (const root of ['Query', 'Mutation'] as const) {
        const fullRoot = root === 'Query' ? app.server.schema.getQueryType() : app.server.schema.getMutationType();
        const viewRoot = root === 'Query' ? view.schema.getQueryType() : view.schema.getMutationType();
        for (const [field, grant] of Object.entries(PERMISSIONS[root]!)) {
          if (!fullRoot?.getFields()[field]) continue;
          expect(Boolean(viewRoot?.getFields()[field]), `${view.slug}: ${root}.${field}`).toBe(grant.departments.includes(view.department));
          checked.rootFields++;
        }
      }
    }
    expect(checked.viewFields).toBeGreaterThan(0);
    expect(checked.grantedFields).toBeGreaterThan(0);
    expect(checked.rootFields).toBeGreaterThan(0);
  });

  it('should drop input fields that INPUT_PERMISSIONS withholds from the department', () => {
    let checked = 0;
    for (const view of app.server.views) {
      const filter = view.schema.getType('PersonFilter');
      if (!filter || !('getFields' in filter)) continue;
      const fields = Object.keys(filter.getFields());
      for (const [field, grant] of Object.entries(INPUT_PERMISSIONS.PersonFilter!)) {
        expect(fields.includes(field), `${view.slug}: PersonFilter.${field}`).toBe(grant.departments.includes(view.department));
        checked++;
      }
    }
    // Every view that lists persons keeps PersonFilter: the loop above must have checked its fields.
    expect(checked).toBeGreaterThan(0);
  });

  it('should show only the view in introspection when a TAX user introspects /graphql/tax', async () => {
    const result = await app.graphql<IntrospectionQuery>(getIntrospectionQuery(), {}, app.token('TAX'), '/graphql/tax');
    expect(result.errors).toBeUndefined();
    const types = result.data!.__schema.types.filter((type) => !type.name.startsWith('__'));
    const person = types.find((type) => type.name === 'Person');
    expect(person && 'fields' in person ? person.fields.map((field) => field.name).sort() : null).toEqual([
      'birthDate',
      'county',
      'eligibility',
      'gender',
      'idNumber',
      'name',
      'payments',
      'pensionStatus',
    ]);
    expect(types.map((type) => type.name)).not.toContain('RosterEntry');
    expect(types.map((type) => type.name)).not.toContain('AuditEvent');
    expect(result.data!.__schema.queryType.name).toBe('Query');
  });

  it('should fail validation when a query asks for a field outside the view', async () => {
    const tax = await app.graphql('{ persons { edges { node { disabilityLevel } } } }', {}, app.token('TAX'), '/graphql/tax');
    expect(tax.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const civil = await app.graphql('{ auditEvents { totalCount } }', {}, app.token('CIVIL_AFFAIRS'), '/graphql/civil-affairs');
    expect(civil.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const filter = await app.graphql('{ persons(filter: { category: DIBAO }) { totalCount } }', {}, app.token('TAX'), '/graphql/tax');
    expect(filter.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('should answer 403 FORBIDDEN when another department calls a view, and 401 UNAUTHENTICATED without a token', async () => {
    for (const department of DEPARTMENTS.filter((other) => other !== 'CIVIL_AFFAIRS')) {
      const result = await app.graphql('{ persons { totalCount } }', {}, app.token(department), '/graphql/civil-affairs');
      expect(result.status, department).toBe(403);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.data ?? null).toBeNull();
    }
    const anonymous = await app.graphql('{ persons { totalCount } }', {}, null, '/graphql/civil-affairs');
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should still apply the shield inside a view when a county-level HRSS user asks for a city-only field', async () => {
    const county = await app.graphql('{ auditEvents { totalCount } }', {}, app.token('HRSS', '530102'), '/graphql/hrss');
    expect(county.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(county.errors?.[0]?.path).toEqual(['auditEvents']);
    const city = await app.graphql('{ auditEvents { totalCount } }', {}, app.token('HRSS'), '/graphql/hrss');
    expect(city.errors).toBeUndefined();
  });

  it('should give the same answer at the view and at /graphql when the query is within the view', async () => {
    const query = '{ persons { totalCount edges { node { idNumber name county rosterEntries { category county } } } } }';
    for (const department of ['HRSS', 'CIVIL_AFFAIRS'] as const) {
      const token = app.token(department, '530102');
      const viaView = await app.graphql(query, {}, token, `/graphql/${departmentSlug(department)}`);
      const viaFull = await app.graphql(query, {}, token);
      expect(viaView.errors).toBeUndefined();
      expect(viaView.data).toEqual(viaFull.data);
      expect((viaView.data as { persons: { totalCount: number } }).persons.totalCount).toBe(1);
    }
  });

  it('should answer 404 for an unknown view instead of serving the full schema', async () => {
    const response = await app
      .http()
      .post('/graphql/police')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${app.token('HRSS')}`)
      .send({ query: '{ persons { totalCount } }' });
    expect(response.status).toBe(404);
  });
});
