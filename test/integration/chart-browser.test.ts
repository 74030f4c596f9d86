import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import * as fontkit from 'fontkit';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_FONT_FAMILY, CHART_FONT_FILES, chartFontDirectory } from '../../src/modules/reports/chart-font';
import { insertPerson } from '../factories/person.factory';
import { startTestApp, type TestApp } from '../support/test-app';

// The charts in a real browser with no network but this server: Debian's headless Chromium (as in
// explorer-browser.test.ts) opens the SVG itself, counts its bars, and measures every label against the
// advance widths of the shipped font (fontkit), which only the embedded @font-face gives: the machine has
// no CJK font, so a fallback draws empty boxes of other widths. The XLSX chart's PNG is decoded by the
// browser too, and its title band must hold ink (resvg drew the text).

// Browser globals used inside page.evaluate (run in Chromium; this project compiles without the DOM library).
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare const getComputedStyle: (element: any) => { fontSize: string; fontFamily: string };
declare const Image: new () => any;
/* eslint-enable @typescript-eslint/no-explicit-any */

const CHROMIUM = '/usr/bin/chromium';
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

interface DrawnText {
  text: string;
  fontSize: number;
  width: number;
  fallbackWidth: number;
}

describe('the charts in headless Chromium with the network limited to localhost', () => {
  let app: TestApp;
  let base: string;
  let userDataDir: string;
  let context: BrowserContext;
  const leftLocalhost: string[] = [];
  const font = fontkit.create(readFileSync(path.join(chartFontDirectory(), CHART_FONT_FILES.truetype))) as fontkit.Font;

  /** The width the shipped font gives `text` at `fontSize` (its own layout: advances, kerning). */
  const fontWidth = (text: string, fontSize: number) => (font.layout(text).advanceWidth * fontSize) / font.unitsPerEm;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM}: run \`apt-get update && apt-get install -y chromium\` (.ci/run does this)`,
      );
    }
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    for (const [category, county, paid] of [
      ['DIBAO', '530102', true],
      ['DIBAO', '530102', false],
      ['TEKUN', '530128', true],
      ['RETURNED_POVERTY', '530129', false],
    ] as const) {
      await insertPerson(app.db, {
        birthDate: '1980-05-17',
        pensionStatus: 'CONTRIBUTING',
        entries: [{ category, county, recognizedOn: '2020-01-01' }],
        payments: paid ? [{ year: 2024, paidOn: '2024-03-01' }] : [],
      });
    }
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

  /** Opens the SVG as the browser's document; returns its bars, its font's status and every text's widths. */
  async function openChart(pathAndQuery: string, token: string) {
    const page = await context.newPage();
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${token}` });
    const response = await page.goto(`${base}${pathAndQuery}`);
    expect(response?.status()).toBe(200);
    const drawn = await page.evaluate(async (family) => {
      await document.fonts.ready;
      const texts = [...document.querySelectorAll('text')];
      // The same text in the browser's own sans-serif (DejaVu here, no CJK): what a chart without its font shows.
      const probe = document.createElementNS('http://www.w3.org/2000/svg', 'text');
      document.documentElement.appendChild(probe);
      const measured = texts.map((element) => {
        const fontSize = parseFloat(getComputedStyle(element).fontSize);
        probe.setAttribute('style', `font-size:${fontSize}px;font-family:sans-serif`);
        probe.textContent = element.textContent;
        return {
          text: element.textContent ?? '',
          fontSize,
          width: element.getComputedTextLength(),
          fallbackWidth: probe.getComputedTextLength(),
        };
      });
      probe.remove();
      return {
        bars: document.querySelectorAll('path[ecmeta_ssr_type="chart"]').length,
        faces: [...document.fonts].map((face) => `${face.family} ${face.status}`),
        covers: document.fonts.check(`12px ${family}`, '禄劝彝族苗族自治县'),
        families: [...new Set(texts.map((element) => getComputedStyle(element).fontFamily))],
        texts: measured,
      };
    }, CHART_FONT_FAMILY);
    if (process.env.CHART_SCREENSHOT) await page.screenshot({ path: process.env.CHART_SCREENSHOT });
    await page.close();
    return drawn;
  }

  function expectDrawnWithTheChartFont(texts: DrawnText[]): void {
    expect(texts.length).toBeGreaterThan(10);
    for (const drawn of texts) {
      expect(drawn.width, `width of "${drawn.text}"`).toBeCloseTo(fontWidth(drawn.text, drawn.fontSize), 0);
    }
    // The measurement tells the fonts apart: every label with Chinese characters is another width in the fallback.
    const chinese = texts.filter((drawn) => /[\u4e00-\u9fff]/.test(drawn.text));
    expect(chinese.length).toBeGreaterThan(5);
    for (const drawn of chinese) expect(Math.abs(drawn.width - drawn.fallbackWidth), drawn.text).toBeGreaterThan(1);
  }

  it('should render the dispatch chart with its bars and every label in the embedded font', async () => {
    const chart = await openChart('/reports/dispatch.svg?month=2024-06', app.token('HRSS'));
    // 4 categories × (14 counties + 合计), less the rates that are null: DIBAO 1 county, TEKUN 1, RETURNED_POVERTY 1,
    // all 3 counties, each category's and all's 合计 → 1+1+1+3 + 4 = 10 bars.
    expect(chart.bars).toBe(10);
    expect(chart.faces).toEqual([`${CHART_FONT_FAMILY} loaded`]);
    expect(chart.covers).toBe(true);
    expect(chart.families).toEqual([`${CHART_FONT_FAMILY}, sans-serif`]);
    expect(chart.texts.map((drawn) => drawn.text)).toEqual(
      expect.arrayContaining(['禄劝彝族苗族自治县', '寻甸回族彝族自治县', '低保对象', '合计']),
    );
    expectDrawnWithTheChartFont(chart.texts);
  });

  it('should render the trend chart and only the viewer’s series in the embedded font', async () => {
    const chart = await openChart('/reports/trend.svg?from=2024-01&to=2024-06', app.token('CIVIL_AFFAIRS'));
    // DIBAO and TEKUN, each a point in each of the 6 months.
    expect(chart.bars).toBe(12);
    expect(chart.faces).toEqual([`${CHART_FONT_FAMILY} loaded`]);
    expect(chart.texts.map((drawn) => drawn.text)).not.toContain('返贫致贫人口');
    expectDrawnWithTheChartFont(chart.texts);
  });

  it('should decode the PNG of the XLSX chart sheet with text drawn in its title band', async () => {
    const xlsx = await app
      .http()
      .get('/reports/dispatch.xlsx?month=2024-06')
      .set('authorization', `Bearer ${app.token('HRSS')}`)
      .buffer(true)
      .parse((response, callback) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as ArrayBuffer);
    const image = workbook.getImage(Number(workbook.worksheets[1]!.getImages()[0]!.imageId));
    const png = Buffer.from(image.buffer as unknown as Uint8Array).toString('base64');
    const page = await context.newPage();
    await page.goto(`${base}/healthz`);
    const ink = await page.evaluate(async (data) => {
      const picture = new Image();
      picture.src = `data:image/png;base64,${data}`;
      await picture.decode();
      const canvas = document.createElement('canvas');
      canvas.width = picture.width;
      canvas.height = picture.height;
      const drawing = canvas.getContext('2d')!;
      drawing.drawImage(picture, 0, 0);
      // Dark pixels in a band: the title (rows 20-70 at scale 2) and the county names under the axis.
      const darkPixels = (top: number, bottom: number) => {
        const pixels = drawing.getImageData(0, top, picture.width, bottom - top).data;
        let dark = 0;
        for (let index = 0; index < pixels.length; index += 4) if (pixels[index]! < 128 && pixels[index + 1]! < 128) dark++;
        return dark;
      };
      return { width: picture.width, height: picture.height, title: darkPixels(20, 70), axis: darkPixels(1060, 1200) };
    }, png);
    await page.close();
    expect([ink.width, ink.height]).toEqual([2400, 1200]);
    expect(ink.title).toBeGreaterThan(2000);
    expect(ink.axis).toBeGreaterThan(2000);
  });

  it('should never have tried to reach a host other than this server', () => {
    expect(leftLocalhost).toEqual([]);
  });
});
