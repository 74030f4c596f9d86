import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import { buildSubgraphSchema } from '@apollo/subgraph';
import express from 'express';
import { parse } from 'graphql';
import { FEDERATION_VERSION_URL } from '../../src/app/subgraph';

// A department's own system for the federation tests: Civil Affairs' household records, keyed by ID
// number. It extends pension-aid's Person with two fields and knows nothing of pension-aid's rules.

export const HOUSEHOLD_TYPE_DEFS = parse(`
  extend schema @link(url: "${FEDERATION_VERSION_URL}", import: ["@key"])

  scalar Decimal

  type Person @key(fields: "idNumber") {
    idNumber: String!
    "Persons in the household, from the household register"
    householdSize: Int!
    "Yearly household income in yuan"
    householdIncome: Decimal!
  }
`);

export interface Household {
  householdSize: number;
  householdIncome: string;
}

export interface HouseholdSubgraph {
  url: string;
  /** The Authorization header of each request it answered (to check that the gateway forwards tokens). */
  authorizations: Array<string | undefined>;
  close(): Promise<void>;
}

export async function startHouseholdSubgraph(households: ReadonlyMap<string, Household>): Promise<HouseholdSubgraph> {
  const schema = buildSubgraphSchema({
    typeDefs: HOUSEHOLD_TYPE_DEFS,
    resolvers: {
      Person: {
        __resolveReference(reference: { idNumber: string }) {
          const household = households.get(reference.idNumber);
          return household ? { idNumber: reference.idNumber, ...household } : null;
        },
      },
    },
  });
  const apollo = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
  await apollo.start();
  const authorizations: Array<string | undefined> = [];
  const app = express();
  app.use(
    '/graphql',
    express.json(),
    (request, _response, next) => {
      authorizations.push(request.headers.authorization);
      next();
    },
    expressMiddleware(apollo),
  );
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    authorizations,
    async close() {
      await apollo.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
