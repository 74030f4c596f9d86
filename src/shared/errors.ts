// Every error the API reports on purpose has a stable code. They are mapped to GraphQL errors in
// one place, for GraphQL and HTTP alike: src/infrastructure/http/error-mapping.ts.

export type ErrorCode =
  'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'PAYLOAD_TOO_LARGE' | 'LIST_TOO_LARGE' | 'SERVICE_UNAVAILABLE';

export interface Problem {
  /** Spreadsheet row (header = 1) or 1-based position in an input list; null for a single argument. */
  row: number | null;
  field: string;
  message: string;
}

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly httpStatus: number;
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  readonly httpStatus = 401;
  constructor(message = 'A valid bearer token is required') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  readonly httpStatus = 403;
  constructor(message = 'Your department may not access this') {
    super(message);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  readonly httpStatus = 404;
}

export class PayloadTooLargeError extends AppError {
  readonly code = 'PAYLOAD_TOO_LARGE';
  readonly httpStatus = 413;
}

/**
 * The database cannot be reached right now (outage, restart, no connection in time): retry later. A write
 * answered this way may or may not have been committed (the answer can be lost after the commit); writes
 * are idempotent by key (payments, rosters), so retrying is safe.
 */
export class ServiceUnavailableError extends AppError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly httpStatus = 503;
  constructor(message = 'The database is unavailable right now; try again shortly') {
    super(message);
  }
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  readonly httpStatus = 400;
  readonly problems: Problem[];
  constructor(problems: Problem[], message?: string) {
    super(message ?? BadUserInputError.summarise(problems));
    this.problems = problems;
  }

  static single(field: string, message: string, row: number | null = null): BadUserInputError {
    return new BadUserInputError([{ row, field, message }]);
  }

  private static summarise(problems: Problem[]): string {
    if (problems.length === 0) return 'Invalid input';
    const first = problems[0]!;
    const where = first.row === null ? first.field : `row ${first.row}, ${first.field}`;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
    return `Invalid ${where}: ${first.message}${more}`;
  }
}

/** Collects problems so every bad value is reported at once, not only the first. */
export class ProblemList {
  private readonly items: Problem[] = [];

  add(field: string, message: string, row: number | null = null): void {
    this.items.push({ row, field, message });
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  get all(): readonly Problem[] {
    return this.items;
  }

  throwIfAny(): void {
    if (this.items.length > 0) throw new BadUserInputError([...this.items]);
  }
}
