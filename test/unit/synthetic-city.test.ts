import { describe, expect, it } from 'vitest';
import { COUNTIES } from '../../src/shared/county';
import { IdNumber } from '../../src/shared/id-number';
import { SyntheticCity } from '../../src/modules/seed/synthetic-city';

describe('SyntheticCity (demo data)', () => {
  const city = new SyntheticCity(7, { year: 2026, today: '2026-11-28' });
  const people = Array.from({ length: 5000 }, () => city.next());

  it('should give valid, unique ID numbers whose birth date and gender match the person', () => {
    const ids = new Set<string>();
    for (const person of people) {
      const id = IdNumber.parse(person.idNumber);
      expect(id.birthDate).toBe(person.birthDate);
      expect(id.gender).toBe(person.gender);
      ids.add(id.value);
    }
    expect(ids.size).toBe(people.length);
  });

  it('should cover all 14 counties and all three rosters, with overlaps, exits and late recognitions', () => {
    const entries = people.flatMap((person) => person.entries);
    expect(new Set(entries.map((entry) => entry.county)).size).toBe(COUNTIES.length);
    expect(new Set(entries.map((entry) => entry.category))).toEqual(new Set(['DIBAO', 'TEKUN', 'RETURNED_POVERTY']));
    expect(people.filter((person) => person.entries.length >= 2).length).toBeGreaterThan(100);
    expect(people.filter((person) => person.entries.length === 3).length).toBeGreaterThan(5);
    expect(entries.filter((entry) => entry.exitedOn !== null).length).toBeGreaterThan(100);
    expect(entries.filter((entry) => entry.recognizedOn >= '2026-11-01').length).toBeGreaterThan(50);
    for (const entry of entries) if (entry.exitedOn) expect(entry.exitedOn > entry.recognizedOn).toBe(true);
  });

  it('should mark some persons disabled at levels 3/4 and give payments only to contributors', () => {
    expect(people.filter((person) => person.disabilityLevel === 3 || person.disabilityLevel === 4).length).toBeGreaterThan(50);
    for (const person of people) {
      if (person.payments.length > 0) expect(['CONTRIBUTING', 'SUSPENDED']).toContain(person.pensionStatus);
    }
  });

  it('should be reproducible for the same seed', () => {
    const again = new SyntheticCity(7, { year: 2026, today: '2026-11-28' });
    expect(again.next()).toEqual(people[0]);
  });
});
