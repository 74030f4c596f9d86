import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locateExplorerAssets } from '../../src/app/explorer-assets';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// The explorer in a real browser, as on a government network with no internet: Debian's headless
// Chromium driven by playwright-core, every request that is not for this server aborted and recorded.

const CHROMIUM = '/usr/bin/chromium';
// As in the machine notes: without the background-networking flags Chromium calls Google's hosts at start.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);
const PERSON = '浏览器测试甲';

describe('the API explorer in headless Chromium with the network limited to localhost', () => {
  let app: TestApp;
  let base: string;
  let userDataDir: string;
  let context: BrowserContext;
  const leftLocalhost: string[] = [];
  const pageErrors: string[] = [];
  const failedLoads: string[] = [];
  // The page's Content-Security-Policy stops an outside load before it becomes a request; Chromium logs it.
  const policyViolations: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (.ci/run does this)`,
      );
    }
    // On a fresh checkout the first use bundles the explorer (seconds): done here, under the hook's longer timeout.
    await locateExplorerAssets();
    app = await startTestApp({ now: new Date('2024-06-15T04:00:00Z') });
    await insertPerson(app.db, { name: PERSON, entries: [{ category: 'DIBAO', county: '530102' }] });
    await new Promise<void>((resolve) => app.server.httpServer.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(app.server.httpServer.address() as AddressInfo).port}`;
    userDataDir = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
      leftLocalhost.push(url.href);
      return route.abort('blockedbyclient');
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await app?.close();
  });

  async function openExplorer(endpoint: string): Promise<Page> {
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${endpoint}: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(`${endpoint}: ${message.text()}`);
    });
    // Page and asset loads (GET); a POST may be a GraphQL error answer, which the result pane shows.
    page.on('response', (response) => {
      if (response.request().method() === 'GET' && response.status() >= 400) failedLoads.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(`${base}${endpoint}`);
    // The query editor is Monaco: its presence means the bundle, its CSS and its workers loaded.
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 20_000 });
    return page;
  }

  async function runWithToken(page: Page, token: string): Promise<string> {
    await page.getByLabel('Bearer token').fill(token);
    await page.getByLabel('Bearer token').press('Enter');
    await page.locator('.graphiql-execute-button').click();
    const response = page.locator('.graphiql-response');
    // Whatever the answer (data or errors), the test's assertions then say what is wrong.
    await expect.poll(() => response.innerText(), { timeout: 20_000 }).toMatch(/"data"|"errors"/);
    return response.innerText();
  }

  it('should run a query with a bearer token at /graphql and show a seeded person in the result pane', async () => {
    const page = await openExplorer('/graphql');
    expect(await page.title()).toBe('pension-aid API explorer — /graphql');
    const result = await runWithToken(page, app.token('HRSS'));
    expect(result).toContain(PERSON);
    expect(result).toContain('530102');
    expect(result).not.toContain('UNAUTHENTICATED');
    await page.close();
  });

  it("should run the department view's query against its own endpoint with that department's token", async () => {
    const page = await openExplorer('/graphql/civil-affairs');
    const posted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST') posted.push(new URL(request.url()).pathname);
    });
    const result = await runWithToken(page, app.token('CIVIL_AFFAIRS'));
    expect(result).toContain(PERSON);
    expect(new Set(posted)).toEqual(new Set(['/graphql/civil-affairs']));
    if (process.env.EXPLORER_SCREENSHOT) await page.screenshot({ path: process.env.EXPLORER_SCREENSHOT });
    await page.close();
  });

  it('should never have tried to reach a host other than this server, failed to load a file, or thrown in the page', () => {
    expect(leftLocalhost).toEqual([]);
    expect(policyViolations).toEqual([]);
    expect(failedLoads).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
