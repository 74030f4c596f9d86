import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPLORER_ASSETS_PATH, EXPLORER_OFF_CODE } from '../../src/app/explorer';
import { startTestApp, type TestApp } from '../support/test-app';

// The explorer's HTTP side: who gets the page, what it may load, and that GraphQL requests are unchanged.
// The page running in a real browser is test/integration/explorer-browser.test.ts.

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

function scriptAndStyleSources(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
}

describe('the API explorer over HTTP', () => {
  describe('outside production (the default)', () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startTestApp();
    });
    afterAll(async () => {
      await app.close();
    });

    it('should serve the self-hosted GraphiQL page at /graphql and at every department view, loading only its own assets', async () => {
      for (const path of ['/graphql', ...app.server.views.map((view) => `/graphql/${view.slug}`)]) {
        const response = await app.http().get(path).set('accept', BROWSER_ACCEPT);
        expect(response.status, path).toBe(200);
        expect(response.headers['content-type']).toMatch(/^text\/html/);
        expect(response.headers['content-security-policy']).toContain("default-src 'self'");
        expect(response.text).toContain(`"endpoint":"${path}"`);
        const sources = scriptAndStyleSources(response.text).filter((source) => source !== 'data:,');
        expect(sources).toEqual([`${EXPLORER_ASSETS_PATH}/explorer.css`, `${EXPLORER_ASSETS_PATH}/explorer.js`]);
        expect(response.text).not.toMatch(/https?:\/\//);
      }
    });

    it('should serve the bundled script, style and Monaco workers from the server itself', async () => {
      const script = await app.http().get(`${EXPLORER_ASSETS_PATH}/explorer.js`);
      expect(script.status).toBe(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
      for (const file of ['explorer.css', 'editor.worker.js', 'json.worker.js', 'graphql.worker.js']) {
        expect((await app.http().get(`${EXPLORER_ASSETS_PATH}/${file}`)).status, file).toBe(200);
      }
      expect((await app.http().get(`${EXPLORER_ASSETS_PATH}/manifest.json`)).status).toBe(404);
      expect((await app.http().get(`${EXPLORER_ASSETS_PATH}/..%2Fmanifest.json`)).status).toBe(404);
    });

    it('should leave GraphQL requests to Apollo: POST answers, a GET query without a preflight header is still blocked as CSRF', async () => {
      const posted = await app.graphql<{ __typename: string }>('{ __typename }');
      expect(posted).toMatchObject({ status: 200, data: { __typename: 'Query' } });
      const json = await app.http().get('/graphql').set('accept', 'application/json');
      expect(json.headers['content-type']).toMatch(/json/);
      const csrf = await app.http().get('/graphql').query({ query: '{ __typename }' }).set('accept', BROWSER_ACCEPT);
      expect(csrf.status).toBe(400);
      expect(csrf.text).toMatch(/Cross-Site Request Forgery/);
      const preflighted = await app
        .http()
        .get('/graphql')
        .query({ query: '{ __typename }' })
        .set('apollo-require-preflight', 'true')
        .set('accept', 'application/json');
      expect(preflighted.body).toEqual({ data: { __typename: 'Query' } });
    });
  });

  describe('in production', () => {
    let off: TestApp;
    let on: TestApp;
    beforeAll(async () => {
      [off, on] = await Promise.all([startTestApp({ production: true }), startTestApp({ production: true, explorer: true })]);
    });
    afterAll(async () => {
      await Promise.all([off.close(), on.close()]);
    });

    it('should answer a browser at /graphql and at a view with a small JSON 404 that loads nothing, when the explorer is off', async () => {
      for (const path of ['/graphql', `/graphql/${off.server.views[0]!.slug}`]) {
        const response = await off.http().get(path).set('accept', BROWSER_ACCEPT);
        expect(response.status, path).toBe(404);
        expect(response.headers['content-type']).toMatch(/^application\/json/);
        expect(response.body.error.code).toBe(EXPLORER_OFF_CODE);
        expect(response.text).not.toMatch(/<script|https?:\/\//);
      }
      expect((await off.http().get(`${EXPLORER_ASSETS_PATH}/explorer.js`)).status).toBe(404);
      expect(await off.graphql('{ __typename }')).toMatchObject({ status: 200, data: { __typename: 'Query' } });
    });

    it('should serve the explorer in production when the setting turns it on', async () => {
      const response = await on.http().get('/graphql').set('accept', BROWSER_ACCEPT);
      expect(response.status).toBe(200);
      expect(scriptAndStyleSources(response.text)).toContain(`${EXPLORER_ASSETS_PATH}/explorer.js`);
      expect((await on.http().get(`${EXPLORER_ASSETS_PATH}/explorer.js`)).status).toBe(200);
    });
  });
});
