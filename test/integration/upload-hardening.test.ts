import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../src/shared/sql';
import { insertPerson } from '../factories/person.factory';
import { utf8Csv, xlsxFile } from '../support/exchange-files';
import { startTestApp, type TestApp } from '../support/test-app';
import { sharedStringsBomb } from '../support/zip-builder';

// Broken uploads from outside, on a real socket: the client hangs up mid-body, the closing boundary never
// comes, the boundary is missing, the XLSX is a zip bomb. Each is a coded 400 (when the client still
// listens), leaves no temporary file, raises no unhandled rejection, and the server keeps answering.

const BOUNDARY = '----pension-aid-test-boundary';

describe('broken multipart uploads', () => {
  let app: TestApp;
  let port: number;
  let uploads: string;
  let token: string;
  let person: { id: number; idNumber: string };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    uploads = mkdtempSync(path.join(os.tmpdir(), 'pension-aid-uploads-'));
    app = await startTestApp({
      now: new Date('2024-06-15T04:00:00Z'),
      importLimits: { maxBytes: 10 * 1024 * 1024, maxRows: 100, temporaryDirectory: uploads },
    });
    await new Promise<void>((resolve) => app.server.httpServer.listen(0, '127.0.0.1', resolve));
    port = (app.server.httpServer.address() as net.AddressInfo).port;
    token = app.token('HRSS', null, 'hrss-clerk');
    person = await insertPerson(app.db, { entries: [{ category: 'DIBAO', county: '530102' }] });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await app.close();
    rmSync(uploads, { recursive: true, force: true });
  });

  const partHead = (filename: string) =>
    `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="${filename}"\r\ncontent-type: application/octet-stream\r\n\r\n`;

  const headers = (length: number, contentType = `multipart/form-data; boundary=${BOUNDARY}`) =>
    `POST /payments/import HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: ${contentType}\r\ncontent-length: ${length}\r\nconnection: close\r\n\r\n`;

  /** Sends raw bytes; resolves with the answer's status and JSON body once the server closes the socket. */
  const raw = (bytes: Buffer) =>
    new Promise<{ status: number; body: { code?: string; problems?: Array<{ field: string; message: string }> } }>((resolve, reject) => {
      const socket = net.connect(port, '127.0.0.1');
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', reject);
      socket.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);
        const body = text.slice(text.indexOf('\r\n\r\n') + 4);
        try {
          resolve({ status, body: JSON.parse(body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1)) });
        } catch {
          reject(new Error(`not a JSON answer: ${JSON.stringify(text)}`));
        }
      });
      // Not end(): a half-closed request is aborted by Node's HTTP server before it can answer.
      socket.write(bytes);
    });

  const leftovers = () => readdirSync(uploads);
  const waitForNoLeftovers = async () => {
    for (let waited = 0; waited < 3000 && leftovers().length > 0; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return leftovers();
  };
  const paymentCount = async () => (await app.db.one<{ count: number }>(sql`select count(*)::int as count from proxy_payment`))!.count;

  const stillAnswers = async () => {
    const health = await app.http().get('/healthz');
    expect(health.status).toBe(200);
    const file = utf8Csv([
      ['idNumber', 'year', 'amount', 'paidOn'],
      [person.idNumber, 2024, '100.00', '2024-03-01'],
    ]);
    const response = await app.http().post('/payments/import').set('authorization', `Bearer ${token}`).attach('file', file, 'ok.csv');
    expect(response.body).toMatchObject({ rows: 1, year: 2024, problems: [] });
  };

  it('should survive a client that hangs up in the middle of the body, and leave no temporary file', async () => {
    const start = Buffer.from(partHead('big.csv'));
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write(headers(5 * 1024 * 1024));
    socket.write(start);
    socket.write(Buffer.alloc(256 * 1024, 'x'));
    // Wait until the server has started streaming the file to disk, then hang up.
    for (let waited = 0; waited < 3000 && leftovers().length === 0; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(leftovers()).toHaveLength(1);
    socket.destroy();
    expect(await waitForNoLeftovers()).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(unhandled).toEqual([]);
    expect(await paymentCount()).toBe(0);
    await stillAnswers();
  });

  it('should answer 400 BAD_USER_INPUT to a body without its closing boundary', async () => {
    const body = Buffer.concat([Buffer.from(partHead('cut.csv')), Buffer.from('idNumber,amount,paidOn\r\n'.repeat(2000))]);
    const answer = await raw(Buffer.concat([Buffer.from(headers(body.length)), body]));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_USER_INPUT');
    expect(answer.body.problems).toEqual([{ row: null, field: 'file', message: expect.stringMatching(/closing boundary/) }]);
    expect(await waitForNoLeftovers()).toEqual([]);
    expect(unhandled).toEqual([]);
    await stillAnswers();
  });

  it('should answer 400 BAD_USER_INPUT to multipart without a boundary', async () => {
    const body = Buffer.from(`${partHead('x.csv')}a,b\r\n--${BOUNDARY}--\r\n`);
    const answer = await raw(Buffer.concat([Buffer.from(headers(body.length, 'multipart/form-data')), body]));
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('BAD_USER_INPUT');
    expect(answer.body.problems).toEqual([{ row: null, field: 'file', message: expect.stringMatching(/boundary/i) }]);
    expect(unhandled).toEqual([]);
    await stillAnswers();
  });

  /** A zip bomb sent as a payments file: refused with one coded problem on `file`, memory flat, nothing left behind. */
  const expectBombRefused = async (bomb: Buffer, message: RegExp) => {
    const before = process.memoryUsage().rss;
    const response = await app.http().post('/payments/import').set('authorization', `Bearer ${token}`).attach('file', bomb, 'bomb.xlsx');
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: 'BAD_USER_INPUT', rows: 0, recorded: 0 });
    expect(response.body.problems).toEqual([{ row: null, field: 'file', message: expect.stringMatching(message) }]);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(await waitForNoLeftovers()).toEqual([]);
  };

  it('should stop a zip bomb whose headers declare small sizes while inflating it, with a coded problem', async () => {
    // 100 MiB of shared strings (the limit is 64 MiB) declared as 1,000 bytes in both headers.
    const bomb = sharedStringsBomb(100 * 1024 * 1024, 1000);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    await expectBombRefused(bomb, /^the XLSX file is refused: its shared strings inflate to more than the limit of 67108864 bytes/);
    await stillAnswers();
  });

  it('should refuse a zip bomb with a coded problem before inflating it', async () => {
    await expectBombRefused(
      sharedStringsBomb(8 * 1024 * 1024),
      /^the XLSX file is refused: entry "xl\/sharedStrings.xml" inflates \d+ times/,
    );
    // A real workbook still goes through.
    const workbook = await xlsxFile([
      ['idNumber', 'year', 'amount', 'paidOn'],
      [person.idNumber, 2024, '100.00', '2024-03-01'],
    ]);
    const ok = await app.http().post('/payments/import').set('authorization', `Bearer ${token}`).attach('file', workbook, 'ok.xlsx');
    expect(ok.status).toBe(200);
  });
});
