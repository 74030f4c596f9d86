import { sql, type QueryRunner } from '../../shared/sql';

export interface PaymentRow {
  personId: number;
  year: number;
  amount: string;
  paidOn: string;
  funder: string;
}

const PAYMENT_COLUMNS = sql.raw(`person_id as "personId", year, amount::text as amount, paid_on as "paidOn", funder`);

export class PaymentQueries {
  constructor(private readonly db: QueryRunner) {}

  /** Every payment of these persons, in one statement (for the Person.payments loader). */
  forPersons(personIds: readonly number[]): Promise<PaymentRow[]> {
    return this.db.rows<PaymentRow>(sql`
      select ${PAYMENT_COLUMNS} from proxy_payment
      where person_id = any(${[...personIds]}::int[])
      order by person_id, year, paid_on, id`);
  }

  /** Payments already booked for these persons and year. */
  booked(on: QueryRunner, personIds: readonly number[], year: number): Promise<PaymentRow[]> {
    if (personIds.length === 0) return Promise.resolve([]);
    return on.rows<PaymentRow>(sql`
      select ${PAYMENT_COLUMNS} from proxy_payment
      where person_id = any(${[...personIds]}::int[]) and year = ${year}`);
  }

  /**
   * Books new payments in one statement and returns the keys ("personId|funder") it booked. A row that a
   * concurrent transaction booked meanwhile is skipped here, not doubled; the caller reads it back and
   * reports it (an identical payment is unchanged, a different one is a problem), never silently.
   */
  async insert(
    on: QueryRunner,
    year: number,
    rows: ReadonlyArray<{ personId: number; amount: string; paidOn: string; funder: string }>,
    recordedBy: string,
  ): Promise<Set<string>> {
    if (rows.length === 0) return new Set();
    const inserted = await on.rows<{ personId: number; funder: string }>(sql`
      insert into proxy_payment (person_id, year, amount, paid_on, funder, recorded_by)
      select person_id, ${year}, amount, paid_on, funder, ${recordedBy}
      from unnest(${rows.map((row) => row.personId)}::int[], ${rows.map((row) => row.amount)}::numeric[],
                  ${rows.map((row) => row.paidOn)}::date[], ${rows.map((row) => row.funder)}::text[]) as booked(person_id, amount, paid_on, funder)
      on conflict (person_id, year, funder) do nothing
      returning person_id as "personId", funder`);
    return new Set(inserted.map((row) => `${row.personId}|${row.funder}`));
  }
}
