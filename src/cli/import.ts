import { openAsBlob } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_RETRY_POLICY, fetchWithRetries, type RetryEvent, type RetryPolicy } from './http-retry';

// npm run import -- FILE --category DIBAO --county 530102 --as-of 2024-10-31 [--dry-run]
// npm run import -- FILE --kind enrolment|payment
// Uploads the file as an import job (async=true), draws a progress bar on stderr until the job is finished,
// then prints the import's answer (the JSON the synchronous import gives) on stdout. Exit status: 0 when the
// import was applied (or dry-run), 1 when it was refused, 2 on a usage or connection problem.
// A failed connection and a 503 or 429 answer are retried (--retries, default 5) with a bounded exponential
// backoff that honours Retry-After, for the upload and for each status poll; any other 4xx is not.
// Token: --token, else PA_TOKEN (e.g. PA_TOKEN=$(npm run -s token -- --department CIVIL_AFFAIRS)).

const ROUTES = { roster: '/rosters/import', enrolment: '/enrolments/import', payment: '/payments/import' } as const;
type Kind = keyof typeof ROUTES;

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

interface JobView {
  state: string;
  phase: string;
  rowsRead: number;
  bytesRead: number;
  bytesTotal: number;
  problemCount: number;
  httpStatus: number | null;
  result: unknown;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    kind: { type: 'string' },
    category: { type: 'string' },
    county: { type: 'string' },
    'as-of': { type: 'string' },
    'dry-run': { type: 'boolean' },
    url: { type: 'string' },
    token: { type: 'string' },
    interval: { type: 'string' },
    retries: { type: 'string' },
    'retry-delay-ms': { type: 'string' },
  },
});

const file = positionals[0] ?? fail('usage: npm run import -- FILE --category … --county … --as-of … [--dry-run] [--url …] [--token …]');
const kind = (values.kind ?? (values.category !== undefined ? 'roster' : undefined)) as Kind | undefined;
if (kind === undefined || !(kind in ROUTES))
  fail('--kind must be roster, enrolment or payment (a roster needs --category, --county, --as-of)');
const token = values.token ?? process.env.PA_TOKEN ?? fail('a token is needed: --token, or PA_TOKEN (npm run -s token -- --department …)');
const baseUrl = (values.url ?? process.env.PA_URL ?? `http://localhost:${process.env.PORT ?? 4000}`).replace(/\/$/, '');
const intervalMs = Number(values.interval ?? 500);
const retries = Number(values.retries ?? DEFAULT_RETRY_POLICY.retries);
const baseDelayMs = Number(values['retry-delay-ms'] ?? DEFAULT_RETRY_POLICY.baseDelayMs);
if (!Number.isInteger(retries) || retries < 0 || retries > 100) fail('--retries must be a whole number from 0 to 100');
if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) fail('--retry-delay-ms must be a number of milliseconds');
const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, retries, baseDelayMs };

const BAR_WIDTH = 30;
const interactive = process.stderr.isTTY === true;

function bar(job: JobView): string {
  const fraction =
    job.state === 'DONE' || job.state === 'FAILED' ? 1 : job.bytesTotal > 0 ? Math.min(1, job.bytesRead / job.bytesTotal) : 0;
  const filled = Math.round(fraction * BAR_WIDTH);
  const percent = `${Math.floor(fraction * 100)}`.padStart(3);
  const problems = job.problemCount > 0 ? `, ${job.problemCount} problems` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${percent}% ${job.rowsRead.toLocaleString('en-US')} rows ${job.phase}${problems}`;
}

let lastLine = '';
function show(job: JobView): void {
  const line = bar(job);
  if (line === lastLine) return;
  lastLine = line;
  // In a terminal the bar redraws in place; in a log, one line per change.
  process.stderr.write(interactive ? `\r${line}\u001b[K` : `${line}\n`);
}

function announce(what: string): (event: RetryEvent) => void {
  return ({ attempt, delayMs, reason }) => {
    // On a line of its own, so the bar does not swallow it.
    const breakLine = interactive && lastLine !== '' ? '\n' : '';
    lastLine = '';
    process.stderr.write(
      `${breakLine}${what}: ${reason}; attempt ${attempt + 1} of ${policy.retries + 1} in ${(delayMs / 1000).toFixed(1)} s\n`,
    );
  };
}

async function upload(): Promise<string> {
  await stat(file).catch(() => fail(`${file}: no such file`));
  const blob = await openAsBlob(file);
  const send = () => {
    const form = new FormData();
    form.set('async', 'true');
    if (values.category !== undefined) form.set('category', values.category);
    if (values.county !== undefined) form.set('county', values.county);
    if (values['as-of'] !== undefined) form.set('asOf', values['as-of']);
    if (values['dry-run']) form.set('dryRun', 'true');
    form.set('file', blob, path.basename(file));
    return fetch(`${baseUrl}${ROUTES[kind!]}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  };
  const response = await fetchWithRetries(send, policy, { onRetry: announce('upload') });
  const body = (await response.json().catch(() => ({ status: response.status }))) as { id?: string };
  if (response.status !== 202 || typeof body.id !== 'string') {
    // Refused before a job was made (token, fields): the server's answer, as the synchronous import gives it.
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
    process.exit(1);
  }
  return body.id;
}

async function follow(id: string): Promise<JobView> {
  const poll = () => fetch(`${baseUrl}/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
  for (;;) {
    const response = await fetchWithRetries(poll, policy, { onRetry: announce(`GET /jobs/${id}`) });
    if (response.status !== 200) fail(`GET /jobs/${id} answered ${response.status}: ${await response.text()}`);
    const job = (await response.json()) as JobView;
    show(job);
    if (job.state === 'DONE' || job.state === 'FAILED') return job;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function main(): Promise<void> {
  const id = await upload();
  process.stderr.write(`job ${id}\n`);
  const job = await follow(id);
  if (interactive) process.stderr.write('\n');
  process.stdout.write(`${JSON.stringify(job.result, null, 2)}\n`);
  process.exit(job.httpStatus === 200 ? 0 : 1);
}

main().catch((error: unknown) => fail(`import failed: ${error instanceof Error ? error.message : String(error)}`));
