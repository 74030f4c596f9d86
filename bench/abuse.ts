import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// npx tsx bench/abuse.ts -- --url http://127.0.0.1:4000 --pid <server pid> --token <HRSS token> [--rounds 20]
// Sends the abusive requests of issue 9 to a running server and prints, for each, the answer, the
// slowest refusal and the server's resident memory (VmRSS of --pid) before and after the burst.

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:4000' },
    pid: { type: 'string' },
    token: { type: 'string' },
    rounds: { type: 'string', default: '20' },
  },
});
const rounds = Number(values.rounds);

const rssMb = (): number | null => {
  if (!values.pid) return null;
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${values.pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : null;
};

const aliases = (count: number, field: string) => Array.from({ length: count }, (_, index) => `a${index}: ${field}`).join(' ');

const cases: Array<{ name: string; body: string; token?: string }> = [
  { name: '180,000 __typename aliases, no token', body: JSON.stringify({ query: `{ ${aliases(180_000, '__typename')} }` }) },
  {
    name: '1,000 aliases of persons(first: 500) with eligibility reasons, HRSS token',
    body: JSON.stringify({
      query: `{ ${aliases(1000, 'persons(first: 500) { edges { node { idNumber name eligibility(year: 2026) { status reasons { rule message } } } } }')} }`,
    }),
    token: values.token,
  },
  ...[15, 4, 3, 1].map((count) => ({
    name: `${count} aliases of persons(first: 500) with eligibility reasons, HRSS token`,
    body: JSON.stringify({
      query: `{ ${aliases(count, 'persons(first: 500) { edges { node { idNumber name eligibility(year: 2026) { status reasons { rule message } } } } }')} }`,
    }),
    token: values.token,
  })),
  { name: 'malformed JSON', body: '{"query": "{ __typename }"' },
  { name: 'HTTP batch of 2', body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) },
];

async function send(body: string, token?: string): Promise<{ status: number; code: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${values.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let code = '';
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string; limit?: { name?: string } } }> };
    const extensions = parsed.errors?.[0]?.extensions;
    code = extensions ? `${extensions.code ?? ''}${extensions.limit?.name ? ` (${extensions.limit.name})` : ''}` : 'ok';
  } catch {
    code = `not JSON: ${text.slice(0, 40)}`;
  }
  return { status: response.status, code, ms };
}

async function main(): Promise<void> {
  for (const testCase of cases) {
    const before = rssMb();
    const results = [];
    for (let round = 0; round < rounds; round += 1) results.push(await send(testCase.body, testCase.token));
    const after = rssMb();
    const times = results.map((result) => result.ms).sort((a, b) => a - b);
    process.stdout.write(
      `${testCase.name} (${(testCase.body.length / 1024).toFixed(0)} KB) ×${rounds}: ${results[0]!.status} ${results[0]!.code}; ` +
        `median ${times[Math.floor(times.length / 2)]!.toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms; RSS ${before} → ${after} MB\n`,
    );
  }
  const alive = await send(JSON.stringify({ query: '{ __typename }' }));
  process.stdout.write(`afterwards { __typename }: ${alive.status} ${alive.code} in ${alive.ms.toFixed(1)} ms; RSS ${rssMb()} MB\n`);
}

void main();
