import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/test-app';
import { sql } from '../../src/shared/sql';
import { IdNumber } from '../../src/shared/id-number';
import { MAX_PAGE_SIZE, MAX_UNPAGED_LIST } from '../../src/shared/paging';

// Issue 11: no list is returned whole beyond MAX_UNPAGED_LIST rows; connections page it with a bounded
// `first`, in a constant number of statements a page whatever Person fields are selected.
// The city: BIG persons (level 3, DIBAO in 530102 since 2024-03-01: on the 2024 screening and ADDED
// between 2024-01-01 and 2024-06-30), plus in 530103 SMALL level 4 persons (same, TEKUN) and GONE
// persons who left DIBAO on 2024-04-01 (REMOVED, not screened).
const BIG = MAX_UNPAGED_LIST + 60;
const SMALL = 12;
const GONE = 20;
const A = '530102';
const B = '530103';

interface Group {
  count: number;
  county: string;
  category: string;
  level: number;
  recognizedOn: string;
  exitedOn: string | null;
  birthDate: string;
}

async function insertGroup(app: TestApp, group: Group): Promise<string[]> {
  // Sequences run 0-999 a birth date: the next thousand are born a day later.
  const [year, month, day] = group.birthDate.split('-').map(Number) as [number, number, number];
  const idNumbers = Array.from({ length: group.count }, (_, index) => {
    const born = new Date(Date.UTC(year, month - 1, day + Math.floor(index / 1000))).toISOString().slice(0, 10);
    return IdNumber.compose(group.county, born, index % 1000).value;
  });
  await app.db.rows(sql`
    with inserted as (
      insert into person (id_number, name, gender, birth_date, disability_level, pension_status)
      select id, '大名单', case when substr(id, 17, 1)::int % 2 = 1 then 'M' else 'F' end, to_date(substr(id, 7, 8), 'YYYYMMDD'), ${group.level}, 'CONTRIBUTING'
      from unnest(${idNumbers}::text[]) as id
      returning id)
    insert into roster_entry (person_id, category, county, recognized_on, exited_on, source_department)
    select inserted.id, ${group.category}, ${group.county}, ${group.recognizedOn}::date, ${group.exitedOn}::date, 'CIVIL_AFFAIRS' from inserted`);
  return idNumbers;
}

type Errors = Array<{ message: string; extensions?: Record<string, unknown> }> | undefined;

describe('bounded lists (subsidyScreening, rosterComparison)', () => {
  let app: TestApp;
  let big: string[];
  let small: string[];
  let gone: string[];

  beforeAll(async () => {
    app = await startTestApp({ now: new Date('2024-11-20T10:00:00Z') });
    big = await insertGroup(app, {
      count: BIG,
      county: A,
      category: 'DIBAO',
      level: 3,
      recognizedOn: '2024-03-01',
      exitedOn: null,
      birthDate: '1980-05-17',
    });
    small = await insertGroup(app, {
      count: SMALL,
      county: B,
      category: 'TEKUN',
      level: 4,
      recognizedOn: '2024-03-01',
      exitedOn: null,
      birthDate: '1975-02-03',
    });
    gone = await insertGroup(app, {
      count: GONE,
      county: B,
      category: 'DIBAO',
      level: 3,
      recognizedOn: '2020-01-01',
      exitedOn: '2024-04-01',
      birthDate: '1970-08-09',
    });
    await app.db.execute(sql`analyze`);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  const SCREENING_PAGE = `query Page($first: Int, $after: String, $county: String) {
    subsidyScreeningPage(year: 2024, first: $first, after: $after, county: $county) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { countedCategory disabilityLevel
        person { idNumber name gender birthDate pensionStatus county rosterEntries { category county recognizedOn exitedOn }
                 payments { year amount } eligibility(year: 2024) { status amount countedCategory reasons { rule message } } } } }
    }
  }`;
  interface ScreeningPage {
    subsidyScreeningPage: {
      totalCount: number;
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      edges: Array<{
        cursor: string;
        node: { countedCategory: string; person: { idNumber: string; county: string; eligibility: { status: string } } };
      }>;
    };
  }

  async function allScreeningPages(
    token: string,
    first: number,
    county: string | null = null,
  ): Promise<{ idNumbers: string[]; pages: number; statements: number[] }> {
    const idNumbers: string[] = [];
    const statements: number[] = [];
    let after: string | null = null;
    for (;;) {
      const before = app.db.statementCount;
      const result: GraphQLResponse<ScreeningPage> = await app.graphql<ScreeningPage>(SCREENING_PAGE, { first, after, county }, token);
      statements.push(app.db.statementCount - before);
      expect(result.errors).toBeUndefined();
      const page: ScreeningPage['subsidyScreeningPage'] = result.data!.subsidyScreeningPage;
      expect(page.edges.length).toBeLessThanOrEqual(first);
      idNumbers.push(...page.edges.map((edge) => edge.node.person.idNumber));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { idNumbers, pages: statements.length, statements };
  }

  it('should refuse subsidyScreening longer than MAX_UNPAGED_LIST with LIST_TOO_LARGE naming the paged field', async () => {
    const result = await app.graphql('{ subsidyScreening(year: 2024) { countedCategory } }', {}, app.token('HRSS'));
    expect(result.data).toBeNull();
    const errors = result.errors as Errors;
    expect(errors?.[0]?.extensions).toMatchObject({
      code: 'LIST_TOO_LARGE',
      list: { field: 'subsidyScreening', limit: MAX_UNPAGED_LIST, instead: 'subsidyScreeningPage(first, after)' },
    });
  });

  it('should still answer a short subsidyScreening whole, under the row rules (a county user: its county only)', async () => {
    const result = await app.graphql<{ subsidyScreening: Array<{ person: { idNumber: string } }> }>(
      '{ subsidyScreening(year: 2024) { person { idNumber } } }',
      {},
      app.token('DISABLED_FEDERATION', B),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data!.subsidyScreening.map((entry) => entry.person.idNumber)).toEqual([...small].sort());
  });

  it('should give pages that concatenate to the whole screening, each page in the same few statements whatever its size', async () => {
    const whole = [...big, ...small].sort();
    const byFive = await allScreeningPages(app.token('HRSS'), 500);
    expect(byFive.idNumbers).toEqual(whole);
    expect(byFive.pages).toBe(Math.ceil(whole.length / 500));
    const small10 = await app.graphql<ScreeningPage>(SCREENING_PAGE, { first: 10 }, app.token('HRSS'));
    expect(small10.data!.subsidyScreeningPage.totalCount).toBe(whole.length);
    expect(small10.data!.subsidyScreeningPage.edges.map((edge) => edge.node.person.idNumber)).toEqual(whole.slice(0, 10));
    // Page, count, and one batched statement per nested field (county/eligibility entries, visible entries, payments, …):
    // the same for 10 rows as for 500.
    const before = app.db.statementCount;
    await app.graphql<ScreeningPage>(SCREENING_PAGE, { first: 10 }, app.token('HRSS'));
    const forTen = app.db.statementCount - before;
    expect(new Set(byFive.statements)).toEqual(new Set([forTen]));
    expect(forTen).toBeLessThanOrEqual(8);
  });

  it('should page a county user through its own rows only', async () => {
    const pages = await allScreeningPages(app.token('HRSS', B), 5, null);
    expect(pages.idNumbers).toEqual([...small].sort());
    expect(pages.pages).toBe(3);
  });

  it('should refuse first above MAX_PAGE_SIZE, a negative first and a forged cursor, naming the argument', async () => {
    for (const [variables, field] of [
      [{ first: MAX_PAGE_SIZE + 1 }, 'first'],
      [{ first: -1 }, 'first'],
      [{ first: 10, after: Buffer.from('person:12').toString('base64url') }, 'after'],
      [{ first: 10, after: Buffer.from('screening:1; drop table person').toString('base64url') }, 'after'],
    ] as const) {
      const result = await app.graphql(SCREENING_PAGE.replace('totalCount', ''), variables, app.token('HRSS'));
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.extensions?.problems?.map((problem) => problem.field)).toEqual([field]);
    }
  });

  it('should count the page size in the cost limit: many big pages with every field are refused before running', async () => {
    const heavy = `{ ${['a', 'b', 'c']
      .map(
        (alias) =>
          `${alias}: ${SCREENING_PAGE.slice(SCREENING_PAGE.indexOf('subsidyScreeningPage'))
            .replace('first: $first, after: $after, county: $county', 'first: 500')
            .replace(/}\s*}$/, '}')}`,
      )
      .join(' ')} }`;
    const before = app.db.statementCount;
    const result = await app.graphql(heavy, {}, app.token('HRSS'));
    expect(result.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(app.db.statementCount - before).toBe(0);
    // The unpaged list is costed at its maximum: every Person field on it is refused too.
    const unpaged = await app.graphql(
      '{ subsidyScreening(year: 2024) { person { county rosterEntries { county } payments { amount } eligibility(year: 2024) { status reasons { rule message } } } } }',
      {},
      app.token('HRSS'),
    );
    expect(unpaged.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('should refuse a rosterComparison list longer than MAX_UNPAGED_LIST and still answer the short ones in one statement', async () => {
    const tooLong = await app.graphql(
      '{ rosterComparison(from: "2024-01-01", to: "2024-06-30") { added { idNumber } } }',
      {},
      app.token('HRSS'),
    );
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({
      code: 'LIST_TOO_LARGE',
      list: { field: 'rosterComparison.added', instead: 'rosterComparison.entries(kind: ADDED, first, after)' },
    });
    const before = app.db.statementCount;
    const short = await app.graphql<{ rosterComparison: { removed: Array<{ idNumber: string; kind: string }>; changed: unknown[] } }>(
      '{ rosterComparison(from: "2024-01-01", to: "2024-06-30") { removed { idNumber kind } changed { idNumber } } }',
      {},
      app.token('HRSS'),
    );
    expect(short.errors).toBeUndefined();
    expect(app.db.statementCount - before).toBe(1);
    expect(short.data!.rosterComparison.removed.map((entry) => entry.idNumber)).toEqual([...gone].sort());
    expect(new Set(short.data!.rosterComparison.removed.map((entry) => entry.kind))).toEqual(new Set(['REMOVED']));
    expect(short.data!.rosterComparison.changed).toEqual([]);
  });

  const ENTRIES = `query Entries($kind: ComparisonKind, $first: Int, $after: String) {
    rosterComparison(from: "2024-01-01", to: "2024-06-30") {
      entries(kind: $kind, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { kind idNumber county before after } } }
    }
  }`;
  interface EntriesPage {
    rosterComparison: {
      entries: {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: Array<{ node: { kind: string; idNumber: string } }>;
      };
    };
  }

  async function allEntries(token: string, kind: string | null, first: number): Promise<{ keys: string[]; totalCount: number }> {
    const keys: string[] = [];
    let after: string | null = null;
    let totalCount = 0;
    for (;;) {
      const result: GraphQLResponse<EntriesPage> = await app.graphql<EntriesPage>(ENTRIES, { kind, first, after }, token);
      expect(result.errors).toBeUndefined();
      const page: EntriesPage['rosterComparison']['entries'] = result.data!.rosterComparison.entries;
      totalCount = page.totalCount;
      keys.push(...page.edges.map((edge) => `${edge.node.kind}/${edge.node.idNumber}`));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    return { keys, totalCount };
  }

  it('should page rosterComparison.entries (one kind or all) to exactly the whole comparison, under the row rules', async () => {
    const added = [...big, ...small].sort().map((idNumber) => `ADDED/${idNumber}`);
    const removed = [...gone].sort().map((idNumber) => `REMOVED/${idNumber}`);
    const onlyAdded = await allEntries(app.token('HRSS'), 'ADDED', 500);
    expect(onlyAdded.keys).toEqual(added);
    expect(onlyAdded.totalCount).toBe(added.length);
    const everything = await allEntries(app.token('HRSS'), null, 499);
    expect(everything.keys).toEqual([...added, ...removed]);
    // CIVIL_AFFAIRS of county B: only its county's entries.
    const countyB = await allEntries(app.token('CIVIL_AFFAIRS', B), null, 7);
    expect(countyB.keys).toEqual([...[...small].sort().map((idNumber) => `ADDED/${idNumber}`), ...removed]);
    const bad = await app.graphql(ENTRIES, { first: MAX_PAGE_SIZE + 1 }, app.token('HRSS'));
    expect(bad.errors?.[0]?.extensions?.problems?.map((problem) => problem.field)).toEqual(['first']);
  });
});
