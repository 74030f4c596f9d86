// PostGraphile v5 over the bench database, for side-by-side load (bench/run.ts copies this file into the
// peer's own folder, so that its imports resolve to the pinned install there, never to the server's).
// Env: DATABASE_URL, PORT, POOL_MAX. Amber preset, defaults otherwise (relations from the foreign keys).
import { createServer } from 'node:http';
import process from 'node:process';
import { postgraphile } from 'postgraphile';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';

const preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ['public'],
      poolConfig: { max: Number(process.env.POOL_MAX ?? 20) },
    }),
  ],
  grafserv: { port: Number(process.env.PORT), graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
// Build the schema before listening.
await pgl.getSchema();
const handler = serv.createHandler();
const server = createServer((request, response) => {
  if (request.url === '/healthz') response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  else handler(request, response);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
const stop = () => {
  server.close();
  void pgl.release().then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
