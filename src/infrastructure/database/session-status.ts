import type pg from 'pg';

// Where a pooled connection's session stands between statements, as PostgreSQL itself reports it in every
// ReadyForQuery message: idle, inside a transaction block, or inside a failed one. A connection must go
// back to its pool idle: a caller that left a transaction open (pg-boss swallows the error of its own
// "BEGIN; …; COMMIT" start-up script when another process won the race to create its schema) would hand
// the next borrower "current transaction is aborted" or, worse, its uncommitted writes.

export type SessionStatus = 'idle' | 'transaction' | 'failed';

const STATUS_OF: Record<string, SessionStatus> = { I: 'idle', T: 'transaction', E: 'failed' };

interface ProtocolConnection {
  on(event: 'readyForQuery', listener: (message: { status?: string }) => void): unknown;
}

const statuses = new WeakMap<object, SessionStatus>();

/** Starts following a connection's session status (once per connection; cheap to call on every acquire). */
export function followSessionStatus(client: pg.ClientBase): void {
  if (statuses.has(client)) return;
  const protocol = (client as { connection?: ProtocolConnection }).connection;
  // Not a pg Client (no protocol connection to listen to): nothing is known, nothing is done.
  if (!protocol || typeof protocol.on !== 'function') return;
  statuses.set(client, 'idle');
  protocol.on('readyForQuery', (message) => {
    statuses.set(client, STATUS_OF[message.status ?? ''] ?? 'idle');
  });
}

/** The status after the connection's last statement; 'idle' for a connection never followed. */
export function sessionStatus(client: pg.ClientBase): SessionStatus {
  return statuses.get(client) ?? 'idle';
}

/**
 * Ends whatever transaction a borrower left open, so the connection goes back to its pool idle. After a
 * statement that succeeded, the status is exact (pg resolves a query on its ReadyForQuery). After one that
 * failed it may not be yet (pg rejects on the ErrorResponse, which can arrive before the ReadyForQuery that
 * says 'failed'), so one `select 1` first brings the status up to date.
 */
export async function endOpenTransaction(client: pg.ClientBase, workFailed: boolean): Promise<void> {
  if (workFailed) await client.query('select 1').catch(() => undefined);
  if (sessionStatus(client) === 'idle') return;
  await client.query('rollback');
}
