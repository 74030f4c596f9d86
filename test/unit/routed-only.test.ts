import express, { Router } from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { notFoundHandler } from '../../src/infrastructure/http/json-errors';
import { routedOnly } from '../../src/infrastructure/http/routed-only';

describe('routedOnly', () => {
  const entered: string[] = [];
  const app = express();
  const router = Router();
  router.use((incoming, _response, next) => {
    entered.push(`${incoming.method} ${incoming.path}`);
    next();
  });
  const routes = Router();
  routes.get('/jobs/:id', (_request, response) => void response.json({ job: true }));
  routes.post('/rosters/import', (_request, response) => void response.json({ imported: true }));
  // The router itself, counting the requests handed to it.
  const counting = Object.assign(
    (incoming: express.Request, response: express.Response, next: express.NextFunction) => {
      entered.push(`${incoming.method} ${incoming.path}`);
      routes(incoming, response, next);
    },
    { stack: routes.stack },
  );
  app.use(routedOnly(counting as unknown as Router));
  app.post('/graphql', (_request, response) => void response.json({ graphql: true }));
  app.use(notFoundHandler(app));

  it('should enter the router only for its paths and methods, GET routes answering HEAD, case-insensitively', async () => {
    expect((await request(app).get('/jobs/7')).body).toEqual({ job: true });
    expect((await request(app).post('/ROSTERS/import')).body).toEqual({ imported: true });
    expect((await request(app).head('/jobs/7')).status).toBe(200);
    expect(entered).toEqual(['GET /jobs/7', 'POST /ROSTERS/import', 'HEAD /jobs/7']);
    entered.length = 0;
    expect((await request(app).post('/graphql')).body).toEqual({ graphql: true });
    expect((await request(app).post('/jobs/7')).status).toBe(405);
    expect(entered).toEqual([]);
    await request(app).get('/jobs/8');
    expect(entered).toEqual(['GET /jobs/8']);
  });

  it('should keep the routes visible to the 404/405 handler', async () => {
    const answer = await request(app).get('/rosters/import');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('POST');
    expect((await request(app).get('/nowhere')).status).toBe(404);
  });

  it('should hand every request to a router that has middleware of its own', () => {
    expect(routedOnly(router)).toBe(router);
  });
});
