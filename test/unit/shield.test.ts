import 'reflect-metadata';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql, type GraphQLObjectType, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { applyShield, redundantRules, VIEWER_KINDS } from '../../src/app/shield';
import type { PermissionTable } from '../../src/modules/access/permission-table';
import type { Viewer } from '../../src/shared/auth';
import type { Department } from '../../src/shared/domain';
import { AppError } from '../../src/shared/errors';

// The shield generator on a tiny schema: deny by default, city-only grants, and the redundant-rule
// trimming giving exactly the same outcomes as wrapping every field.

const TYPE_DEFS = /* GraphQL */ `
  type Query {
    things: [Thing!]!
    secret: String
    cityThing: String
  }
  type Thing {
    granted: String
    narrow: String
    unlisted: String
    child: Child
  }
  type Child {
    value: String
  }
`;

const TABLE: PermissionTable = {
  Query: {
    things: { departments: ['HRSS', 'TAX'] },
    cityThing: { departments: ['HRSS'], cityOnly: true },
  },
  Thing: {
    granted: { departments: ['HRSS', 'TAX'] },
    narrow: { departments: ['HRSS'] },
    child: { departments: ['HRSS', 'TAX', 'FINANCE'] },
  },
  Child: { value: { departments: ['HRSS', 'TAX'] } },
};

function tinySchema(): GraphQLSchema {
  return makeExecutableSchema({
    typeDefs: TYPE_DEFS,
    resolvers: {
      Query: {
        things: () => [{ granted: 'g', narrow: 'n', unlisted: 'u', child: { value: 'v' } }],
        secret: () => 's',
        cityThing: () => 'c',
      },
    },
  });
}

async function run(schema: GraphQLSchema, query: string, viewer: Viewer | null) {
  const result = await graphql({ schema, source: query, contextValue: { viewer } });
  const codes = (result.errors ?? []).map(
    (error) => `${error.path?.join('.')}:${error.originalError instanceof AppError ? error.originalError.code : error.message}`,
  );
  return { data: result.data, codes };
}

const viewerOf = (department: Department, county: string | null = null): Viewer => ({ subject: 'unit', department, county });

describe('shield generated from a permission table', () => {
  const schema = applyShield(tinySchema(), { table: TABLE });

  it('should deny a root field that has no entry in the table when any department asks', async () => {
    expect((await run(schema, '{ secret }', viewerOf('HRSS'))).codes).toEqual(['secret:FORBIDDEN']);
  });

  it('should deny an object field missing from the table even to a department granted its parent', async () => {
    expect((await run(schema, '{ things { unlisted } }', viewerOf('HRSS'))).codes).toEqual(['things.0.unlisted:FORBIDDEN']);
  });

  it('should allow a granted field and deny it to a department outside the grant', async () => {
    expect(await run(schema, '{ things { granted narrow } }', viewerOf('HRSS'))).toEqual({
      data: { things: [{ granted: 'g', narrow: 'n' }] },
      codes: [],
    });
    const tax = await run(schema, '{ things { granted narrow } }', viewerOf('TAX'));
    expect(tax.codes).toEqual(['things.0.narrow:FORBIDDEN']);
    expect(tax.data).toEqual({ things: [{ granted: 'g', narrow: null }] });
  });

  it('should deny a city-only field when the viewer is county level', async () => {
    expect((await run(schema, '{ cityThing }', viewerOf('HRSS'))).codes).toEqual([]);
    expect((await run(schema, '{ cityThing }', viewerOf('HRSS', '530102'))).codes).toEqual(['cityThing:FORBIDDEN']);
  });

  it('should answer UNAUTHENTICATED when there is no viewer', async () => {
    expect((await run(schema, '{ things { granted } secret }', null)).codes.sort()).toEqual([
      'secret:UNAUTHENTICATED',
      'things:UNAUTHENTICATED',
    ]);
  });

  it('should mark as redundant only rules that every viewer able to hold the parent already passes', () => {
    const redundant = redundantRules(tinySchema(), TABLE);
    // Thing is reached only by HRSS and TAX (Query.things); Child only by them too (Thing.child).
    expect([...redundant].sort()).toEqual(['Child.value', 'Thing.child', 'Thing.granted']);
  });

  it('should give the same data and errors with and without the redundant-rule trimming for every kind of viewer', async () => {
    const full = applyShield(tinySchema(), { table: TABLE, skipRedundant: false });
    const query = '{ things { granted narrow unlisted child { value } } secret cityThing }';
    // The order of errors follows when each field settles (GraphQL does not define it): compared as a set.
    const sorted = ({ data, codes }: Awaited<ReturnType<typeof run>>) => ({ data, codes: [...codes].sort() });
    for (const kind of VIEWER_KINDS) {
      const [department, level] = kind.split(':') as [Department, string];
      const viewer = viewerOf(department, level === 'city' ? null : '530102');
      expect(sorted(await run(schema, query, viewer)), kind).toEqual(sorted(await run(full, query, viewer)));
    }
  });

  it('should resolve a granted field synchronously and answer a refusal as shield does, as a promise of the error', async () => {
    // Thing.narrow is not redundant (TAX holds Things): wrapped, but a granted read must not become a promise.
    const narrow = (schema.getType('Thing') as GraphQLObjectType).getFields().narrow!;
    const info = { fieldName: 'narrow' } as never;
    expect(narrow.resolve!({ narrow: 'n' }, {}, { viewer: viewerOf('HRSS') }, info)).toBe('n');
    const refused = narrow.resolve!({ narrow: 'n' }, {}, { viewer: viewerOf('TAX') }, info);
    expect(refused).toBeInstanceOf(Promise);
    expect(((await refused) as AppError).code).toBe('FORBIDDEN');
  });

  it('should refuse an input field or argument that INPUT_PERMISSIONS withholds, only when the caller sets it', async () => {
    const typeDefs = `
      input Filter { open: String narrow: String inner: Inner }
      input Inner { deep: Int }
      type Query { search(filter: Filter, mode: String): Int }`;
    const restricted = applyShield(makeExecutableSchema({ typeDefs, resolvers: { Query: { search: () => 1 } } }), {
      table: { Query: { search: { departments: ['HRSS', 'TAX'] } } },
      inputs: {
        Filter: { narrow: { departments: ['HRSS'] } },
        Inner: { deep: { departments: ['HRSS'] } },
        'Query.search': { mode: { departments: ['HRSS'] } },
      },
    });
    const tax = viewerOf('TAX');
    expect(await run(restricted, '{ search(filter: { open: "a" }) }', tax)).toEqual({ data: { search: 1 }, codes: [] });
    expect((await run(restricted, '{ search(filter: { narrow: "a" }) }', tax)).codes).toEqual(['search:FORBIDDEN']);
    expect((await run(restricted, '{ search(filter: { inner: { deep: 1 } }) }', tax)).codes).toEqual(['search:FORBIDDEN']);
    expect((await run(restricted, '{ search(mode: "x") }', tax)).codes).toEqual(['search:FORBIDDEN']);
    expect((await run(restricted, '{ search(filter: { narrow: "a", inner: { deep: 1 } }, mode: "x") }', viewerOf('HRSS'))).codes).toEqual(
      [],
    );
  });
});
