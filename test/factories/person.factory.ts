import { IdNumber } from '../../src/shared/id-number';
import type { HardshipCategory, PensionStatus } from '../../src/shared/domain';
import { sql, type QueryRunner } from '../../src/shared/sql';

// Object mothers: valid by default, every field overridable.

let sequence = 0;

/** A valid ID number; each call gives a new one. Area 530102 unless told. */
export function anIdNumber(overrides: { birthDate?: string; gender?: 'M' | 'F'; area?: string } = {}): string {
  sequence = (sequence + 1) % 500;
  const base = sequence * 2;
  const seq = overrides.gender === 'F' ? base : base + 1;
  return IdNumber.compose(overrides.area ?? '530102', overrides.birthDate ?? '1980-05-17', seq).value;
}

export interface EntrySpec {
  category: HardshipCategory;
  county?: string;
  recognizedOn?: string;
  exitedOn?: string | null;
}

export interface PersonSpec {
  idNumber?: string;
  name?: string;
  birthDate?: string;
  disabilityLevel?: number | null;
  pensionStatus?: PensionStatus;
  entries?: EntrySpec[];
  payments?: Array<{ year: number; amount?: string; paidOn: string; funder?: string }>;
}

/** Inserts a person with roster entries and payments straight into the database; returns the ID number. */
export async function insertPerson(db: QueryRunner, spec: PersonSpec = {}): Promise<{ id: number; idNumber: string }> {
  const idNumber = IdNumber.parse(spec.idNumber ?? anIdNumber({ birthDate: spec.birthDate }));
  const row = await db.one<{ id: number }>(sql`
    insert into person (id_number, name, gender, birth_date, disability_level, pension_status)
    values (${idNumber.value}, ${spec.name ?? '测试人员'}, ${idNumber.gender}, ${idNumber.birthDate}, ${spec.disabilityLevel ?? null}, ${spec.pensionStatus ?? 'NOT_ENROLLED'})
    returning id`);
  const id = row!.id;
  for (const entry of spec.entries ?? []) {
    const department = entry.category === 'RETURNED_POVERTY' ? 'RURAL_REVITALIZATION' : 'CIVIL_AFFAIRS';
    await db.rows(sql`
      insert into roster_entry (person_id, category, county, recognized_on, exited_on, source_department)
      values (${id}, ${entry.category}, ${entry.county ?? '530102'}, ${entry.recognizedOn ?? '2020-01-01'}, ${entry.exitedOn ?? null}, ${department})`);
  }
  for (const payment of spec.payments ?? []) {
    await db.rows(
      sql`insert into proxy_payment (person_id, year, amount, paid_on, funder) values (${id}, ${payment.year}, ${payment.amount ?? '100.00'}, ${payment.paidOn}, ${payment.funder ?? 'GOVERNMENT'})`,
    );
  }
  return { id, idNumber: idNumber.value };
}
