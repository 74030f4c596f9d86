import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { once } from 'node:events';
import http from 'node:http';
import { checkCharacter } from '../../src/shared/id-number';

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
