import 'reflect-metadata';
import type { GraphQLObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildBaseSchema } from '../../src/app/schema';
import type { EligibilityDecision } from '../../src/modules/eligibility/domain/eligibility';
import { AppError } from '../../src/shared/errors';
import { SettledLoader } from '../../src/shared/settled-loader';

// Fields of a page's persons answer plain values once the page has loaded what they read (issue 11): no
// promise per person from type-graphql's argument handling or from the resolvers themselves.

const decision = { year: 2024, status: 'ELIGIBLE' } as unknown as EligibilityDecision;

describe('list-item field resolvers', () => {
  it('should answer Person.eligibility with the loaded decision as is, and refuse a bad year as a promise', async () => {
    const schema = await buildBaseSchema();
    const eligibility = (schema.getType('Person') as GraphQLObjectType).getFields().eligibility!;
    const settled = new SettledLoader<number, EligibilityDecision>(async (ids) => ids.map(() => decision));
    await settled.prime([7]);
    const loader = { load: (person: { id: number }) => settled.load(person.id) };
    const context = { loaders: { eligibility: () => loader } };
    const info = { fieldName: 'eligibility' } as never;
    const person = { id: 7, birthDate: '1980-01-01', pensionStatus: 'CONTRIBUTING' };
    expect(eligibility.resolve!(person, { year: 2024 }, context, info)).toBe(decision);
    const refused = eligibility.resolve!(person, { year: 1900 }, context, info);
    expect(refused).toBeInstanceOf(Promise);
    await expect(refused).rejects.toSatisfy((error: unknown) => error instanceof AppError && error.code === 'BAD_USER_INPUT');
  });

  it('should read plain fields of persons and roster entries without a resolver per field', async () => {
    const schema = await buildBaseSchema();
    for (const [type, field] of [
      ['Person', 'name'],
      ['RosterEntry', 'category'],
      ['Eligibility', 'status'],
      ['PersonEdge', 'node'],
    ] as const) {
      expect((schema.getType(type) as GraphQLObjectType).getFields()[field]!.resolve, `${type}.${field}`).toBeUndefined();
    }
  });
});
