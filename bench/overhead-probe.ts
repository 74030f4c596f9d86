import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../src/infrastructure/logger';
import { signToken } from '../src/shared/auth';
import { seedPersons } from '../src/modules/seed/seed-writer';
import { SyntheticCity } from '../src/modules/seed/synthetic-city';
import { sql } from '../src/shared/sql';
import { openBenchDatabase } from './bench-database';
import { runLoad } from './lib/load';
import { pageQuery } from './lib/page-shape';
import { cpuSeconds, startPensionAidServer } from './lib/processes';
import { topOfProfile } from './lib/profile';

// Quick probe for issue 11's overhead work (not part of npm run bench): seeds 20,000 persons in a throw-away embedded
// PostgreSQL, then for each server root (a checkout, or a commit extracted with git archive and node_modules linked)
// and each query measures rps and Node CPU per 1,000 requests in interleaved rounds; --profile writes the top self
// times to /tmp/ovh/<root>-<kinds>.txt. npx tsx bench/overhead-probe.ts [--roots=a,b] [--kinds=typename,page,elig]
// [--rounds=2] [--seconds=5] [--profile]
const SECRET = 'bench-secret-0123456789abcdef-0123456789';
const args = process.argv.slice(2);
const roots = (args.find((a) => a.startsWith('--roots='))?.slice(8) ?? path.resolve(__dirname, '..')).split(',');
const seconds = Number(args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 5);
const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 2);
const profile = args.includes('--profile');
const kinds = (args.find((a) => a.startsWith('--kinds='))?.slice(8) ?? 'typename,page,elig').split(',');
const queries: Record<string, string> = { typename: '{ __typename }', page: pageQuery(100, false, 2026), elig: pageQuery(100, true, 2026) };

async function main() {
  const logger = createLogger('warn');
  const db = await openBenchDatabase({ logger, externalUrl: process.env.PROBE_DATABASE_URL });
  const count = (await db.db.one<{ count: number }>(sql`select count(*)::int as count from person`))!.count;
  if (count < 20000) {
    await seedPersons(db.db, new SyntheticCity(99, { year: 2026, today: '2026-11-28' }), 20000 - count, () => undefined);
    await db.db.rows(sql`vacuum analyze`);
  }
  const token = signToken({ subject: 'bench', department: 'HRSS', county: null }, SECRET);
  const results: Record<string, { rps: number[]; cpu: number[]; rss: number[] }> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const root of roots) {
        const profileDir = profile ? mkdtempSync(path.join(os.tmpdir(), 'ovh-prof-')) : null;
        const server = await startPensionAidServer({
          databaseUrl: db.url,
          secret: SECRET,
          cwd: root,
          name: root,
          cpuProfileDir: profileDir,
        });
        const port = server.port;
        try {
          for (const kind of kinds) {
            const load = {
              url: `http://127.0.0.1:${port}/graphql`,
              body: JSON.stringify({ query: queries[kind] }),
              headers: { authorization: `Bearer ${token}` },
              connections: 20,
            };
            await runLoad({ ...load, seconds: 2 });
            const before = cpuSeconds(server.pid);
            const result = await runLoad({ ...load, seconds });
            const cpu = cpuSeconds(server.pid) - before;
            const rss = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
            const key = `${path.basename(root)} ${kind}`;
            (results[key] ??= { rps: [], cpu: [], rss: [] }).rps.push(result.rps);
            results[key].cpu.push((cpu / result.requests) * 1000);
            results[key].rss.push(rss);
            console.log(
              `${key}: ${result.rps.toFixed(0)} rps, ${((cpu / result.requests) * 1000).toFixed(2)} s CPU/1000, errors ${result.errors} non2xx ${result.non2xx}, peak rss ${rss.toFixed(0)} MB`,
            );
          }
        } finally {
          const stopAt = performance.now();
          await server.stop();
          if (profileDir) {
            const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'))!;
            const top = topOfProfile(path.join(profileDir, file), 40, {
              fromEndMs: performance.now() - stopAt + (seconds + 2) * 1000 * kinds.length,
              toEndMs: performance.now() - stopAt + 200,
            });
            mkdirSync('/tmp/ovh', { recursive: true });
            const out = `/tmp/ovh/${path.basename(root)}-${kinds.join('+')}.txt`;
            writeFileSync(
              out,
              [
                ...top.lines.map((l) => `${l.percent.toFixed(1).padStart(5)}% ${l.function} ${l.where}`),
                '--',
                ...top.byPackage.map((l) => `${l.percent.toFixed(1).padStart(5)}% ${l.function}`),
              ].join('\n'),
            );
            console.log(`profile: ${path.join(profileDir, file)} top in ${out}`);
          }
        }
      }
    }
    for (const [key, value] of Object.entries(results)) {
      const med = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
      console.log(
        `SUMMARY ${key}: rps ${value.rps.map((v) => v.toFixed(0)).join('/')} (median ${med(value.rps).toFixed(0)}), CPU/1000 ${med(value.cpu).toFixed(2)} s, rss ${Math.max(...value.rss).toFixed(0)} MB`,
      );
    }
  } finally {
    await db.close();
  }
}
void main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
