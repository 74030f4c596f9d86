import type { AddressInfo } from 'node:net';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import supertest from 'supertest';
import { buildBaseSchema } from '../../src/app/schema';
import { subgraphDefinitions } from '../../src/app/subgraph';
import { HOUSEHOLD_TYPE_DEFS, startHouseholdSubgraph, type Household, type HouseholdSubgraph } from './household-subgraph';
import type { GraphQLResponse, TestApp } from './test-app';

// A real @apollo/gateway in front of the test app's /subgraph (or a department's /subgraph/<slug>) and
// the household test subgraph. It forwards the caller's bearer token to both. The JS gateway refuses
// @requiresScopes (STACK.md trap 18), so it composes the variant without them; the subgraph still
// enforces every grant itself.

export interface TestGateway {
  household: HouseholdSubgraph;
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string | null,
  ): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

async function listen(app: TestApp): Promise<number> {
  const server = app.server.httpServer;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** `subgraph`: 'pension-aid' (the full graph at /subgraph) or a department's slug. */
export async function startTestGateway(
  app: TestApp,
  households: ReadonlyMap<string, Household> = new Map(),
  subgraph = 'pension-aid',
): Promise<TestGateway> {
  const port = await listen(app);
  const household = await startHouseholdSubgraph(households);
  const definition = subgraphDefinitions(await buildBaseSchema(), { scopes: false }).find((candidate) => candidate.name === subgraph);
  if (!definition) throw new Error(`no subgraph named ${subgraph}`);
  const endpoint = definition.department === null ? '/subgraph' : `/subgraph/${definition.name}`;
  const composed = composeServices([
    { name: 'pension-aid', typeDefs: definition.typeDefs, url: `http://127.0.0.1:${port}${endpoint}` },
    { name: 'household', typeDefs: HOUSEHOLD_TYPE_DEFS, url: household.url },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((error) => error.message).join('; '));
  const gateway = new ApolloGateway({
    supergraphSdl: composed.supergraphSdl,
    buildService: ({ url }) =>
      new RemoteGraphQLDataSource<{ authorization?: string }>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
      }),
  });
  const server = new ApolloServer<{ authorization?: string }>({ gateway });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  const agent = supertest(url);
  return {
    household,
    async graphql<T>(query: string, variables: Record<string, unknown> = {}, token: string | null = null) {
      let request = agent.post('/').set('content-type', 'application/json');
      if (token) request = request.set('authorization', `Bearer ${token}`);
      const response = await request.send({ query, variables });
      const body = response.body as { data?: T | null; errors?: GraphQLResponse<T>['errors'] };
      return { status: response.status, data: body.data, errors: body.errors };
    },
    async close() {
      await server.stop();
      await household.close();
    },
  };
}
