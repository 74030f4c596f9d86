import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

const AUDIT_EVENTS = `query Audit($subject: String, $from: Date, $to: Date, $first: Int, $after: String) {
  auditEvents(subject: $subject, from: $from, to: $to, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { at subject department county action operation personCount idNumbers details } }
  }
}`;

interface AuditNode {
  at: string;
  subject: string;
  department: string;
  county: string | null;
  action: string;
  operation: string | null;
  personCount: number;
  idNumbers: string[];
  details: string | null;
}
interface AuditPage {
  auditEvents: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: Array<{ node: AuditNode }> };
}

describe('audit log of personal-data reads', () => {
  let app: TestApp;
  let dibao: { id: number; idNumber: string };
  let rural: { id: number; idNumber: string };
  const auditor = () => app.token('HRSS', null, 'auditor');

  async function eventsOf(subject: string): Promise<AuditNode[]> {
    await app.server.audit.flush();
    const result = await app.graphql<AuditPage>(AUDIT_EVENTS, { subject }, auditor());
    expect(result.errors).toBeUndefined();
    return result.data!.auditEvents.edges.map((edge) => edge.node);
  }

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z'), audit: { flushIntervalMs: 600_000 } });
    dibao = await insertPerson(app.db, { name: '低保', entries: [{ category: 'DIBAO', county: '530102' }] });
    rural = await insertPerson(app.db, { name: '返贫', entries: [{ category: 'RETURNED_POVERTY', county: '530103' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  it('should record one READ event with the persons returned when HRSS lists persons', async () => {
    const result = await app.graphql(
      'query ListPersons { persons { edges { node { idNumber name } } } }',
      {},
      app.token('HRSS', null, 'alice'),
    );
    expect(result.errors).toBeUndefined();
    // Nothing is written during the request: the event waits in the buffer until a flush.
    expect(app.server.audit.pending).toBe(1);
    const events = await eventsOf('alice');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      subject: 'alice',
      department: 'HRSS',
      county: null,
      action: 'READ',
      operation: 'ListPersons',
      personCount: 2,
    });
    expect(events[0]!.idNumbers).toEqual([dibao.idNumber, rural.idNumber]);
    expect(JSON.parse(events[0]!.details!)).toEqual({ endpoint: '/graphql', rootFields: ['persons'] });
  });

  it("should record another department's read with its department and county, and only the persons it saw", async () => {
    const result = await app.graphql(
      '{ a: person(idNumber: $id) { name } }'.replace('$id', `"${dibao.idNumber}"`),
      {},
      app.token('CIVIL_AFFAIRS', '530102', 'bob'),
      '/graphql/civil-affairs',
    );
    expect(result.data).toEqual({ a: { name: '低保' } });
    await app.graphql('{ persons { edges { node { name } } } }', {}, app.token('CIVIL_AFFAIRS', '530102', 'bob'));
    const events = await eventsOf('bob');
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({ department: 'CIVIL_AFFAIRS', county: '530102', personCount: 1, idNumbers: [dibao.idNumber] });
    }
    // Newest first; anonymous operations are named by their root fields.
    expect(events.map((event) => event.operation)).toEqual(['persons', 'person']);
    expect(JSON.parse(events[1]!.details!).endpoint).toBe('/graphql/civil-affairs');
  });

  it('should record the persons of screening, comparison and eligibility(idNumber) reads', async () => {
    const disabled = await insertPerson(app.db, {
      name: '残疾',
      disabilityLevel: 3,
      pensionStatus: 'CONTRIBUTING',
      entries: [{ category: 'DIBAO', county: '530102', recognizedOn: '2020-01-01' }],
    });
    const newcomer = await insertPerson(app.db, {
      name: '新人',
      entries: [{ category: 'TEKUN', county: '530102', recognizedOn: '2024-03-01' }],
    });
    const token = app.token('HRSS', null, 'frank');
    await app.graphql('query Screening { subsidyScreening(year: 2024) { person { idNumber } } }', {}, token);
    await app.graphql('query Comparison { rosterComparison(from: "2024-01-01", to: "2024-06-30") { added { idNumber name } } }', {}, token);
    await app.graphql(`query Decision { eligibility(idNumber: "${dibao.idNumber}", year: 2024) { status } }`, {}, token);
    const events = await eventsOf('frank');
    const byOperation = new Map(events.map((event) => [event.operation, event.idNumbers]));
    expect(byOperation.get('Screening')).toEqual([disabled.idNumber]);
    expect(byOperation.get('Comparison')).toEqual([newcomer.idNumber]);
    expect(byOperation.get('Decision')).toEqual([dibao.idNumber]);
  });

  it('should record nothing when a request returns no person rows', async () => {
    await app.graphql('{ persons(first: 0) { totalCount } }', {}, app.token('HRSS', null, 'carol'));
    await app.graphql(`{ person(idNumber: "${rural.idNumber}") { name } }`, {}, app.token('CIVIL_AFFAIRS', null, 'carol'));
    await app.graphql('{ persons { edges { node { name } } } }', {}, app.token('FINANCE', null, 'carol'));
    expect(await eventsOf('carol')).toEqual([]);
  });

  it('should write a batch of events with one INSERT when flushed', async () => {
    for (let index = 0; index < 5; index++) {
      await app.graphql('{ persons { edges { node { name } } } }', {}, app.token('RURAL_REVITALIZATION', null, 'dave'));
    }
    expect(app.server.audit.pending).toBe(5);
    const before = app.server.audit.writes;
    await app.server.audit.flush();
    expect(app.server.audit.writes - before).toBe(1);
    const rows = await app.db.rows<{ personIds: number[] }>(sql`select person_ids as "personIds" from audit_event where subject = 'dave'`);
    expect(rows).toHaveLength(5);
    expect(rows.every((row) => row.personIds.length === 1 && row.personIds[0] === rural.id)).toBe(true);
  });

  it('should filter audit events by day and page through them', async () => {
    const today = await app.graphql<AuditPage>(
      AUDIT_EVENTS,
      { subject: 'dave', from: '2000-01-01', to: '2100-01-01', first: 2 },
      auditor(),
    );
    expect(today.data!.auditEvents.totalCount).toBe(5);
    expect(today.data!.auditEvents.edges).toHaveLength(2);
    expect(today.data!.auditEvents.pageInfo.hasNextPage).toBe(true);
    const next = await app.graphql<AuditPage>(
      AUDIT_EVENTS,
      { subject: 'dave', first: 10, after: today.data!.auditEvents.pageInfo.endCursor },
      auditor(),
    );
    expect(next.data!.auditEvents.edges).toHaveLength(3);
    const past = await app.graphql<AuditPage>(AUDIT_EVENTS, { subject: 'dave', from: '2000-01-01', to: '2000-12-31' }, auditor());
    expect(past.data!.auditEvents.totalCount).toBe(0);
    const reversed = await app.graphql(AUDIT_EVENTS, { from: '2024-02-01', to: '2024-01-01' }, auditor());
    expect(reversed.errors?.[0]?.extensions?.problems?.[0]?.field).toBe('to');
  });

  it('should refuse the audit log to county-level HRSS and to every other department', async () => {
    const callers = [
      app.token('HRSS', '530102'),
      app.token('CIVIL_AFFAIRS'),
      app.token('RURAL_REVITALIZATION'),
      app.token('DISABLED_FEDERATION'),
      app.token('FINANCE'),
      app.token('TAX'),
    ];
    for (const token of callers) {
      const result = await app.graphql(AUDIT_EVENTS, {}, token);
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(result.errors?.[0]?.path).toEqual(['auditEvents']);
      expect(result.data ?? null).toBeNull();
    }
  });

  it('should write the buffered events when the server stops', async () => {
    await app.graphql('{ persons { edges { node { name } } } }', {}, app.token('HRSS', null, 'erin'));
    expect(app.server.audit.pending).toBe(1);
    await app.server.stop();
    const rows = await app.db.rows<{ count: number }>(sql`select count(*)::int as count from audit_event where subject = 'erin'`);
    expect(rows[0]!.count).toBe(1);
  });
});
