import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, fetchWithRetries, retryAfterMs, retryDelayMs } from '../../../src/cli/http-retry';

describe('the import CLI retry policy', () => {
  const now = Date.parse('2026-12-02T18:00:00Z');

  it('should read Retry-After as seconds or as an HTTP date, and ignore what it cannot read', () => {
    expect(retryAfterMs('3', now)).toBe(3000);
    expect(retryAfterMs('Wed, 02 Dec 2026 18:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('Wed, 02 Dec 2026 17:00:00 GMT', now)).toBe(0);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });

  it('should double the backoff from attempt to attempt, up to the bound, and let Retry-After decide within it', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => retryDelayMs(DEFAULT_RETRY_POLICY, attempt, null));
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 5000)).toBe(5000);
    expect(retryDelayMs(DEFAULT_RETRY_POLICY, 1, 3_600_000)).toBe(30_000);
  });

  it('should send again on 503 and 429 only, sleeping the planned delays', async () => {
    const statuses = [503, 429, 502];
    const slept: number[] = [];
    const response = await fetchWithRetries(
      async () => new Response('{}', { status: statuses.shift()!, headers: { 'retry-after': '2' } }),
      DEFAULT_RETRY_POLICY,
      { sleep: async (ms) => void slept.push(ms), now: () => now },
    );
    expect(response.status).toBe(502);
    expect(slept).toEqual([2000, 2000]);
  });
});
