import { ROSTER_OWNER } from '../../shared/domain';
import { sql, type QueryRunner } from '../../shared/sql';
import { demoCity, type DemoCity } from './demo-city';

// Writes the demo city in one transaction, into a database that holds nothing else: the README's answers
// are true only for the demo city alone. Run again on the demo city, it writes nothing and says so.

export const DEMO_SUBJECT = 'demo-seed';

export type DemoSeedOutcome =
  { written: true; persons: number; entries: number; payments: number; fundingRules: number } | { written: false; persons: number };

export class DemoCityRefusedError extends Error {}

export async function writeDemoCity(db: QueryRunner, city: DemoCity = demoCity()): Promise<DemoSeedOutcome> {
  const idNumbers = city.persons.map((person) => person.idNumber);
  return db.transaction(async (transaction) => {
    // Two seeds at once must not both find the database empty.
    await transaction.rows(sql`lock table person, funding_rule in share row exclusive mode`);
    const found = await transaction.one<{
      persons: number;
      demo: number;
      rules: number;
    }>(sql`select (select count(*)::int from person) as persons,
                 (select count(*)::int from person where id_number = any(${idNumbers}::char(18)[])) as demo,
                 (select count(*)::int from funding_rule) as rules`);
    const { persons, demo, rules } = found ?? { persons: 0, demo: 0, rules: 0 };
    if (persons > 0 && persons === demo && demo === city.persons.length) return { written: false, persons };
    if (persons > 0 || rules > 0) {
      throw new DemoCityRefusedError(
        `the database already holds ${persons} persons (${demo} of them from the demo city) and ${rules} funding rules; ` +
          'the demo city is written only into an empty database (the README answers assume it alone): ' +
          'add --reset to empty it first',
      );
    }
    const inserted = await transaction.rows<{
      id: number;
      idNumber: string;
    }>(sql`insert into person (id_number, name, gender, birth_date, disability_level, pension_status)
          select id_number, name, gender, birth_date, disability_level, pension_status
          from unnest(${idNumbers}::char(18)[], ${city.persons.map((p) => p.name)}::varchar[],
                               ${city.persons.map((p) => p.gender)}::text[], ${city.persons.map((p) => p.birthDate)}::date[],
                               ${city.persons.map((p) => p.disabilityLevel)}::smallint[], ${city.persons.map((p) => p.pensionStatus)}::text[])
            with ordinality as spec(id_number, name, gender, birth_date, disability_level, pension_status, position)
          order by position
          returning id, id_number as "idNumber"`);
    const ids = new Map(inserted.map((row) => [row.idNumber.trim(), row.id]));
    const entries = city.persons.flatMap((person) =>
      person.entries.map((entry) => ({ ...entry, personId: ids.get(person.idNumber)!, level: person.disabilityLevel })),
    );
    const payments = city.persons.flatMap((person) =>
      person.payments.map((payment) => ({ ...payment, personId: ids.get(person.idNumber)! })),
    );
    await transaction.rows(sql`insert into roster_entry (person_id, category, county, recognized_on, exited_on, disability_level, source_department)
          select * from unnest(${entries.map((e) => e.personId)}::int[], ${entries.map((e) => e.category)}::text[],
                               ${entries.map((e) => e.county)}::char(6)[], ${entries.map((e) => e.recognizedOn)}::date[],
                               ${entries.map((e) => e.exitedOn)}::date[], ${entries.map((e) => e.level)}::smallint[],
                               ${entries.map((e) => ROSTER_OWNER[e.category])}::text[])`);
    await transaction.rows(sql`insert into proxy_payment (person_id, year, amount, paid_on, funder, recorded_by)
          select person_id, year, amount, paid_on, 'GOVERNMENT', ${DEMO_SUBJECT}
          from unnest(${payments.map((p) => p.personId)}::int[], ${payments.map((p) => p.year)}::smallint[],
                      ${payments.map((p) => p.amount)}::numeric[], ${payments.map((p) => p.paidOn)}::date[])
            as payment(person_id, year, amount, paid_on)`);
    await transaction.rows(sql`insert into funding_rule (county, year, standard, city_share, updated_by)
          select county, year, standard, city_share, ${DEMO_SUBJECT}
          from unnest(${city.fundingRules.map((r) => r.county)}::char(6)[], ${city.fundingRules.map((r) => r.year)}::smallint[],
                      ${city.fundingRules.map((r) => r.standard)}::numeric[], ${city.fundingRules.map((r) => r.cityShare)}::numeric[])
            as rule(county, year, standard, city_share)`);
    return {
      written: true,
      persons: inserted.length,
      entries: entries.length,
      payments: payments.length,
      fundingRules: city.fundingRules.length,
    };
  });
}
