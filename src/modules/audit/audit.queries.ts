import type { Viewer } from '../../shared/auth';
import { sql, type SqlFragment, type QueryRunner } from '../../shared/sql';

export interface NewAuditEvent {
  at: Date;
  subject: string;
  department: string;
  county: string | null;
  action: string;
  operation: string | null;
  personIds: number[];
  /** Persons known by ID number only; turned into ids (after personIds, without repeats) when written. */
  idNumbers?: string[];
  details: Record<string, unknown> | null;
}

/** A stored event: the new event's fields, with its id, count and the ID numbers resolved. */
export interface AuditEventRow extends Omit<NewAuditEvent, 'idNumbers'> {
  id: string;
  personCount: number;
  idNumbers: string[];
}

export interface WriteRecord {
  action: string;
  operation?: string | null;
  personCount?: number;
  details: Record<string, unknown>;
}

export interface AuditSearch {
  /** Inclusive lower bound. */
  from: Date | null;
  /** Exclusive upper bound. */
  to: Date | null;
  subject: string | null;
  department: string | null;
  action: string | null;
}

function searchPredicate(search: AuditSearch): SqlFragment {
  const parts: SqlFragment[] = [sql`true`];
  if (search.from) parts.push(sql`event.at >= ${search.from}`);
  if (search.to) parts.push(sql`event.at < ${search.to}`);
  if (search.subject) parts.push(sql`event.subject = ${search.subject}`);
  if (search.department) parts.push(sql`event.department = ${search.department}`);
  if (search.action) parts.push(sql`event.action = ${search.action}`);
  return sql.join(parts, ' and ');
}

export class AuditQueries {
  constructor(private readonly db: QueryRunner) {}

  /** One statement for the whole batch. */
  async insertMany(events: readonly NewAuditEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows = events.map(
      (
        event,
      ) => sql`(${event.at}::timestamptz, ${event.subject}::text, ${event.department}::text, ${event.county}::text, ${event.action}::text,
        ${event.operation}::text, ${event.personIds}::int[], ${event.idNumbers ?? []}::text[], ${event.details === null ? null : JSON.stringify(event.details)}::jsonb)`,
    );
    // The log is given an uncounted runner: a background write, not one of a request's statements.
    // id_number is character(18): compared with text it is cast to text and its index cannot be used (a read of
    // every person per write); compared as bpchar (no length: nothing truncated) the lookup uses the index.
    await this.db.execute(sql`
      insert into audit_event (at, subject, department, county, action, operation, person_count, person_ids, details)
      select resolved.at, resolved.subject, resolved.department, resolved.county, resolved.action, resolved.operation,
             cardinality(resolved.ids), resolved.ids, resolved.details
      from (
        select listed.at, listed.subject, listed.department, listed.county, listed.action, listed.operation, listed.details,
               case when cardinality(listed.id_numbers) = 0 then listed.ids
                    else listed.ids || array(select person.id from person
                                             where person.id_number = any(listed.id_numbers::bpchar[]) and person.id <> all(listed.ids)
                                             order by person.id) end as ids
        from (values ${sql.join(rows, ', ')}) as listed(at, subject, department, county, action, operation, ids, id_numbers, details)
      ) resolved`);
  }

  /** One write of a use case (roster, enrolment, payments, funding rule), in its transaction. */
  async insertWrite(viewer: Viewer, record: WriteRecord): Promise<void> {
    await this.db.execute(sql`
      insert into audit_event (subject, department, county, action, operation, person_count, details)
      values (${viewer.subject}, ${viewer.department}, ${viewer.county}, ${record.action}, ${record.operation ?? null},
              ${record.personCount ?? 0}, ${JSON.stringify(record.details)}::jsonb)`);
  }

  /** Newest first, keyset on id. */
  page(search: AuditSearch, first: number, beforeId: string | null): Promise<AuditEventRow[]> {
    return this.db.rows<AuditEventRow>(sql`
      select event.id::text as id, event.at, event.subject, event.department, event.county, event.action, event.operation,
             event.person_count as "personCount", coalesce(event.person_ids, '{}') as "personIds",
             coalesce((select array_agg(person.id_number order by listed.position)
                       from unnest(event.person_ids) with ordinality as listed(person_id, position)
                       join person on person.id = listed.person_id), '{}') as "idNumbers",
             event.details
      from audit_event event
      where ${searchPredicate(search)} and (${beforeId}::bigint is null or event.id < ${beforeId}::bigint)
      order by event.id desc
      limit ${first + 1}`);
  }

  async count(search: AuditSearch): Promise<number> {
    const row = await this.db.one<{ count: number }>(
      sql`select count(*)::int as count from audit_event event where ${searchPredicate(search)}`,
    );
    return row?.count ?? 0;
  }
}
