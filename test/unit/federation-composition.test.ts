import 'reflect-metadata';
import { composeServices } from '@apollo/composition';
import { describe, expect, it } from 'vitest';
import { buildBaseSchema } from '../../src/app/schema';
import { subgraphDefinitions, type Subgraph } from '../../src/app/subgraph';
import { HOUSEHOLD_TYPE_DEFS } from '../support/household-subgraph';

// Composition (issue 12): the full subgraph and every department's subgraph compose on their own and
// with a department's own subgraph (the household test subgraph), with and without @requiresScopes.

function compose(subgraphs: Subgraph[], withHousehold: boolean) {
  return composeServices([
    ...subgraphs.map((subgraph) => ({ name: 'pension-aid', typeDefs: subgraph.typeDefs, url: 'http://127.0.0.1/subgraph' })),
    ...(withHousehold ? [{ name: 'household', typeDefs: HOUSEHOLD_TYPE_DEFS, url: 'http://127.0.0.1/household' }] : []),
  ]);
}

const describeHints = (hints: ReadonlyArray<{ definition: { code: string }; message: string }>) =>
  hints.map((hint) => `${hint.definition.code}: ${hint.message}`);

describe('Federation composition of pension-aid subgraphs', () => {
  it.each([true, false])(
    'should compose the full graph and every department alone and with the household subgraph (scopes %s)',
    async (scopes) => {
      const subgraphs = subgraphDefinitions(await buildBaseSchema(), { scopes });
      expect(subgraphs.map((subgraph) => subgraph.name).sort()).toEqual(
        ['civil-affairs', 'disabled-federation', 'finance', 'hrss', 'pension-aid', 'rural-revitalization', 'tax'].sort(),
      );
      const report: string[] = [];
      for (const subgraph of subgraphs) {
        for (const withHousehold of [false, true]) {
          const result = compose([subgraph], withHousehold);
          expect(
            result.errors?.map((error) => error.message),
            `${subgraph.name}${withHousehold ? ' + household' : ''}`,
          ).toBeUndefined();
          const hints = describeHints(result.hints ?? []);
          // None today: a new hint is a decision to make (accept it here, or change the SDL).
          expect(hints, `${subgraph.name} hints`).toEqual([]);
          report.push(`${subgraph.name}${withHousehold ? ' + household' : ''}: ${hints.length === 0 ? 'no hints' : hints.join(' | ')}`);
          if (result.errors === undefined) {
            expect(result.supergraphSdl.includes('@requiresScopes'), subgraph.name).toBe(scopes);
            if (withHousehold && subgraph.name !== 'finance') expect(result.supergraphSdl).toMatch(/householdIncome: Decimal!/);
          }
        }
      }
      process.stdout.write(`composition hints (scopes ${scopes}):\n  ${report.join('\n  ')}\n`);
    },
  );
});
