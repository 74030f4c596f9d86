// Retries of the import CLI's requests: a connection that fails ("fetch failed": the server restarting, a
// proxy dropping the socket) and answers that say "try again" (503 SERVICE_UNAVAILABLE, 429 with
// Retry-After) are sent again after a bounded exponential backoff, honouring Retry-After. Any other answer,
// a 4xx above all, is the server's word and is returned at once.

export interface RetryPolicy {
  /** Further attempts after the first; 0: none. */
  retries: number;
  /** The first backoff; each later one doubles it. */
  baseDelayMs: number;
  /** No wait is longer, whatever the backoff or Retry-After says. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { retries: 5, baseDelayMs: 500, maxDelayMs: 30_000 };

/** Answers worth sending again: the server (or its database) is briefly unavailable, or asks us to slow down. */
const RETRIED_STATUSES = new Set([429, 503]);

export function isRetriedStatus(status: number): boolean {
  return RETRIED_STATUSES.has(status);
}

/** Retry-After as milliseconds from `now`: delay-seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The wait before attempt `attempt + 1` (attempt counts from 1): Retry-After when the server gave one, else the backoff. */
export function retryDelayMs(policy: RetryPolicy, attempt: number, retryAfter: number | null): number {
  const backoff = policy.baseDelayMs * 2 ** (attempt - 1);
  return Math.min(policy.maxDelayMs, retryAfter ?? backoff);
}

export interface RetryEvent {
  attempt: number;
  delayMs: number;
  /** "503", "429" or the connection error's message. */
  reason: string;
}

export class RetriesExhaustedError extends Error {
  constructor(
    readonly attempts: number,
    readonly lastReason: string,
  ) {
    super(`gave up after ${attempts} attempts: ${lastReason}`);
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  const detail = cause instanceof Error ? cause.message : typeof cause === 'string' ? cause : null;
  return detail ? `${error.message} (${detail})` : error.message;
}

/**
 * Sends `request` until it answers something else than 429/503, or the retries are spent. A thrown error
 * (no answer at all) is retried; an answer that is still 429/503 after the last retry is returned as it is,
 * a connection that still fails raises RetriesExhaustedError.
 */
export async function fetchWithRetries(
  request: () => Promise<Response>,
  policy: RetryPolicy,
  options: { onRetry?: (event: RetryEvent) => void; sleep?: (ms: number) => Promise<void>; now?: () => number } = {},
): Promise<Response> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    let reason: string;
    let retryAfter: number | null = null;
    try {
      const response = await request();
      if (!isRetriedStatus(response.status) || attempt > policy.retries) return response;
      reason = String(response.status);
      retryAfter = retryAfterMs(response.headers.get('retry-after'), now());
      // The body is not wanted; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
    } catch (error) {
      reason = describe(error);
      if (attempt > policy.retries) throw new RetriesExhaustedError(attempt, reason);
    }
    const delayMs = retryDelayMs(policy, attempt, retryAfter);
    options.onRetry?.({ attempt, delayMs, reason });
    await sleep(delayMs);
  }
}
