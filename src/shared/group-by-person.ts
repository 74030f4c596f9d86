/** Rows grouped under each person id, in the order of `personIds` (what a DataLoader batch returns). */
export function groupByPerson<T extends { personId: number }>(personIds: readonly number[], rows: readonly T[]): T[][] {
  const groups = new Map<number, T[]>(personIds.map((id) => [id, []]));
  for (const row of rows) groups.get(row.personId)?.push(row);
  return personIds.map((id) => groups.get(id) ?? []);
}
