import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { svgToPng } from '../../src/modules/reports/chart-render';
import { SERIES_LABELS } from '../../src/modules/reports/chart-text';
import { CHART_SHEET_NAME } from '../../src/modules/reports/dispatch-export';
import type { Department } from '../../src/shared/domain';
import { insertPerson } from '../factories/person.factory';
import { readChartSvg } from '../support/chart-svg';
import { startTestApp, type TestApp } from '../support/test-app';

const ROW = 'county countyName dibao { completionRate } tekun { completionRate } returnedPoverty { completionRate } all { completionRate }';
const DISPATCH = `query Dispatch($month: String!, $county: String) {
  dispatchReport(month: $month, county: $county) { rows { ${ROW} } total { ${ROW} } }
}`;
type Category = keyof typeof SERIES_LABELS;
type Row = { county: string; countyName: string } & Record<Category, { completionRate: number | null }>;

/** A supertest parser that keeps the body as bytes. */
function binary(response: NodeJS.ReadableStream, callback: (error: Error | null, body: unknown) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('GET /reports/dispatch.svg and the chart sheet of /reports/dispatch.xlsx', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    // 530102: DIBAO 1 of 2 paid (50%), TEKUN 0 of 1 (0%); 530103: RETURNED_POVERTY 1 of 2 (50%), DIBAO nobody
    // eligible (one aged 74: rate null, no bar); 530111: TEKUN 1 of 1 (100%).
    const person = (category: 'DIBAO' | 'TEKUN' | 'RETURNED_POVERTY', county: string, paid: boolean, birthDate = '1980-05-17') =>
      insertPerson(app.db, {
        birthDate,
        pensionStatus: 'CONTRIBUTING',
        entries: [{ category, county, recognizedOn: '2020-01-01' }],
        payments: paid ? [{ year: 2024, paidOn: '2024-03-01' }] : [],
      });
    await person('DIBAO', '530102', true);
    await person('DIBAO', '530102', false);
    await person('TEKUN', '530102', false);
    await person('RETURNED_POVERTY', '530103', true);
    await person('RETURNED_POVERTY', '530103', false);
    await person('DIBAO', '530103', false, '1950-03-03');
    await person('TEKUN', '530111', true);
  });

  afterAll(async () => {
    await app.close();
  });

  const get = (path: string, token: string | null) => {
    let request = app.http().get(path);
    if (token) request = request.set('authorization', `Bearer ${token}`);
    return request.buffer(true).parse(binary as unknown as Parameters<typeof request.parse>[0]);
  };

  /** The figures as HRSS reads them (every column) for the same counties. */
  async function reportRows(county: string | null): Promise<Row[]> {
    const graph = await app.graphql<{ dispatchReport: { rows: Row[]; total: Row } }>(
      DISPATCH,
      { month: '2024-06', county },
      app.token('HRSS'),
    );
    expect(graph.errors).toBeUndefined();
    const { rows, total } = graph.data!.dispatchReport;
    return rows.length > 1 ? [...rows, total] : rows;
  }

  /** The chart against dispatchReport: a bar per (category, county) with a rate, of the rate's height, and its label. */
  async function expectChartOf(department: Department, county: string | null, categories: Category[]): Promise<string> {
    const token = app.token(department, county);
    const response = await get(`/reports/dispatch.svg?month=2024-06${county ? `&county=${county}` : ''}`, token);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^inline; /);
    const svg = (response.body as Buffer).toString('utf8');
    const chart = readChartSvg(svg);
    const rows = await reportRows(county);

    // The legend names exactly the viewer's categories; the axis exactly its counties (and 合计).
    for (const [category, label] of Object.entries(SERIES_LABELS)) {
      expect(chart.texts.includes(label), `${department} legend ${label}`).toBe(categories.includes(category as Category));
    }
    for (const row of rows) expect(chart.texts).toContain(row.countyName);
    expect(chart.texts.filter((text) => /县|区|市/.test(text) && !text.includes('（'))).toHaveLength(
      rows.filter((row) => row.county !== '530100').length,
    );

    const expectedBars = categories.flatMap((category, series) =>
      rows.flatMap((row, dataIndex) => {
        const rate = row[category].completionRate;
        return rate === null ? [] : [{ series, dataIndex, rate }];
      }),
    );
    expect(chart.bars).toHaveLength(expectedBars.length);
    for (const expected of expectedBars) {
      const bar = chart.bars.find((candidate) => candidate.series === expected.series && candidate.dataIndex === expected.dataIndex);
      expect(bar, `bar ${categories[expected.series]} of ${rows[expected.dataIndex]!.countyName}`).toBeDefined();
      expect(bar!.height / chart.axisPixels).toBeCloseTo(expected.rate, 3);
    }
    const labels = chart.texts.filter((text) => /^\d+\.\d%$/.test(text)).sort();
    expect(labels).toEqual(expectedBars.map((bar) => `${(bar.rate * 100).toFixed(1)}%`).sort());
    return svg;
  }

  it('should draw a bar per county and category with dispatchReport’s completion rates when HRSS asks', async () => {
    const svg = await expectChartOf('HRSS', null, ['dibao', 'tekun', 'returnedPoverty', 'all']);
    // The figures reach the chart: 50%, 0% and 100% bars exist, and 盘龙区's DIBAO (nobody eligible) has none.
    const chart = readChartSvg(svg);
    expect(chart.bars.map((bar) => Math.round((bar.height / chart.axisPixels) * 100))).toEqual(expect.arrayContaining([50, 0, 100]));
    expect(chart.bars.find((bar) => bar.series === 0 && bar.dataIndex === 1)).toBeUndefined();
    expect(chart.texts).toContain('合计');
    expect(svg).toContain('@font-face{font-family:PensionAidChartSans;src:url(data:font/woff2;base64,');
  });

  it('should draw only the columns a department may read, as the XLSX and CSV export do', async () => {
    await expectChartOf('CIVIL_AFFAIRS', null, ['dibao', 'tekun']);
    await expectChartOf('RURAL_REVITALIZATION', null, ['returnedPoverty']);
    await expectChartOf('FINANCE', null, ['dibao', 'tekun', 'returnedPoverty', 'all']);
    // DISABLED_FEDERATION reads the report (disabledLevel34) but no completion rate: nothing to chart.
    for (const path of ['/reports/dispatch.svg?month=2024-06', '/reports/trend.svg?from=2024-01&to=2024-06']) {
      const refused = await app
        .http()
        .get(path)
        .set('authorization', `Bearer ${app.token('DISABLED_FEDERATION')}`);
      expect([refused.status, refused.body.code], path).toEqual([403, 'FORBIDDEN']);
    }
  });

  it('should draw only its own county, with no 合计 group, for a county user', async () => {
    const svg = await expectChartOf('RURAL_REVITALIZATION', '530103', ['returnedPoverty']);
    const texts = readChartSvg(svg).texts;
    expect(readChartSvg(svg).bars).toHaveLength(1);
    expect(texts).toContain('盘龙区');
    expect(texts).not.toContain('五华区');
    expect(texts).not.toContain('合计');
  });

  it('should answer bad parameters with a coded error naming the field, and refuse who may not read the report', async () => {
    const hrss = app.token('HRSS');
    for (const [query, field] of [
      ['month=2024-13', 'month'],
      ['', 'month'],
      ['month=2024-06&month=2024-07', 'month'],
      ['month=1999-06', 'month'],
      ['month=2024-06&county=123456', 'county'],
    ] as const) {
      const response = await app.http().get(`/reports/dispatch.svg?${query}`).set('authorization', `Bearer ${hrss}`);
      expect(response.status, query).toBe(400);
      expect(response.body.code, query).toBe('BAD_USER_INPUT');
      expect(response.body.problems, query).toEqual([{ row: null, field, message: expect.any(String) }]);
    }
    const tax = await app
      .http()
      .get('/reports/dispatch.svg?month=2024-06')
      .set('authorization', `Bearer ${app.token('TAX')}`);
    expect([tax.status, tax.body.code]).toEqual([403, 'FORBIDDEN']);
    const otherCounty = await app
      .http()
      .get('/reports/dispatch.svg?month=2024-06&county=530102')
      .set('authorization', `Bearer ${app.token('HRSS', '530103')}`);
    expect([otherCounty.status, otherCounty.body.code]).toEqual([403, 'FORBIDDEN']);
    const anonymous = await app.http().get('/reports/dispatch.svg?month=2024-06');
    expect([anonymous.status, anonymous.body.code]).toEqual([401, 'UNAUTHENTICATED']);
  });

  it('should leave the chart sheet out of the XLSX of a department that may read no completion rate', async () => {
    const xlsx = await get('/reports/dispatch.xlsx?month=2024-06', app.token('DISABLED_FEDERATION'));
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['调度表']);
  });

  it('should add a chart sheet to the XLSX holding the PNG of the viewer’s own chart', async () => {
    for (const department of ['HRSS', 'RURAL_REVITALIZATION'] as const) {
      const token = app.token(department);
      const xlsx = await get('/reports/dispatch.xlsx?month=2024-06', token);
      expect(xlsx.status).toBe(200);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
      expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['调度表', CHART_SHEET_NAME]);
      const images = workbook.worksheets[1]!.getImages();
      expect(images).toHaveLength(1);
      const media = workbook.getImage(Number(images[0]!.imageId));
      expect(media.extension).toBe('png');
      const png = Buffer.from(media.buffer as unknown as Uint8Array);
      // PNG signature, 2400 × 1200 pixels (the 1200 × 600 chart at twice its size).
      expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2400, 1200]);
      // The very picture of the SVG this viewer gets (its columns only): rendering is deterministic.
      const svg = (await get('/reports/dispatch.svg?month=2024-06', token)).body as Buffer;
      expect(png.equals(await svgToPng(svg.toString('utf8')))).toBe(true);
    }
  });
});

describe('GET /reports/trend.svg', () => {
  let app: TestApp;
  const TREND = `query Trend($from: String!, $to: String!, $county: String) {
    dispatchTrend(from: $from, to: $to, county: $county) { month total { ${ROW} } }
  }`;

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-12-01T04:00:00Z') });
    // Payments booked in March and May move the rates month by month; 530103's TEKUN has nobody eligible.
    const person = (category: 'DIBAO' | 'TEKUN' | 'RETURNED_POVERTY', county: string, paidOn: string | null, recognizedOn = '2020-01-01') =>
      insertPerson(app.db, {
        birthDate: '1980-05-17',
        pensionStatus: 'CONTRIBUTING',
        entries: [{ category, county, recognizedOn }],
        payments: paidOn ? [{ year: 2024, paidOn }] : [],
      });
    await person('DIBAO', '530102', '2024-03-01');
    await person('DIBAO', '530102', '2024-05-01');
    await person('DIBAO', '530103', null);
    await person('RETURNED_POVERTY', '530103', '2024-05-01');
    await person('TEKUN', '530102', null, '2024-04-01');
  });

  afterAll(async () => {
    await app.close();
  });

  async function expectTrendOf(department: Department, county: string | null, categories: Category[], from = '2024-01', to = '2024-06') {
    const token = app.token(department, county);
    const response = await app
      .http()
      .get(`/reports/trend.svg?from=${from}&to=${to}${county ? `&county=${county}` : ''}`)
      .set('authorization', `Bearer ${token}`)
      .buffer(true)
      .parse(binary as never);
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = (response.body as Buffer).toString('utf8');
    const chart = readChartSvg(svg);
    const graph = await app.graphql<{ dispatchTrend: Array<{ month: string; total: Row }> }>(
      TREND,
      { from, to, county },
      app.token('HRSS'),
    );
    expect(graph.errors).toBeUndefined();
    const months = graph.data!.dispatchTrend;
    for (const month of months) expect(chart.texts).toContain(month.month);
    for (const [category, label] of Object.entries(SERIES_LABELS)) {
      expect(chart.texts.includes(label), `${department} legend ${label}`).toBe(categories.includes(category as Category));
    }
    const expected = categories.flatMap((category, series) =>
      months.flatMap((month, dataIndex) => {
        const rate = month.total[category].completionRate;
        return rate === null ? [] : [{ series, dataIndex, rate }];
      }),
    );
    expect(chart.points).toHaveLength(expected.length);
    for (const point of expected) {
      const drawn = chart.points.find((candidate) => candidate.series === point.series && candidate.dataIndex === point.dataIndex);
      expect(drawn, `${categories[point.series]} in ${months[point.dataIndex]!.month}`).toBeDefined();
      expect(drawn!.height / chart.axisPixels).toBeCloseTo(point.rate, 3);
    }
    expect(chart.texts.filter((text) => /^\d+\.\d%$/.test(text)).sort()).toEqual(
      expected.map((point) => `${(point.rate * 100).toFixed(1)}%`).sort(),
    );
    return { chart, months };
  }

  it('should draw a point per month and category at dispatchTrend’s completion rate when HRSS asks', async () => {
    const { chart, months } = await expectTrendOf('HRSS', null, ['dibao', 'tekun', 'returnedPoverty', 'all']);
    expect(months.map((month) => month.month)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04', '2024-05', '2024-06']);
    // DIBAO city-wide: 0 of 3 paid until March, 1 of 3 from March, 2 of 3 from May.
    const dibao = chart.points.filter((point) => point.series === 0).map((point) => Math.round((point.height / chart.axisPixels) * 3));
    expect(dibao).toEqual([0, 0, 1, 1, 2, 2]);
    // TEKUN: recognised in April, so no point (nobody eligible) in January to March.
    expect(chart.points.filter((point) => point.series === 1).map((point) => point.dataIndex)).toEqual([3, 4, 5]);
  });

  it('should draw only the viewer’s categories and county', async () => {
    await expectTrendOf('CIVIL_AFFAIRS', null, ['dibao', 'tekun']);
    await expectTrendOf('FINANCE', null, ['dibao', 'tekun', 'returnedPoverty', 'all']);
    const { chart } = await expectTrendOf('RURAL_REVITALIZATION', '530103', ['returnedPoverty'], '2024-04', '2024-05');
    expect(chart.points.map((point) => Math.round((point.height / chart.axisPixels) * 100))).toEqual([0, 100]);
    const otherCounty = await app
      .http()
      .get('/reports/trend.svg?from=2024-01&to=2024-06&county=530102')
      .set('authorization', `Bearer ${app.token('RURAL_REVITALIZATION', '530103')}`);
    expect([otherCounty.status, otherCounty.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('should answer bad parameters with a coded error naming the field', async () => {
    const hrss = app.token('HRSS');
    for (const [query, fields] of [
      ['to=2024-06', ['from']],
      ['from=2024-01', ['to']],
      ['from=2024-13&to=2024-06', ['from']],
      ['from=2024-06&to=2024-01', ['from']],
      ['from=2022-01&to=2024-06', ['to']],
      ['from=2024-01&from=2024-02&to=2024-06', ['from']],
      ['from=2024-01&to=2024-06&county=999999', ['county']],
    ] as const) {
      const response = await app.http().get(`/reports/trend.svg?${query}`).set('authorization', `Bearer ${hrss}`);
      expect(response.status, query).toBe(400);
      expect(response.body.code, query).toBe('BAD_USER_INPUT');
      expect(
        response.body.problems.map((problem: { field: string }) => problem.field),
        query,
      ).toEqual(fields);
    }
    const tax = await app
      .http()
      .get('/reports/trend.svg?from=2024-01&to=2024-06')
      .set('authorization', `Bearer ${app.token('TAX')}`);
    expect([tax.status, tax.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await app.http().get('/reports/trend.svg?from=2024-01&to=2024-06')).status).toBe(401);
  });
});
