import { ROSTER_OWNER } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';
import { type SyntheticCity, type SyntheticPerson } from './synthetic-city';

// Bulk writer for synthetic people: one INSERT ... SELECT FROM unnest(...) per table and batch.

export const SEED_BATCH = 5_000;

export async function insertSyntheticBatch(
  db: QueryRunner,
  people: SyntheticPerson[],
): Promise<{ persons: number; entries: number; payments: number }> {
  return db.transaction(async (transaction) => {
    const inserted = await transaction.rows<{
      id: number;
      idNumber: string;
    }>(sql`insert into person (id_number, name, gender, birth_date, disability_level, pension_status)
          select * from unnest(${people.map((p) => p.idNumber)}::char(18)[], ${people.map((p) => p.name)}::varchar[],
                               ${people.map((p) => p.gender)}::text[], ${people.map((p) => p.birthDate)}::date[],
                               ${people.map((p) => p.disabilityLevel)}::smallint[], ${people.map((p) => p.pensionStatus)}::text[])
          on conflict (id_number) do nothing
          returning id, id_number as "idNumber"`);
    const ids = new Map(inserted.map((row) => [row.idNumber, row.id]));
    const entries = {
      person: [] as number[],
      category: [] as string[],
      county: [] as string[],
      recognized: [] as string[],
      exited: [] as (string | null)[],
      level: [] as (number | null)[],
      source: [] as string[],
    };
    const payments = { person: [] as number[], year: [] as number[], amount: [] as string[], paidOn: [] as string[] };
    for (const person of people) {
      const id = ids.get(person.idNumber);
      if (id === undefined) continue;
      for (const entry of person.entries) {
        entries.person.push(id);
        entries.category.push(entry.category);
        entries.county.push(entry.county);
        entries.recognized.push(entry.recognizedOn);
        entries.exited.push(entry.exitedOn);
        entries.level.push(person.disabilityLevel);
        entries.source.push(ROSTER_OWNER[entry.category]);
      }
      for (const payment of person.payments) {
        payments.person.push(id);
        payments.year.push(payment.year);
        payments.amount.push(payment.amount);
        payments.paidOn.push(payment.paidOn);
      }
    }
    await transaction.rows(sql`insert into roster_entry (person_id, category, county, recognized_on, exited_on, disability_level, source_department)
          select * from unnest(${entries.person}::int[], ${entries.category}::text[], ${entries.county}::char(6)[],
                               ${entries.recognized}::date[], ${entries.exited}::date[], ${entries.level}::smallint[], ${entries.source}::text[])`);
    await transaction.rows(sql`insert into proxy_payment (person_id, year, amount, paid_on, funder)
          select person_id, year, amount, paid_on, 'GOVERNMENT'
          from unnest(${payments.person}::int[], ${payments.year}::smallint[], ${payments.amount}::numeric[], ${payments.paidOn}::date[])
            as payment(person_id, year, amount, paid_on)`);
    return { persons: inserted.length, entries: entries.person.length, payments: payments.person.length };
  });
}

/** Seeds `total` persons; calls `progress` after each batch. Returns the number actually inserted. */
export async function seedPersons(
  db: QueryRunner,
  city: SyntheticCity,
  total: number,
  progress: (done: number, counts: { persons: number; entries: number; payments: number }) => void = () => undefined,
): Promise<{ persons: number; entries: number; payments: number }> {
  const totals = { persons: 0, entries: 0, payments: 0 };
  let done = 0;
  while (done < total) {
    const size = Math.min(SEED_BATCH, total - done);
    const counts = await insertSyntheticBatch(
      db,
      Array.from({ length: size }, () => city.next()),
    );
    done += size;
    totals.persons += counts.persons;
    totals.entries += counts.entries;
    totals.payments += counts.payments;
    progress(done, totals);
  }
  return totals;
}
