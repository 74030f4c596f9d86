import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signToken } from '../../src/shared/auth';
import { sql } from '../../src/shared/sql';
import { TRUNCATION_MARKER } from '../../src/modules/audit/audit-bounds';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app';

// The audit trail never stalls and never loses an event: fields too long for their columns are cut with
// a marker; an event the database refuses is split out and recorded as refused; a database outage keeps
// the events buffered until it is back; a full buffer shows in /readyz.

interface StoredEvent {
  subject: string;
  operation: string | null;
  action: string;
  personIds: number[] | null;
  details: Record<string, unknown> | null;
}

describe('audit that cannot stall or lie', () => {
  let app: TestApp;
  let person: { id: number; idNumber: string };

  beforeAll(async () => {
    app = await startTestApp({ audit: { flushIntervalMs: 600_000, maxBuffered: 50 } });
    person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
  });

  afterAll(async () => {
    await app.close();
  });

  const read = (subject: string, operationName = 'Lookup') =>
    app.graphql(
      `query ${operationName}($id: String!) { person(idNumber: $id) { name } }`,
      { id: person.idNumber },
      signToken({ subject, department: 'HRSS', county: null }, TEST_JWT_SECRET),
    );
  const eventsOf = (subjectPrefix: string) =>
    app.db.rows<StoredEvent>(sql`
      select subject, operation, action, person_ids as "personIds", details from audit_event
      where subject like ${`${subjectPrefix}%`} order by id`);

  it('should cut a 300-character subject and a 250-character operation name with a marker, and keep auditing', async () => {
    const longSubject = `long-${'s'.repeat(295)}`;
    const longOperation = `Op${'x'.repeat(248)}`;
    expect((await read(longSubject, longOperation)).errors).toBeUndefined();
    expect((await read('long-after')).errors).toBeUndefined();
    await app.server.audit.flush();
    expect(app.server.audit.pending).toBe(0);
    const events = await eventsOf('long-');
    expect(events).toHaveLength(2);
    expect(events[0]!.subject).toHaveLength(200);
    expect(events[0]!.subject.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(events[0]!.subject.startsWith('long-sss')).toBe(true);
    expect(events[0]!.operation).toHaveLength(200);
    expect(events[0]!.operation!.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(events[0]!.personIds).toEqual([person.id]);
    // The read after it is audited too: nothing stalls.
    expect(events[1]).toMatchObject({ subject: 'long-after', operation: 'Lookup', personIds: [person.id] });
  });

  it('should split a batch the database refuses and record the bad event as refused', async () => {
    for (let index = 0; index < 5; index++) {
      app.server.audit.record({
        at: new Date(),
        subject: `split-${index}`,
        department: 'HRSS',
        county: null,
        action: 'READ',
        operation: 'Split',
        personIds: [person.id],
        idNumbers: [],
        details: index === 2 ? { note: 'nul \u0000 inside' } : { index },
      });
    }
    // Make event 2 refused by the database: a check constraint that only it breaks.
    await app.db.execute(sql`alter table audit_event add constraint audit_test_refuse check (details->>'note' is null)`);
    try {
      const writesBefore = app.server.audit.writes;
      await app.server.audit.flush();
      expect(app.server.audit.pending).toBe(0);
      expect(app.server.audit.writes - writesBefore).toBeGreaterThan(1);
    } finally {
      await app.db.execute(sql`alter table audit_event drop constraint audit_test_refuse`);
    }
    const events = await eventsOf('split-');
    expect(events.map((event) => event.subject)).toEqual(['split-0', 'split-1', 'split-2', 'split-3', 'split-4']);
    expect(events[2]!.details).toMatchObject({ auditRejected: true, sqlState: '23514' });
    expect(events[2]!.personIds).toEqual([person.id]);
    expect(app.server.audit.status.rejected).toBe(1);
  });

  it('should keep every event buffered across a database outage and write them all when it is back', async () => {
    for (let index = 0; index < 10; index++) expect((await read(`outage-${index}`)).errors).toBeUndefined();
    expect(app.server.audit.pending).toBe(10);

    const admin = new Client({ connectionString: inject('adminUrl') });
    await admin.connect();
    const name = app.database.name;
    try {
      // The outage: no new connections, and every open one is cut.
      await admin.query(`alter database ${name} allow_connections = false`);
      await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()`, [name]);
      await app.server.audit.flush();
      expect(app.server.audit.pending).toBe(10);
      expect(app.server.audit.status.waitingForDatabase).toBe(true);
      // More reads were buffered while it was down (as the plugin does after each response).
      for (let index = 10; index < 15; index++) {
        app.server.audit.record({
          at: new Date(),
          subject: `outage-${index}`,
          department: 'HRSS',
          county: null,
          action: 'READ',
          operation: 'Lookup',
          personIds: [person.id],
          idNumbers: [],
          details: null,
        });
      }
      await app.server.audit.flush();
      expect(app.server.audit.pending).toBe(15);
      const down = await app.http().get('/readyz');
      expect(down.status).toBe(503);
      expect(down.body.audit).toMatchObject({ pending: 15, full: false, waitingForDatabase: true });
    } finally {
      await admin.query(`alter database ${name} allow_connections = true`);
      await admin.end();
    }
    // Back: the next flush writes them all, in order.
    for (let attempt = 0; attempt < 20 && app.server.audit.pending > 0; attempt++) {
      await app.server.audit.flush();
      if (app.server.audit.pending > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(app.server.audit.pending).toBe(0);
    const events = await eventsOf('outage-');
    expect(events.map((event) => event.subject)).toEqual(Array.from({ length: 15 }, (_, index) => `outage-${index}`));
    expect(events.every((event) => event.personIds?.[0] === person.id)).toBe(true);
    // Written as themselves, not as rejection records: an outage is not a refusal.
    expect(events.filter((event) => event.details?.auditRejected)).toEqual([]);
    expect(app.server.audit.status.rejected).toBe(1);
    const up = await app.http().get('/readyz');
    expect(up.status).toBe(200);
    expect(up.body.audit).toMatchObject({ pending: 0, waitingForDatabase: false, dropped: 0 });
  });

  it('should say in /readyz when the buffer is full', async () => {
    for (let index = 0; index < 50; index++) {
      app.server.audit.record({
        at: new Date(),
        subject: `full-${index}`,
        department: 'HRSS',
        county: null,
        action: 'READ',
        operation: null,
        personIds: [],
        idNumbers: [],
        details: null,
      });
    }
    const full = await app.http().get('/readyz');
    expect(full.status).toBe(503);
    expect(full.body).toMatchObject({ status: 'audit buffer full', audit: { pending: 50, capacity: 50, full: true } });
    await app.server.audit.flush();
    expect((await app.http().get('/readyz')).status).toBe(200);
  });
});
