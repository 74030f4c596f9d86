import { requireViewer, type UseCaseContext } from '../../shared/use-case';
import { isIsoDate, type IsoDate } from '../../shared/dates';
import { isDepartment } from '../../shared/domain';
import { ProblemList } from '../../shared/errors';
import { assertMayReadAuditLog } from '../access/row-scope';
import { AuditQueries, type AuditEventRow, type AuditSearch } from './audit.queries';
import type { AuditEventConnection, AuditEventNode } from './audit.types';

export const MAX_AUDIT_PAGE_SIZE = 500;

export interface AuditEventArguments {
  from: IsoDate | null;
  to: IsoDate | null;
  subject: string | null;
  department: string | null;
  action: string | null;
  first: number;
  after: string | null;
}

/** Start of a calendar day in China Standard Time, where the departments work. */
function startOfChinaDay(date: IsoDate): Date {
  return new Date(`${date}T00:00:00+08:00`);
}

function nextDay(date: IsoDate): IsoDate {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

function toNode(row: AuditEventRow): AuditEventNode {
  return {
    id: row.id,
    at: row.at.toISOString(),
    subject: row.subject,
    department: isDepartment(row.department) ? row.department : 'HRSS',
    county: row.county,
    action: row.action,
    operation: row.operation,
    personCount: row.personCount,
    idNumbers: row.idNumbers,
    details: row.details === null ? null : JSON.stringify(row.details),
  };
}

const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

export class AuditService {
  private readonly queries: AuditQueries;

  constructor(private readonly context: UseCaseContext) {
    this.queries = new AuditQueries(context.db);
  }

  async page(input: AuditEventArguments): Promise<AuditEventConnection> {
    const viewer = requireViewer(this.context);
    assertMayReadAuditLog(viewer);
    const problems = new ProblemList();
    for (const [field, value] of [
      ['from', input.from],
      ['to', input.to],
    ] as const) {
      if (value !== null && !isIsoDate(value)) problems.add(field, 'must be a date written YYYY-MM-DD');
    }
    if (input.from && input.to && input.from > input.to) problems.add('to', 'must not be before from');
    if (input.department !== null && !isDepartment(input.department)) problems.add('department', 'is not a department');
    if (!Number.isInteger(input.first) || input.first < 0 || input.first > MAX_AUDIT_PAGE_SIZE)
      problems.add('first', `must be between 0 and ${MAX_AUDIT_PAGE_SIZE}`);
    // Event ids are PostgreSQL bigints: a larger number is no cursor this API gave out (and would fail the cast).
    if (input.after !== null && (!/^\d{1,19}$/.test(input.after) || BigInt(input.after) > MAX_EVENT_ID))
      problems.add('after', 'is not a cursor returned by this API');
    problems.throwIfAny();

    const search: AuditSearch = {
      // Whole days in China time, both ends included.
      from: input.from ? startOfChinaDay(input.from) : null,
      to: input.to ? startOfChinaDay(nextDay(input.to)) : null,
      subject: input.subject,
      department: input.department,
      action: input.action,
    };
    const rows = await this.queries.page(search, input.first, input.after);
    const edges = rows.slice(0, input.first).map((row) => ({ cursor: row.id, node: toNode(row) }));
    return {
      edges,
      pageInfo: { hasNextPage: rows.length > input.first, endCursor: edges.at(-1)?.cursor ?? null },
      countTotal: () => this.queries.count(search),
    };
  }
}
