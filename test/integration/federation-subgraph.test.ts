import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdNumber } from '../../src/shared/id-number';
import { sql } from '../../src/shared/sql';
import { anIdNumber, insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// pension-aid as a Federation 2 subgraph (issue 12, DESIGN.md §7): Person entities resolve through
// _entities under the row rules of person(idNumber) and the field rules of every Person field.

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Person { idNumber name county } }
}`;

const person = (idNumber: string) => ({ __typename: 'Person', idNumber });

type EntitiesData = { _entities: Array<Record<string, unknown> | null> };

describe('pension-aid as a Federation subgraph', () => {
  let app: TestApp;
  let dibao: string;
  let rural: string;
  const unknown = anIdNumber({ birthDate: '1971-02-03' });

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), audit: { flushIntervalMs: 600_000 } });
    dibao = (await insertPerson(app.db, { name: '低保', entries: [{ category: 'DIBAO', county: '530102' }] })).idNumber;
    rural = (await insertPerson(app.db, { name: '返贫', entries: [{ category: 'RETURNED_POVERTY', county: '530103' }] })).idNumber;
  });

  afterAll(async () => {
    await app.close();
  });

  it('should resolve Person entities the viewer may see and null for invisible and unknown ones, like person(idNumber)', async () => {
    const representations = [person(dibao), person(rural), person(unknown)];
    const asCivil = await app.graphql<EntitiesData>(ENTITIES, { representations }, app.token('CIVIL_AFFAIRS'), '/subgraph');
    expect(asCivil.errors).toBeUndefined();
    expect(asCivil.data!._entities).toEqual([{ idNumber: dibao, name: '低保', county: '530102' }, null, null]);
    // Same answers as the root field, person by person.
    for (const [index, idNumber] of [dibao, rural, unknown].entries()) {
      const direct = await app.graphql<{ person: unknown }>(
        'query P($id: String!) { person(idNumber: $id) { idNumber name county } }',
        { id: idNumber },
        app.token('CIVIL_AFFAIRS'),
      );
      expect(asCivil.data!._entities[index]).toEqual(direct.data!.person);
    }
    const asCounty = await app.graphql<EntitiesData>(
      ENTITIES,
      { representations },
      app.token('RURAL_REVITALIZATION', '530102'),
      '/subgraph',
    );
    expect(asCounty.data!._entities).toEqual([null, null, null]);
  });

  it('should refuse an entity field with FORBIDDEN exactly as via person when TAX asks for rosterEntries', async () => {
    const paid = (
      await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }], payments: [{ year: 2024, paidOn: '2024-03-01' }] })
    ).idNumber;
    const viaEntity = await app.graphql<EntitiesData>(
      'query E($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name rosterEntries { category } } } }',
      { r: [person(paid)] },
      app.token('TAX'),
      '/subgraph',
    );
    const viaPerson = await app.graphql<{ person: unknown }>(
      'query P($id: String!) { person(idNumber: $id) { name rosterEntries { category } } }',
      { id: paid },
      app.token('TAX'),
    );
    expect(viaEntity.errors?.map((error) => [error.extensions?.code, error.path?.slice(-1)])).toEqual([['FORBIDDEN', ['rosterEntries']]]);
    expect(viaPerson.errors?.map((error) => [error.extensions?.code, error.path?.slice(-1)])).toEqual([['FORBIDDEN', ['rosterEntries']]]);
    expect(viaEntity.errors![0]!.message).toBe(viaPerson.errors![0]!.message);
    // rosterEntries is non-null, so the refused field nulls the entity, as it nulls person.
    expect(viaEntity.data!._entities).toEqual([null]);
    expect(viaPerson.data!.person).toBeNull();
  });

  it('should refuse _entities to FINANCE (it reads no person) and to a caller without a token', async () => {
    const finance = await app.graphql(ENTITIES, { representations: [person(dibao)] }, app.token('FINANCE'), '/subgraph');
    expect(finance.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await app.graphql(ENTITIES, { representations: [person(dibao)] }, null, '/subgraph');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('should answer a malformed idNumber in a representation with BAD_USER_INPUT for that entity only', async () => {
    const result = await app.graphql<EntitiesData>(
      ENTITIES,
      { representations: [person('12345'), person(dibao)] },
      app.token('HRSS'),
      '/subgraph',
    );
    expect(result.errors?.map((error) => [error.extensions?.code, error.path])).toEqual([['BAD_USER_INPUT', ['_entities', 0]]]);
    expect(result.data!._entities[1]).toMatchObject({ idNumber: dibao });
  });

  it('should resolve 500 representations in the same number of statements as 5 (one batch, no N+1)', async () => {
    const idNumbers: string[] = [];
    for (let index = 0; index < 500; index++) {
      const idNumber = IdNumber.compose(
        '530103',
        `1985-01-${String((index % 28) + 1).padStart(2, '0')}`,
        100 + Math.floor(index / 28),
      ).value;
      idNumbers.push(idNumber);
    }
    await app.db.execute(sql`
      insert into person (id_number, name, gender, birth_date, pension_status)
      select id_number, '批量', 'M', '1985-01-01', 'CONTRIBUTING' from unnest(${idNumbers}::text[]) as id_number`);
    await app.db.execute(sql`
      insert into roster_entry (person_id, category, county, recognized_on, source_department)
      select id, 'DIBAO', '530103', '2020-01-01', 'CIVIL_AFFAIRS' from person where id_number = any(${idNumbers}::text[])`);
    const query = `query E($r: [_Any!]!) { _entities(representations: $r) { ... on Person {
      idNumber name county disabilityLevel rosterEntries { category } eligibility(year: 2024) { status amount } payments { amount } } } }`;
    const measure = async (count: number) => {
      const before = app.db.statementCount;
      const result = await app.graphql<EntitiesData>(query, { r: idNumbers.slice(0, count).map(person) }, app.token('HRSS'), '/subgraph');
      expect(result.errors).toBeUndefined();
      expect(result.data!._entities.filter((entity) => entity !== null)).toHaveLength(count);
      return app.db.statementCount - before;
    };
    const small = await measure(5);
    const large = await measure(500);
    expect(large).toBe(small);
    // persons, all entries, eligibility facts, funding rules, payments
    expect(large).toBeLessThanOrEqual(6);
    process.stdout.write(`federation: ${large} SQL statements for 500 Person representations (${small} for 5)\n`);
  });

  it('should audit Person reads through _entities like other person reads', async () => {
    await app.server.audit.flush();
    const result = await app.graphql<EntitiesData>(
      'query Lookup($r: [_Any!]!) { _entities(representations: $r) { ... on Person { name } } }',
      { r: [person(dibao), person(rural), person(unknown)] },
      app.token('CIVIL_AFFAIRS', null, 'entity-reader'),
      '/subgraph',
    );
    expect(result.errors).toBeUndefined();
    await app.server.audit.flush();
    const rows = await app.db.rows<{ idNumbers: string[]; operation: string; details: { endpoint: string } }>(sql`
      select (select array_agg(p.id_number order by p.id_number) from person p where p.id = any(e.person_ids)) as "idNumbers",
             e.operation, e.details
      from audit_event e where e.subject = 'entity-reader'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ idNumbers: [dibao], operation: 'Lookup', details: { endpoint: '/subgraph' } });
  });

  it('should serve _service { sdl } with Person @key, to anyone outside production', async () => {
    const result = await app.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, null, '/subgraph');
    expect(result.errors).toBeUndefined();
    expect(result.data!._service.sdl).toMatch(/type Person\s+@key\(fields: "idNumber"\)/);
    expect(result.data!._service.sdl).toContain('@link(url: "https://specs.apollo.dev/federation/v2.7"');
  });

  it('should keep /graphql free of federation fields', async () => {
    const result = await app.graphql('{ _service { sdl } }', {}, app.token('HRSS'));
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('the subgraph in production', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ production: true });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should answer _service only to authenticated callers', async () => {
    const anonymous = await app.graphql('{ _service { sdl } }', {}, null, '/subgraph');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data).toBeNull();
    const known = await app.graphql<{ _service: { sdl: string } }>('{ _service { sdl } }', {}, app.token('FINANCE'), '/subgraph');
    expect(known.errors).toBeUndefined();
    expect(known.data!._service.sdl).toContain('@key(fields: "idNumber")');
  });
});
