import { execFile, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import pg from 'pg';
import { checkCharacter } from '../../src/shared/id-number';
import { SERVER_NODE_FLAGS } from './processes';

// Roster import through the API (multipart POST /rosters/import) against its limit: the same file read by
// psql's \copy into a temp table and one merge statement (new persons, exits, new periods), in a
// transaction that is rolled back so that the API then imports the same file into the same state.

/** The index-th distinct valid ID number: 1,000 sequence numbers for each birth day from 1960 on (area 530102). */
export function importIdNumber(index: number): string {
  const day = new Date(Date.UTC(1960, 0, 1) + Math.floor(index / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `530102${day}${String(index % 1000).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

export async function writeRosterCsv(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('身份证号,姓名,残疾等级,认定日期\r\n');
  for (let index = 0; index < rows; index++) {
    const line = `${importIdNumber(index)},导入${index},${index % 10 === 0 ? 3 : ''},2026-01-${String((index % 28) + 1).padStart(2, '0')}\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

export interface ImportAnswer {
  status: number;
  added?: number;
  exited?: number;
  unchanged?: number;
  alreadyApplied?: boolean;
  code?: string;
}

export interface RosterTarget {
  category: string;
  county: string;
  asOf: string;
}

export async function uploadRoster(port: number, token: string, file: string, target: RosterTarget): Promise<ImportAnswer> {
  const boundary = `----pension-aid-bench-${Date.now()}`;
  const head =
    Object.entries(target)
      .map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`)
      .join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="roster.csv"\r\nContent-Type: text/csv\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const length = Buffer.byteLength(head) + statSync(file).size + Buffer.byteLength(tail);
  const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/rosters/import',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': length,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    request.on('error', reject);
    request.write(head);
    const stream = createReadStream(file);
    stream.on('error', reject);
    stream.on('end', () => request.end(tail));
    stream.pipe(request, { end: false });
  });
  const parsed = JSON.parse(body.text) as Omit<ImportAnswer, 'status'>;
  return {
    status: body.status,
    added: parsed.added,
    exited: parsed.exited,
    unchanged: parsed.unchanged,
    alreadyApplied: parsed.alreadyApplied,
    code: parsed.code,
  };
}

export function psqlPath(): string | null {
  const candidates = [process.env.PSQL, '/usr/lib/postgresql/15/bin/psql', '/usr/bin/psql'];
  return candidates.find((candidate): candidate is string => !!candidate && existsSync(candidate)) ?? null;
}

/** COPY + one merge statement, rolled back; returns what it would have added and exited. */
export async function copyAndMerge(
  psql: string,
  url: string,
  file: string,
  target: RosterTarget,
): Promise<{ added: number; exited: number }> {
  const roster = `category = '${target.category}' and county = '${target.county}' and exited_on is null`;
  const script = `
begin;
create temp table staged (id_number char(18) not null, name varchar(100) not null, disability_level smallint, recognized_on date not null) on commit drop;
\\copy staged from '${file.replace(/'/g, "''")}' with (format csv, header true)
with new_person as (
  insert into person (id_number, name, gender, birth_date, disability_level)
  select id_number, name, case when substr(id_number, 17, 1)::int % 2 = 1 then 'M' else 'F' end, to_date(substr(id_number, 7, 8), 'YYYYMMDD'), disability_level
  from staged on conflict (id_number) do nothing returning id, id_number
), renamed as (
  update person set name = staged.name, disability_level = coalesce(staged.disability_level, person.disability_level), updated_at = now()
  from staged where person.id_number = staged.id_number
    and (person.name <> staged.name or (staged.disability_level is not null and person.disability_level is distinct from staged.disability_level))
  returning 1
), listed as (
  select coalesce(person.id, new_person.id) as person_id, staged.recognized_on, staged.disability_level
  from staged left join person on person.id_number = staged.id_number left join new_person on new_person.id_number = staged.id_number
), exited as (
  update roster_entry open_entry set exited_on = greatest('${target.asOf}'::date, open_entry.recognized_on)
  where open_entry.${roster} and not exists (select 1 from listed where listed.person_id = open_entry.person_id)
  returning 1
), added as (
  insert into roster_entry (person_id, category, county, recognized_on, disability_level, source_department)
  select listed.person_id, '${target.category}', '${target.county}', listed.recognized_on, listed.disability_level, 'CIVIL_AFFAIRS'
  from listed where not exists (select 1 from roster_entry open_entry where open_entry.person_id = listed.person_id and open_entry.${roster})
  returning 1
)
select (select count(*) from added) || '|' || (select count(*) from exited) || '|' || (select count(*) from renamed);
rollback;
`;
  return runPsqlScript(psql, url, script);
}

async function runPsqlScript(psql: string, url: string, script: string): Promise<{ added: number; exited: number }> {
  const child = execFile(psql, ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url], { maxBuffer: 1024 * 1024 });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.on('data', (chunk: string) => (stderr += chunk));
  child.stdin!.end(script);
  const [code] = (await once(child, 'exit')) as [number];
  if (code !== 0) throw new Error(`psql failed (${code}): ${stderr}`);
  const line = stdout.split('\n').find((text) => /^\d+\|\d+\|\d+$/.test(text));
  if (!line) throw new Error(`psql gave no counts: ${stdout} ${stderr}`);
  const [added, exited] = line.split('|').map(Number);
  return { added: added!, exited: exited! };
}

/** The least an unchanged re-import must do: read the file, hash it, look the hash up. */
export async function hashAndLookup(file: string, lookup: (hash: string) => Promise<unknown>): Promise<void> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  await lookup(hash.digest('hex'));
}

export interface UploadFloorServer {
  port: number;
  close(): Promise<void>;
}

const UPLOAD_FLOOR_FLAG = '--upload-floor';

/**
 * The least any HTTP import of an unchanged file must do, for the same upload `uploadRoster` sends: a bare
 * Node `http` server that receives the body, SHA-256es the file part's bytes as they arrive, runs
 * `select id from roster_submission where file_hash = $1 order by id desc limit 1` on `databaseUrl` once
 * and answers `{"added":0,"exited":0,"alreadyApplied":<a row was found>}`, which `uploadRoster` reads.
 * It hashes the file part, not the whole body: hashing the whole body would spare only a search of the first
 * chunk, but its digest is not the file's, so the lookup would never find the submission.
 * It runs in a child process of its own like the API server (with the same Node flags), so that the two
 * differ only in what the server does: in the bench process it would share one thread with the client
 * writing the body, and the bench's heap (each upload's buffers set off full collections of it).
 */
export async function startUploadFloorServer(databaseUrl: string): Promise<UploadFloorServer> {
  const child = fork(__filename, [UPLOAD_FLOOR_FLAG], {
    execArgv: [...process.execArgv, ...SERVER_NODE_FLAGS],
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
  const exited = once(child, 'exit');
  const ready = await Promise.race([once(child, 'message') as Promise<[{ port: number }]>, exited]);
  if (typeof ready[0] !== 'object' || ready[0] === null) throw new Error(`the upload floor server exited (${String(ready[0])})`);
  return {
    port: ready[0].port,
    async close() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * The bare server itself. Multipart is parsed only as far as hashing the file part needs, for the body
 * `uploadRoster` builds: the file's content starts after the blank line that ends the `name="file"` part's
 * headers and, the last part, ends where the closing boundary begins (the last bytes seen are held back
 * until more arrive). No authentication, no form fields read, no temp file.
 */
async function serveUploadFloor(lookup: (hash: string) => Promise<boolean>): Promise<number> {
  const fileHeader = Buffer.from('name="file"');
  const server = http.createServer((request, response) => {
    const answer = (status: number, body: object) => {
      const text = JSON.stringify(body);
      response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    };
    const boundary = /boundary=([^;]+)/i.exec(request.headers['content-type'] ?? '')?.[1];
    const closing = Buffer.from(`\r\n--${boundary}--\r\n`);
    const hash = createHash('sha256');
    let head: Buffer | null = Buffer.alloc(0); // the body up to the file's content, until that is found
    let held: Buffer = Buffer.alloc(0); // the last bytes seen: the closing boundary at the end, else file content
    request.on('error', () => response.destroy());
    request.on('data', (chunk: Buffer) => {
      if (head !== null) {
        head = Buffer.concat([head, chunk]);
        const named = head.indexOf(fileHeader);
        const blank = named < 0 ? -1 : head.indexOf('\r\n\r\n', named);
        if (blank < 0) return;
        chunk = head.subarray(blank + 4);
        head = null;
      }
      if (held.length + chunk.length <= closing.length) {
        held = Buffer.concat([held, chunk]);
      } else if (chunk.length >= closing.length) {
        hash.update(held);
        hash.update(chunk.subarray(0, chunk.length - closing.length));
        held = chunk.subarray(chunk.length - closing.length);
      } else {
        const joined = Buffer.concat([held, chunk]);
        hash.update(joined.subarray(0, joined.length - closing.length));
        held = joined.subarray(joined.length - closing.length);
      }
    });
    request.on('end', () => {
      if (boundary === undefined || head !== null || !held.equals(closing)) {
        answer(400, { code: 'BAD_USER_INPUT', message: 'not the multipart body uploadRoster sends' });
        return;
      }
      lookup(hash.digest('hex')).then(
        (found) => answer(200, { added: 0, exited: 0, alreadyApplied: found }),
        (error: unknown) => answer(500, { code: 'INTERNAL', message: String(error) }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the upload floor server has no port');
  return address.port;
}

/** In the child process: one connection, the server, its port to the parent. */
async function runUploadFloorChild(): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  const port = await serveUploadFloor(
    async (hash) =>
      (await client.query('select id from roster_submission where file_hash = $1 order by id desc limit 1', [hash])).rows.length > 0,
  );
  process.send!({ port });
}

if (require.main === module && process.argv.includes(UPLOAD_FLOOR_FLAG)) {
  runUploadFloorChild().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
